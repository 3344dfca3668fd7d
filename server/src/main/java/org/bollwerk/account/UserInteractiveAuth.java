package org.bollwerk.account;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.springframework.stereotype.Component;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import tools.jackson.databind.JsonNode;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * User-interactive authentication for sensitive operations (password change, device deletion):
 * the single stage {@code m.login.password}, re-checking the requester's own password. Stateless, so a
 * retry may reach any node. Public so other features can guard their own sensitive endpoints (e2ee:
 * replacing cross-signing keys). Every password re-check passes the login throttle first (per user and per
 * client address, the same buckets as {@code /login}): a stolen token must not allow fast online guessing.
 */
@Component
public class UserInteractiveAuth {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final AccountService accounts;
    private final LoginGuard guard;

    UserInteractiveAuth(AccountService accounts, LoginGuard guard) {
        this.accounts = accounts;
        this.guard = guard;
    }

    /** Returns normally when {@code body.auth} proves the requester's identity; else throws the 401 UIA answer. */
    public void require(Requester requester, JsonNode body) {
        JsonNode auth = body == null ? null : body.get("auth");
        if (auth == null || !auth.isObject() || !auth.has("type")) throw challenge(null, null);
        String session = auth.path("session").isString() ? auth.path("session").asString() : null;
        String type = auth.path("type").asString("");
        if (!"m.login.password".equals(type)) {
            throw challenge(session, new MatrixException(ErrCode.M_UNRECOGNIZED, "Unsupported authentication type"));
        }
        String password = auth.path("password").isString() ? auth.path("password").asString() : null;
        String claimed = LoginIdentifiers.userOf(auth, requester.userId().substring(requester.userId().indexOf(':') + 1));
        // 429 M_LIMIT_EXCEEDED with retry_after_ms before any password is hashed
        if (password != null) guard.beforeLogin(clientAddress(), requester.userId());
        if (password == null || claimed == null || !claimed.equals(requester.userId())
                || !accounts.checkPassword(requester.userId(), password)) {
            throw challenge(session, MatrixException.forbidden("Invalid password"));
        }
    }

    private static String clientAddress() {
        RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
        return attributes instanceof ServletRequestAttributes servlet ? servlet.getRequest().getRemoteAddr() : null;
    }

    private static MatrixException challenge(String session, MatrixException failure) {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        String sessionId = session != null ? session : Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Map<String, Object> extra = new java.util.LinkedHashMap<>();
        extra.put("flows", List.of(Map.of("stages", List.of("m.login.password"))));
        extra.put("params", Map.of());
        extra.put("session", sessionId);
        extra.put("completed", List.of());
        if (failure == null) {
            return new MatrixException(ErrCode.M_UNAUTHORIZED, 401, "Authentication required", extra);
        }
        return new MatrixException(failure.errCode(), 401, failure.getMessage(), extra);
    }
}
