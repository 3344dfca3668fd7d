package org.bollwerk.calls;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

/**
 * Time-limited TURN credentials in the scheme coturn implements for {@code use-auth-secret} (the "TURN REST
 * API" draft): the user name is {@code <expiry in Unix seconds>:<user ID>}, the password the Base64 of
 * HMAC-SHA1 over that name keyed with the shared secret. coturn recomputes the HMAC and refuses the name
 * once its expiry has passed, so nothing needs to be stored or revoked here.
 */
final class TurnCredentials {
    private TurnCredentials() {
    }

    record Credential(String username, String password) {
    }

    static Credential issue(String sharedSecret, String userId, Instant expiry) {
        String username = expiry.getEpochSecond() + ":" + userId;
        return new Credential(username, password(sharedSecret, username));
    }

    static String password(String sharedSecret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");  // coturn's scheme is defined over SHA-1; HMAC-SHA1 stays sound
            mac.init(new SecretKeySpec(sharedSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is missing from this JDK", e);
        }
    }
}
