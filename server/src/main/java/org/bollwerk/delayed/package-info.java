/**
 * Delayed events (MSC4140): a client schedules an event to be sent later (Element Call: "I left the call",
 * restarted as a heartbeat while the call runs), and the server sends it as that user when the timer runs out,
 * even if the client is gone. Persisted, sent once across nodes, limited in delay and per user.
 * Public API: {@link org.bollwerk.delayed.DelayedEvents}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Delayed events", allowedDependencies = {
        "account", "config", "keys", "ratelimit", "room", "storage", "web"})
package org.bollwerk.delayed;
