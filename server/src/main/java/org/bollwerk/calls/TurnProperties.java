package org.bollwerk.calls;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;
import java.util.List;

/**
 * TURN settings ({@code bollwerk.turn.*}, env {@code BOLLWERK_TURN_*}).
 *
 * @param uris         TURN/STUN URIs handed to clients, e.g. {@code turn:turn.example.org:3478?transport=udp};
 *                     empty = no TURN (clients get {@code {}})
 * @param sharedSecret the {@code static-auth-secret} configured in coturn ({@code use-auth-secret}); never
 *                     sent to clients, only HMACs of it
 * @param ttl          how long handed-out credentials stay valid
 */
@Validated
@ConfigurationProperties("bollwerk.turn")
public record TurnProperties(
        @NotNull @DefaultValue("") List<String> uris,
        @NotNull @DefaultValue("") String sharedSecret,
        @NotNull @DefaultValue("1h") Duration ttl) {

    public TurnProperties {
        uris = uris.stream().map(String::trim).filter(u -> !u.isEmpty()).toList();
        for (String uri : uris) {
            if (!uri.matches("(?i)(turns?|stuns?):[^\\s]+")) {
                throw new IllegalArgumentException("bollwerk.turn.uris: '" + uri
                        + "' is not a turn:, turns:, stun: or stuns: URI");
            }
        }
        if (!uris.isEmpty() && sharedSecret.isBlank()) {
            throw new IllegalArgumentException("bollwerk.turn.shared-secret must be set when bollwerk.turn.uris is set");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException("bollwerk.turn.ttl must be between 1 second and 7 days");
        }
    }

    boolean enabled() {
        return !uris.isEmpty();
    }

    @Override
    public String toString() {  // never print the secret
        return "TurnProperties[uris=" + uris + ", sharedSecret=" + (sharedSecret.isEmpty() ? "" : "***")
                + ", ttl=" + ttl + "]";
    }
}
