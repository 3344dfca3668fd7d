package org.bollwerk.e2ee;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds of the e2ee feature ({@code bollwerk.e2ee.*}, env {@code BOLLWERK_E2EE_*}). Exceeding one is a
 * clear error to the client, never a silent drop.
 *
 * @param maxToDeviceMessagesPerRequest messages one {@code sendToDevice} may deliver, after {@code *}
 *                                      is expanded to the recipient's devices
 * @param maxKeysPerUpload              one-time plus fallback keys in one {@code keys/upload}
 * @param maxOneTimeKeysPerDevice       one-time keys stored for one device at a time
 * @param toDeviceMessagesPerSync       to-device messages handed out in one /sync response (the rest follow)
 * @param maxPendingToDevicePerDevice   to-device messages waiting for one device; a request that would exceed it
 *                                      is refused (429 {@code M_LIMIT_EXCEEDED}) rather than anything dropped
 */
@Validated
@ConfigurationProperties("bollwerk.e2ee")
public record E2eeProperties(
        @Min(1) @DefaultValue("10000") int maxToDeviceMessagesPerRequest,
        @Min(1) @DefaultValue("200") int maxKeysPerUpload,
        @Min(1) @DefaultValue("1000") int maxOneTimeKeysPerDevice,
        @Min(1) @DefaultValue("100") int toDeviceMessagesPerSync,
        @Min(1) @DefaultValue("10000") int maxPendingToDevicePerDevice) {
}
