/**
 * Rate limits for login attempts and event sends: in-memory token buckets per user and per client IP.
 * The buckets live in each node's memory, so in a multi-node deployment every node enforces the limits
 * on its own (a client spread over N nodes gets up to N times the rate). Public API: {@link
 * org.bollwerk.ratelimit.RateLimiter}; the account feature's {@code LoginGuard} is implemented here.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Rate limits", allowedDependencies = {
        "account", "config"})
package org.bollwerk.ratelimit;
