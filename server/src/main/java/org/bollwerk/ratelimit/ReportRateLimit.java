package org.bollwerk.ratelimit;

import org.bollwerk.account.Requester;
import org.bollwerk.config.BollwerkProperties;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

import java.util.function.LongSupplier;

/**
 * Rate of content reports (events, rooms, users) per reporting user: a burst of {@value #BURST}, then one a
 * minute. Reports are rare for honest users and each one is read by a person, so flooding them is the abuse
 * to stop; fixed numbers keep the setting surface small. Off with {@code bollwerk.rate-limit.enabled=false}.
 */
@Service
public class ReportRateLimit {
    static final int BURST = 10;
    static final double PER_SECOND = 1.0 / 60;
    private final BollwerkProperties.RateLimit config;
    private final TokenBuckets reports;

    @Autowired
    ReportRateLimit(BollwerkProperties props) {
        this(props.rateLimit(), System::nanoTime);
    }

    ReportRateLimit(BollwerkProperties.RateLimit config, LongSupplier nanoClock) {
        this.config = config;
        this.reports = new TokenBuckets("reports", PER_SECOND, BURST, RateLimiter.MAX_KEYS, nanoClock);
    }

    /**
     * Called before a report is stored.
     *
     * @throws org.bollwerk.matrix.MatrixException 429 {@code M_LIMIT_EXCEEDED} with {@code retry_after_ms}
     */
    public void check(Requester reporter) {
        if (!config.enabled()) return;
        if (config.adminsExempt() && reporter.admin()) return;
        String key = RateLimiter.key(reporter.userId());
        long waitMs = reports.take(key);
        if (waitMs > 0) throw RateLimiter.limitExceeded("report", waitMs, "Too many reports; try again later");
    }
}
