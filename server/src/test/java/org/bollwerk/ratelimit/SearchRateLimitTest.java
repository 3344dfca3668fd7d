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

class SearchRateLimitTest {
    private final AtomicLong nanos = new AtomicLong();
    private static final Requester ALICE = new Requester("@alice:localhost", "DEV", "default", false, "h");
    private static final Requester BOB = new Requester("@bob:localhost", "DEV", "default", false, "h");

    @Test
    void searchesBeyondTheBurstAreRefusedPerUserUntilATokenRefillsAfterTwoSeconds() {
        SearchRateLimit limit = new SearchRateLimit(new BollwerkProperties.RateLimit(true, 5, 20, 200, 1000, true), nanos::get);
        for (int i = 0; i < SearchRateLimit.BURST; i++) limit.check(ALICE);
        MatrixException refused = catchThrowableOfType(MatrixException.class, () -> limit.check(ALICE));
        assertThat(refused.errCode()).isEqualTo(ErrCode.M_LIMIT_EXCEEDED);
        assertThat(refused.body()).containsEntry("retry_after_ms", 2_000L);
        assertThatCode(() -> limit.check(BOB)).doesNotThrowAnyException();
        nanos.addAndGet(2_000_000_000L);
        assertThatCode(() -> limit.check(ALICE)).doesNotThrowAnyException();
        assertThatCode(() -> limit.check(ALICE)).isInstanceOf(MatrixException.class);
    }
}
