package org.bollwerk.ratelimit;

import org.bollwerk.account.Requester;
import org.bollwerk.config.BollwerkProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.util.function.LongSupplier;

/**
 * Rate and volume limit of {@code sendToDevice} per sending user: one bucket of messages (deliveries) and one
 * of content bytes. Exceeding either answers 429 {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms}; the
 * request then stores nothing, so a retry after the wait delivers it whole.
 */
@Service
public class ToDeviceRateLimit {
    private final BollwerkProperties.RateLimit config;
    private final TokenBuckets messages;
    private final TokenBuckets bytes;

    @Autowired
    ToDeviceRateLimit(BollwerkProperties props, ToDeviceLimitProperties limits) {
        this(props.rateLimit(), limits, System::nanoTime);
    }

    ToDeviceRateLimit(BollwerkProperties.RateLimit config, ToDeviceLimitProperties limits, LongSupplier nanoClock) {
        this.config = config;
        this.messages = new TokenBuckets("to-device-messages", limits.messagesPerSecond(), limits.messagesBurst(),
                RateLimiter.MAX_KEYS, nanoClock);
        this.bytes = new TokenBuckets("to-device-bytes", limits.bytesPerSecond(), limits.bytesBurst(),
                RateLimiter.MAX_KEYS, nanoClock);
    }

    /**
     * Called before a {@code sendToDevice} request stores anything. Server admins pass when
     * {@code bollwerk.rate-limit.admins-exempt} is true.
     *
     * @param deliveries messages the request would store (one per target device)
     * @param contentBytes the bytes of their contents together
     * @throws org.bollwerk.matrix.MatrixException 429 {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms}
     */
    public void check(Requester sender, int deliveries, long contentBytes) {
        if (!config.enabled() || deliveries == 0) return;
        if (config.adminsExempt() && sender.admin()) return;
        String key = RateLimiter.key(sender.userId());
        // Volume first: a refused request must not have spent message tokens it never used (and vice versa
        // as far as possible: the message bucket is only charged when the volume passed).
        long waitMs = bytes.take(key, contentBytes);
        if (waitMs == 0) waitMs = messages.take(key, deliveries);
        if (waitMs > 0) {
            throw RateLimiter.limitExceeded("to_device", waitMs, "Too many to-device messages; slow down");
        }
    }
}
