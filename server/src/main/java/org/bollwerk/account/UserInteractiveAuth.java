package org.bollwerk.account;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * User-interactive authentication for sensitive operations (password change, device deletion):
 * the single stage {@code m.login.password}, re-checking the requester's own password. Stateless, so a
 * retry may reach any node. Public so other features can guard their own sensitive endpoints (e2ee:
 * replacing cross-signing keys).
 */
@Component
public class UserInteractiveAuth {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final AccountService accounts;

    UserInteractiveAuth(AccountService accounts) {
        this.accounts = accounts;
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
        if (password == null || claimed == null || !claimed.equals(requester.userId())
                || !accounts.checkPassword(requester.userId(), password)) {
            throw challenge(session, MatrixException.forbidden("Invalid password"));
        }
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
