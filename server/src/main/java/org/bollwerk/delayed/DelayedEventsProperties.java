package org.bollwerk.delayed;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.time.Duration;

/**
 * Limits of delayed events ({@code bollwerk.delayed-events.*}, env {@code BOLLWERK_DELAYED_EVENTS_*}).
 *
 * @param maxDelay      longest delay a client may ask for; longer ones are refused with {@code M_MAX_DELAY_EXCEEDED}
 * @param maxPerUser    delayed events one user may have scheduled at once; one more is refused with 429
 * @param checkInterval how often each node looks for delayed events that are due (an event is sent at most
 *                      this much after its time)
 * @param keepFinalised how long sent, cancelled and failed delayed events stay listed for their owner
 */
@Validated
@ConfigurationProperties("bollwerk.delayed-events")
public record DelayedEventsProperties(
        @NotNull @DefaultValue("24h") Duration maxDelay,
        @DefaultValue("100") int maxPerUser,
        @NotNull @DefaultValue("1s") Duration checkInterval,
        @NotNull @DefaultValue("7d") Duration keepFinalised) {

    public DelayedEventsProperties {
        if (maxDelay.toMillis() < 1) throw new IllegalArgumentException("bollwerk.delayed-events.max-delay must be positive");
        if (maxPerUser < 1) throw new IllegalArgumentException("bollwerk.delayed-events.max-per-user must be at least 1");
        if (checkInterval.toMillis() < 10 || checkInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("bollwerk.delayed-events.check-interval must be between 10ms and 1m");
        }
        if (keepFinalised.isNegative()) {
            throw new IllegalArgumentException("bollwerk.delayed-events.keep-finalised must not be negative");
        }
    }
}
