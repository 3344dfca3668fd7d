/**
 * {@code /sync}: initial and incremental sync with long-polling. Reads every feature's changes between
 * two stream positions; never reads past the committed watermark, so no late write is skipped.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Sync", allowedDependencies = {
        "account", "config", "e2ee", "ephemeral", "filter", "push", "room", "storage", "userdata"})
package org.bollwerk.sync;
