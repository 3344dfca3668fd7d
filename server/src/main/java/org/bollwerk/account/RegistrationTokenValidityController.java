package org.bollwerk.account;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.matrix.MatrixException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/**
 * {@code GET /register/m.login.registration_token/validity}: lets a client check a token before asking for
 * a username. Unauthenticated, so it shares the login rate limit (per client IP) against guessing.
 */
@RestController
class RegistrationTokenValidityController {
    private final RegistrationTokens tokens;
    private final LoginGuard guard;

    RegistrationTokenValidityController(RegistrationTokens tokens, LoginGuard guard) {
        this.tokens = tokens;
        this.guard = guard;
    }

    @GetMapping({"/_matrix/client/v1/register/m.login.registration_token/validity",
            "/_matrix/client/v3/register/m.login.registration_token/validity"})
    Map<String, Object> validity(@RequestParam(required = false) String token, HttpServletRequest request) {
        if (token == null) throw MatrixException.missingParam("Missing 'token'");
        guard.beforeLogin(request.getRemoteAddr(), null);
        if (!RegistrationTokens.TOKEN.matcher(token).matches()) throw MatrixException.invalidParam("Invalid token");
        return Map.of("valid", tokens.isValid(token));
    }
}
