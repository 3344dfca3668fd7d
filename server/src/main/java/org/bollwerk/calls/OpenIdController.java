package org.bollwerk.calls;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Requester;
import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.time.Duration;
import java.util.Map;

/**
 * OpenID tokens as the client-server spec defines them: a client asks for one and hands it to a third
 * party (Element Call's LiveKit JWT service, an integration manager), which asks this server's userinfo
 * endpoint whose it is. The third party learns the user ID and nothing else; the token cannot call any
 * other API.
 */
@RestController
class OpenIdController {
    static final Duration LIFETIME = Duration.ofHours(1);
    private final OpenIdTokens tokens;
    private final AccountService accounts;

    OpenIdController(OpenIdTokens tokens, AccountService accounts) {
        this.tokens = tokens;
        this.accounts = accounts;
    }

    @PostMapping({"/_matrix/client/v3/user/{userId}/openid/request_token",
            "/_matrix/client/r0/user/{userId}/openid/request_token"})
    Map<String, Object> requestToken(Requester requester, @PathVariable String userId) {
        if (!requester.userId().equals(userId)) {
            throw MatrixException.forbidden("You may only request OpenID tokens for yourself");
        }
        long now = System.currentTimeMillis();
        String token = tokens.issue(userId, now, now + LIFETIME.toMillis());
        return Map.of("access_token", token, "token_type", "Bearer",
                "matrix_server_name", UserId.parse(userId).domain(), "expires_in", LIFETIME.toSeconds());
    }

    /**
     * The federation API's userinfo lookup. The spec passes the OpenID token in the query string; it is not
     * an access token and opens nothing else. A token of a user since locked or deactivated is refused.
     */
    @GetMapping("/_matrix/federation/v1/openid/userinfo")
    Map<String, Object> userInfo(@RequestParam(name = "access_token", required = false) String token) {
        if (token == null || token.isEmpty()) {
            throw new MatrixException(ErrCode.M_MISSING_TOKEN, 401, "Missing OpenID token", Map.of());
        }
        String userId = tokens.owner(token, System.currentTimeMillis())
                .filter(id -> accounts.user(id).filter(OpenIdController::active).isPresent())
                .orElseThrow(() -> new MatrixException(ErrCode.M_UNKNOWN_TOKEN, 401,
                        "OpenID token not recognised or expired", Map.of()));
        return Map.of("sub", userId);
    }

    private static boolean active(UserAccount account) {
        return !account.deactivated() && !account.locked();
    }
}
