package org.bollwerk.ratelimit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bollwerk.account.Requester;
import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Rate limits per user and per client IP, from {@code bollwerk.rate-limit.*}. Exceeding a limit
 * answers 429 {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms}.
 *
 * <p>The buckets are in this node's memory (not shared between nodes, reset on restart). Each map holds
 * at most {@value #MAX_KEYS} keys; idle buckets are evicted.
 */
@Service
public class RateLimiter {
    static final int MAX_KEYS = 100_000;
    /** User IDs are at most 255 bytes; longer keys come from hostile input and are cut. */
    private static final int MAX_KEY_LENGTH = 255;

    private final BollwerkProperties.RateLimit config;
    private final TokenBuckets loginByIp;
    private final TokenBuckets loginByUser;
    private final TokenBuckets sendByIp;
    private final TokenBuckets sendByUser;

    @Autowired
    RateLimiter(BollwerkProperties props) {
        this(props.rateLimit(), System::nanoTime);
    }

    RateLimiter(BollwerkProperties.RateLimit config, LongSupplier nanoClock) {
        this.config = config;
        this.loginByIp = new TokenBuckets("login-ip", config.loginPerSecond(), config.loginBurst(), MAX_KEYS, nanoClock);
        this.loginByUser = new TokenBuckets("login-user", config.loginPerSecond(), config.loginBurst(), MAX_KEYS, nanoClock);
        this.sendByIp = new TokenBuckets("send-ip", config.sendPerSecond(), config.sendBurst(), MAX_KEYS, nanoClock);
        this.sendByUser = new TokenBuckets("send-user", config.sendPerSecond(), config.sendBurst(), MAX_KEYS, nanoClock);
    }

    /**
     * Called by the room feature before every event send. Server admins pass when
     * {@code bollwerk.rate-limit.admins-exempt} is true.
     *
     * @throws MatrixException 429 {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms}
     */
    public void checkSend(Requester requester, String clientIp) {
        if (!config.enabled()) return;
        if (config.adminsExempt() && requester.admin()) return;
        long waitMs = takeBoth(sendByUser, key(requester.userId()), sendByIp, ipKey(clientIp));
        if (waitMs > 0) throw limitExceeded("send", waitMs, "Too many messages; slow down");
    }

    /**
     * Called before a password is checked, per client IP and per attempted user ID. Admin exemption does
     * not apply: before the password is verified nobody is known to be an admin.
     */
    public void checkLogin(String clientIp, String userId) {
        if (!config.enabled()) return;
        long waitMs = userId == null ? loginByIp.take(ipKey(clientIp))
                : takeBoth(loginByIp, ipKey(clientIp), loginByUser, key(userId));
        if (waitMs > 0) throw limitExceeded("login", waitMs, "Too many login attempts; try again later");
    }

    /**
     * One token from each bucket, or none: a refused attempt must not use up the other limit, or two limits
     * refilling out of step could refuse a patient client for ever, however long it waits as told.
     */
    private static long takeBoth(TokenBuckets first, String firstKey, TokenBuckets second, String secondKey) {
        long waitMs = first.take(firstKey);
        if (waitMs > 0) return waitMs;
        waitMs = second.take(secondKey);
        if (waitMs > 0) first.refund(firstKey);
        return waitMs;
    }

    /** Refusals per kind of limit ({@code bollwerk_ratelimit_refusals_total{kind}}); no user or address labels. */
    static final Map<String, Counter> REFUSALS = Stream.of("send", "login", "report", "to_device", "search", "concurrency")
            .collect(Collectors.toUnmodifiableMap(kind -> kind, kind -> Counter.builder("bollwerk.ratelimit.refusals")
                    .tag("kind", kind)
                    .description("Requests refused with 429 by a rate or concurrency limit")
                    .register(Metrics.globalRegistry)));

    static MatrixException limitExceeded(String kind, long retryAfterMs, String message) {
        REFUSALS.get(kind).increment();
        return limitExceeded(retryAfterMs, message);
    }

    static MatrixException limitExceeded(long retryAfterMs, String message) {
        return new MatrixException(ErrCode.M_LIMIT_EXCEEDED, 429, message, Map.of("retry_after_ms", retryAfterMs));
    }

    /** A bucket key from a user ID or address, cut to {@link #MAX_KEY_LENGTH}. */
    static String key(String value) {
        return value.length() > MAX_KEY_LENGTH ? value.substring(0, MAX_KEY_LENGTH) : value;
    }

    /**
     * IPv4 addresses count one by one; IPv6 addresses by their /64 prefix, since one client usually holds a
     * whole /64 and could otherwise rotate through addresses to escape the limit.
     */
    static String ipKey(String ip) {
        if (ip == null || ip.isEmpty()) return "-";
        String address = ip;
        int zone = address.indexOf('%');
        if (zone >= 0) address = address.substring(0, zone);
        if (address.indexOf(':') < 0 || !address.matches("[0-9A-Fa-f:.]{2,45}")) return key(address);
        try {
            byte[] bytes = java.net.InetAddress.getByName(address).getAddress();  // a literal: no DNS lookup
            if (bytes.length == 4) return java.net.InetAddress.getByAddress(bytes).getHostAddress();
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (java.net.UnknownHostException e) {
            return key(address);
        }
    }
}
