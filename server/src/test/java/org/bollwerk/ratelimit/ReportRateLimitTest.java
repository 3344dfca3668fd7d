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

class ReportRateLimitTest {
    private final AtomicLong nanos = new AtomicLong();
    private static final Requester ALICE = new Requester("@alice:localhost", "DEV", "default", false, "h");
    private static final Requester BOB = new Requester("@bob:localhost", "DEV", "default", false, "h");
    private static final Requester ADMIN = new Requester("@admin:localhost", "DEV", "default", true, "h");

    private ReportRateLimit limit(boolean enabled) {
        return new ReportRateLimit(new BollwerkProperties.RateLimit(enabled, 5, 20, 200, 1000, true), nanos::get);
    }

    @Test
    void reportsBeyondTheBurstAreRefusedPerReporterUntilATokenRefills() {
        ReportRateLimit limit = limit(true);
        for (int i = 0; i < ReportRateLimit.BURST; i++) limit.check(ALICE);
        MatrixException refused = catchThrowableOfType(MatrixException.class, () -> limit.check(ALICE));
        assertThat(refused.errCode()).isEqualTo(ErrCode.M_LIMIT_EXCEEDED);
        assertThat(refused.httpStatus()).isEqualTo(429);
        assertThat(refused.body()).containsEntry("retry_after_ms", 60_000L);
        assertThatCode(() -> limit.check(BOB)).doesNotThrowAnyException();
        nanos.addAndGet(60_000_000_000L);
        assertThatCode(() -> limit.check(ALICE)).doesNotThrowAnyException();
        assertThatCode(() -> limit.check(ALICE)).isInstanceOf(MatrixException.class);
    }

    @Test
    void adminsAndDisabledLimitsPass() {
        ReportRateLimit limit = limit(true);
        ReportRateLimit off = limit(false);
        assertThatCode(() -> {
            for (int i = 0; i < 50; i++) limit.check(ADMIN);
            for (int i = 0; i < 50; i++) off.check(ALICE);
        }).doesNotThrowAnyException();
    }
}
