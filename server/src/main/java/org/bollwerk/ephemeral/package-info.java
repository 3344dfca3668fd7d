/** Typing notifications, read receipts and read markers: the ephemeral side of a room. */
@org.springframework.modulith.ApplicationModule(displayName = "Typing and receipts", allowedDependencies = {
        "account", "cluster", "room", "storage", "userdata", "web"})
package org.bollwerk.ephemeral;
