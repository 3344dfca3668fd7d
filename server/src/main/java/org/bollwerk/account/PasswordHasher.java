package org.bollwerk.account;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/** Argon2id password hashes through Spring Security's encoder; no hand-rolled crypto. */
@Component
class PasswordHasher {
    private final Argon2PasswordEncoder encoder = Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8();
    // Verifying against this keeps the time of an unknown-user login equal to a wrong-password one.
    private final String dummyHash = encoder.encode("bollwerk-timing-equaliser");

    String hash(String password) {
        return encoder.encode(password);
    }

    boolean matches(String password, String hash) {
        if (hash == null) {
            encoder.matches(password, dummyHash);
            return false;
        }
        return encoder.matches(password, hash);
    }
}
