package org.bollwerk.ratelimit;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Per-sender limits of {@code sendToDevice} ({@code bollwerk.rate-limit.to-device.*}, env
 * {@code BOLLWERK_RATE_LIMIT_TO_DEVICE_*}); off with the other rate limits ({@code bollwerk.rate-limit.enabled}).
 * Messages count deliveries (after {@code *} is expanded to devices), bytes their stored content. The bursts
 * let one room-key share to a large room through at once; the rates bound what a sender sustains.
 *
 * @param messagesPerSecond sustained deliveries per sending user
 * @param messagesBurst     deliveries a sender may make at once (at least a full request's worth)
 * @param bytesPerSecond    sustained content bytes per sending user
 * @param bytesBurst        content bytes a sender may deliver at once
 */
@Validated
@ConfigurationProperties("bollwerk.rate-limit.to-device")
public record ToDeviceLimitProperties(
        @Min(1) @DefaultValue("500") double messagesPerSecond,
        @Min(1) @DefaultValue("10000") int messagesBurst,
        @Min(1) @DefaultValue("1048576") double bytesPerSecond,
        @Min(1) @DefaultValue("20971520") int bytesBurst) {
}
