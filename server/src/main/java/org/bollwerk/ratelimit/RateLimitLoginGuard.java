package org.bollwerk.ratelimit;

import org.bollwerk.account.LoginGuard;
import org.springframework.stereotype.Component;

/** Throttles password guessing: login attempts are limited per client IP and per attempted user ID. */
@Component
class RateLimitLoginGuard implements LoginGuard {
    private final RateLimiter limiter;

    RateLimitLoginGuard(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void beforeLogin(String clientIp, String userId) {
        limiter.checkLogin(clientIp, userId);
    }
}
