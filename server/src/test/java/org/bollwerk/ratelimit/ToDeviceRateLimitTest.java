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

class ToDeviceRateLimitTest {
    private final AtomicLong nanos = new AtomicLong();
    private static final Requester ALICE = new Requester("@alice:localhost", "DEV", "default", false, "h");
    private static final Requester BOB = new Requester("@bob:localhost", "DEV", "default", false, "h");
    private static final Requester ADMIN = new Requester("@admin:localhost", "DEV", "default", true, "h");

    /** 10 messages/s (burst 100), 1,000 bytes/s (burst 10,000). */
    private ToDeviceRateLimit limit(boolean enabled) {
        return new ToDeviceRateLimit(new BollwerkProperties.RateLimit(enabled, 5, 20, 200, 1000, true),
                new ToDeviceLimitProperties(10, 100, 1000, 10_000), nanos::get);
    }

    @Test
    void messagesBeyondTheBurstAreRefusedPerSenderWithRetryAfter() {
        ToDeviceRateLimit limit = limit(true);
        limit.check(ALICE, 60, 100);
        limit.check(ALICE, 40, 100);
        MatrixException refused = catchThrowableOfType(MatrixException.class, () -> limit.check(ALICE, 1, 10));
        assertThat(refused.errCode()).isEqualTo(ErrCode.M_LIMIT_EXCEEDED);
        assertThat(refused.httpStatus()).isEqualTo(429);
        assertThat(refused.body()).containsEntry("retry_after_ms", 100L);  // one message at 10/s
        assertThatCode(() -> limit.check(BOB, 100, 100)).doesNotThrowAnyException();
        nanos.addAndGet(1_000_000_000L);
        assertThatCode(() -> limit.check(ALICE, 10, 100)).doesNotThrowAnyException();
    }

    @Test
    void volumeIsLimitedEvenInFewMessages() {
        ToDeviceRateLimit limit = limit(true);
        limit.check(ALICE, 1, 9_000);
        MatrixException refused = catchThrowableOfType(MatrixException.class, () -> limit.check(ALICE, 1, 2_000));
        assertThat(refused.body()).containsEntry("retry_after_ms", 1000L);  // 1,000 missing bytes at 1,000/s
        nanos.addAndGet(1_000_000_000L);
        limit.check(ALICE, 1, 2_000);
    }

    @Test
    void oneRequestLargerThanTheBurstPassesOnceThenPaysItsDebt() {
        ToDeviceRateLimit limit = limit(true);
        limit.check(ALICE, 1, 30_000);  // a full bucket lets an oversized request through
        MatrixException refused = catchThrowableOfType(MatrixException.class, () -> limit.check(ALICE, 1, 1));
        assertThat((Long) refused.body().get("retry_after_ms")).isGreaterThan(20_000L);
    }

    @Test
    void disabledLimitsAndExemptAdminsPass() {
        ToDeviceRateLimit off = limit(false);
        for (int i = 0; i < 50; i++) off.check(ALICE, 100, 10_000);
        ToDeviceRateLimit on = limit(true);
        for (int i = 0; i < 50; i++) on.check(ADMIN, 100, 10_000);
    }
}
