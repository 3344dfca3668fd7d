package org.bollwerk.account;

import org.bollwerk.matrix.json.Json;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * {@code POST /_matrix/client/v1/login/get_token} (spec v1.7): a signed-in device asks for a short-lived token
 * another device redeems with {@code m.login.token} (sign in by QR code or link). Guarded by user-interactive
 * auth: whoever holds only a stolen access token must not be able to mint sessions; the password re-check
 * counts against the login throttle, which is this endpoint's rate limit.
 */
@RestController
class LoginTokenController {
    private final UserInteractiveAuth uia;
    private final LoginTokens loginTokens;

    LoginTokenController(UserInteractiveAuth uia, LoginTokens loginTokens) {
        this.uia = uia;
        this.loginTokens = loginTokens;
    }

    @PostMapping("/_matrix/client/v1/login/get_token")
    Map<String, Object> getToken(Requester requester, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = raw == null || raw.length == 0 ? null : Json.parseObject(raw);
        uia.require(requester, body);
        LoginTokens.Issued issued = loginTokens.issue(requester.userId(), LoginTokens.ISSUED_BY_GET_TOKEN);
        return Map.of("login_token", issued.token(), "expires_in_ms", issued.expiresInMs());
    }
}
