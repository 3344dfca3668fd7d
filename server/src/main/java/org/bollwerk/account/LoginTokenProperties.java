package org.bollwerk.account;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * Login tokens ({@code bollwerk.login-token.*}, env {@code BOLLWERK_LOGIN_TOKEN_*}).
 *
 * @param lifetime how long a token from {@code /login/get_token} (or, later, single sign-on) may be redeemed;
 *                 short, because whoever holds it can open a session: at least 1 s, at most 10 min
 */
@ConfigurationProperties("bollwerk.login-token")
public record LoginTokenProperties(@DefaultValue("2m") Duration lifetime) {
    public LoginTokenProperties {
        if (lifetime == null || lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("bollwerk.login-token.lifetime must be between 1s and 10m, was " + lifetime);
        }
    }
}
