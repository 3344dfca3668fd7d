package org.bollwerk.ratelimit;

import org.bollwerk.account.Requester;
import org.bollwerk.config.BollwerkProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.util.function.LongSupplier;

/**
 * Rate of full-text searches per user: a burst of {@value #BURST}, then one every two seconds. A search
 * decrypts and ranks up to hundreds of events, so a script searching in a loop would take a core; typing a
 * query in a client stays well inside the burst. Off with {@code bollwerk.rate-limit.enabled=false}.
 */
@Service
public class SearchRateLimit {
    static final int BURST = 10;
    static final double PER_SECOND = 0.5;
    private final BollwerkProperties.RateLimit config;
    private final TokenBuckets searches;

    @Autowired
    SearchRateLimit(BollwerkProperties props) {
        this(props.rateLimit(), System::nanoTime);
    }

    SearchRateLimit(BollwerkProperties.RateLimit config, LongSupplier nanoClock) {
        this.config = config;
        this.searches = new TokenBuckets("search", PER_SECOND, BURST, RateLimiter.MAX_KEYS, nanoClock);
    }

    /**
     * Called before a search runs.
     *
     * @throws org.bollwerk.matrix.MatrixException 429 {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms}
     */
    public void check(Requester searcher) {
        if (!config.enabled()) return;
        if (config.adminsExempt() && searcher.admin()) return;
        String key = RateLimiter.key(searcher.userId());
        long waitMs = searches.take(key);
        if (waitMs > 0) throw RateLimiter.limitExceeded("search", waitMs, "Too many searches; try again later");
    }
}
