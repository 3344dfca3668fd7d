package org.bollwerk.calls;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.util.List;
import java.util.Map;

/**
 * The MatrixRTC focus for Element Call ({@code bollwerk.livekit.*}, env {@code BOLLWERK_LIVEKIT_*}).
 *
 * @param serviceUrl the LiveKit JWT service ("lk-jwt-service") clients ask for a LiveKit token with their
 *                   OpenID token, e.g. {@code https://rtc.example.org/livekit/jwt}; empty = no group calls
 */
@Validated
@ConfigurationProperties("bollwerk.livekit")
public record LiveKitProperties(
        @NotNull @Pattern(regexp = "|https?://[^?#\\s]+", message = "must be empty or an http(s) URL without query")
        @DefaultValue("") String serviceUrl) {

    /** The foci as {@code .well-known} ({@code org.matrix.msc4143.rtc_foci}) and the transports endpoint list them. */
    public List<Map<String, Object>> foci() {
        if (serviceUrl.isEmpty()) return List.of();
        return List.of(Map.of("type", "livekit", "livekit_service_url", serviceUrl));
    }
}
