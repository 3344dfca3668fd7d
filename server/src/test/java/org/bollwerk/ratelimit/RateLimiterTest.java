package org.bollwerk.ratelimit;

import org.bollwerk.account.Requester;
import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RateLimiterTest {
    private final AtomicLong nanos = new AtomicLong();
    private static final Requester USER = new Requester("@u:localhost", "DEV", "default", false, "h");
    private static final Requester ADMIN = new Requester("@a:localhost", "DEV", "default", true, "h");

    private RateLimiter limiter(boolean enabled, boolean adminsExempt) {
        return new RateLimiter(new BollwerkProperties.RateLimit(enabled, 1, 2, 10, 3, adminsExempt), nanos::get);
    }

    @Test
    void sendingBeyondTheBurstIsLimitExceededWithRetryAfter() {
        RateLimiter limiter = limiter(true, true);
        for (int i = 0; i < 3; i++) limiter.checkSend(USER, "10.0.0.1");
        MatrixException e = catchThrowableOfType(MatrixException.class, () -> limiter.checkSend(USER, "10.0.0.1"));
        assertThat(e.errCode()).isEqualTo(ErrCode.M_LIMIT_EXCEEDED);
        assertThat(e.httpStatus()).isEqualTo(429);
        assertThat(e.body()).containsEntry("retry_after_ms", 100L);
    }

    @Test
    void oneUserSendingFromManyAddressesIsStillLimited() {
        RateLimiter limiter = limiter(true, true);
        for (int i = 0; i < 3; i++) limiter.checkSend(USER, "10.0.0." + i);
        assertThat(catchThrowableOfType(MatrixException.class, () -> limiter.checkSend(USER, "10.0.0.99"))).isNotNull();
    }

    @Test
    void manyUsersSendingFromOneAddressAreLimitedPerAddress() {
        RateLimiter limiter = limiter(true, true);
        for (int i = 0; i < 3; i++) {
            limiter.checkSend(new Requester("@u" + i + ":localhost", "D", "default", false, "h"), "10.0.0.1");
        }
        Requester another = new Requester("@other:localhost", "D", "default", false, "h");
        assertThat(catchThrowableOfType(MatrixException.class, () -> limiter.checkSend(another, "10.0.0.1"))).isNotNull();
    }

    @Test
    void adminsAreExemptFromSendLimitsOnlyWhenConfigured() {
        RateLimiter exempt = limiter(true, true);
        for (int i = 0; i < 100; i++) exempt.checkSend(ADMIN, "10.0.0.1");
        RateLimiter strict = limiter(true, false);
        for (int i = 0; i < 3; i++) strict.checkSend(ADMIN, "10.0.0.1");
        assertThat(catchThrowableOfType(MatrixException.class, () -> strict.checkSend(ADMIN, "10.0.0.1"))).isNotNull();
    }

    @Test
    void disabledLimitsLetEverythingThrough() {
        RateLimiter limiter = limiter(false, false);
        assertThatCode(() -> {
            for (int i = 0; i < 100; i++) {
                limiter.checkSend(USER, "10.0.0.1");
                limiter.checkLogin("10.0.0.1", "@u:localhost");
            }
        }).doesNotThrowAnyException();
    }

    @Test
    void loginIsLimitedPerAddressAcrossUserIds() {
        RateLimiter limiter = limiter(true, true);
        limiter.checkLogin("10.0.0.1", "@a:localhost");
        limiter.checkLogin("10.0.0.1", "@b:localhost");
        MatrixException e = catchThrowableOfType(MatrixException.class, () -> limiter.checkLogin("10.0.0.1", "@c:localhost"));
        assertThat(e.body()).containsEntry("retry_after_ms", 1000L);
    }

    @Test
    void loginIsLimitedPerUserIdAcrossAddresses() {
        RateLimiter limiter = limiter(true, true);
        limiter.checkLogin("10.0.0.1", "@victim:localhost");
        limiter.checkLogin("10.0.0.2", "@victim:localhost");
        assertThat(catchThrowableOfType(MatrixException.class,
                () -> limiter.checkLogin("10.0.0.3", "@victim:localhost"))).isNotNull();
        limiter.checkLogin("10.0.0.3", "@someone-else:localhost");
    }

    @Test
    void loginLimitsRecoverAfterWaitingRetryAfter() {
        RateLimiter limiter = limiter(true, true);
        limiter.checkLogin("10.0.0.1", "@a:localhost");
        limiter.checkLogin("10.0.0.1", "@a:localhost");
        MatrixException e = catchThrowableOfType(MatrixException.class, () -> limiter.checkLogin("10.0.0.1", "@a:localhost"));
        nanos.addAndGet((Long) e.extra().get("retry_after_ms") * 1_000_000);
        assertThatCode(() -> limiter.checkLogin("10.0.0.1", "@a:localhost")).doesNotThrowAnyException();
    }

    @Test
    void refusedAttemptsUseUpNeitherLimitSoAPollingClientStillGetsThrough() {
        RateLimiter limiter = limiter(true, true);
        // a burst of guesses, then a client that asks again every 200 ms (earlier than told)
        for (int i = 0; i < 10; i++) {
            catchThrowableOfType(MatrixException.class, () -> limiter.checkLogin("10.0.0.1", "@victim:localhost"));
            nanos.addAndGet(10_000_000L);
        }
        long start = nanos.get();
        while (catchThrowableOfType(MatrixException.class, () -> limiter.checkLogin("10.0.0.1", "@victim:localhost")) != null) {
            nanos.addAndGet(200_000_000L);
            assertThat(nanos.get() - start).as("still refused after 3 s at 1 attempt/s").isLessThan(3_000_000_000L);
        }
    }

    @Test
    void ipv6AddressesCountPerSlash64() {
        assertThat(RateLimiter.ipKey("2001:db8:1:2:aaaa::1")).isEqualTo(RateLimiter.ipKey("2001:db8:1:2:bbbb::99"));
        assertThat(RateLimiter.ipKey("2001:db8:1:2::1")).isNotEqualTo(RateLimiter.ipKey("2001:db8:1:3::1"));
        assertThat(RateLimiter.ipKey("0:0:0:0:0:0:0:1")).isEqualTo(RateLimiter.ipKey("::1"));
        assertThat(RateLimiter.ipKey("::ffff:10.1.2.3")).isEqualTo("10.1.2.3");
        assertThat(RateLimiter.ipKey("10.1.2.3")).isEqualTo("10.1.2.3");
        assertThat(RateLimiter.ipKey("not-an-ip.example")).isEqualTo("not-an-ip.example");
        assertThat(RateLimiter.ipKey(null)).isEqualTo("-");
    }
}
