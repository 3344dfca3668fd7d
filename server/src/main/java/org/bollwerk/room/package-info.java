/**
 * Rooms and their events: creation, membership, sending, state, redaction, history and its visibility.
 * Every event is authorised, hashed and signed by room-version 10/11 rules before it is stored once,
 * at its global stream position.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Rooms", allowedDependencies = {
        "account", "config", "filter", "keys", "ratelimit", "storage", "tenant", "userdata", "web"})
package org.bollwerk.room;
