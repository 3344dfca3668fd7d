package org.bollwerk.account;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Self-registration. Off by default: organisations provision their users (admin API, directory sync);
 * then {@code /register} answers 403 M_FORBIDDEN before looking at the body.
 */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class RegisterController {
    private final AccountService accounts;
    private final LoginGuard guard;
    private final boolean enabled;
    private final String serverName;

    RegisterController(AccountService accounts, LoginGuard guard, BollwerkProperties props) {
        this.accounts = accounts;
        this.guard = guard;
        this.enabled = props.registration().enabled();
        this.serverName = props.serverName();
    }

    @PostMapping("/register")
    Map<String, Object> register(@RequestParam(required = false) String kind,
                                 @RequestBody(required = false) byte[] raw, HttpServletRequest request) {
        if (!enabled || "guest".equals(kind)) {
            throw MatrixException.forbidden("Registration is disabled on this server");
        }
        ObjectNode body = Json.parseObject(raw);
        if (!body.has("auth")) {
            throw new MatrixException(ErrCode.M_UNAUTHORIZED, 401, "Authentication required", Map.of(
                    "flows", List.of(Map.of("stages", List.of("m.login.dummy"))), "params", Map.of(),
                    "session", java.util.UUID.randomUUID().toString()));
        }
        String username = JsonBody.string(body, "username", true).toLowerCase(Locale.ROOT);
        String password = JsonBody.string(body, "password", true);
        guard.beforeLogin(request.getRemoteAddr(), "@" + username + ":" + serverName);
        String userId = new UserId(username, serverName).toString();
        accounts.createUser(userId, password, null, false);
        if (JsonBody.bool(body, "inhibit_login", false)) return Map.of("user_id", userId);
        AccountService.Session session = accounts.openSession(userId, JsonBody.string(body, "device_id", false),
                JsonBody.string(body, "initial_device_display_name", false), request.getRemoteAddr());
        return LoginController.sessionBody(session);
    }

    @GetMapping("/register/available")
    Map<String, Object> available(@RequestParam String username) {
        if (!enabled) throw MatrixException.forbidden("Registration is disabled on this server");
        String userId = "@" + username.toLowerCase(Locale.ROOT) + ":" + serverName;
        if (!UserId.isValidNewLocalpart(username.toLowerCase(Locale.ROOT))) {
            throw new MatrixException(ErrCode.M_INVALID_USERNAME, "Invalid username");
        }
        if (accounts.exists(userId)) throw new MatrixException(ErrCode.M_USER_IN_USE, "User ID already taken.");
        return Map.of("available", true);
    }
}
