/**
 * The media repository: uploads (direct and via /create + PUT), authenticated downloads and thumbnails,
 * limits (size, per-user quota, declared type must match the bytes). Files are stored encrypted at rest
 * through the keys feature, bound to their media ID.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Media", allowedDependencies = {
        "account", "config", "keys", "ratelimit", "room", "storage", "tenant"})
package org.bollwerk.media;
