/**
 * A user's own data: profile (display name, avatar), account data (global and per room), push rules,
 * pushers, presence, the user directory and small endpoints clients expect at start-up.
 */
@org.springframework.modulith.ApplicationModule(displayName = "User data", allowedDependencies = {
        "account", "cluster", "keys", "storage", "tenant", "web"})
package org.bollwerk.userdata;
