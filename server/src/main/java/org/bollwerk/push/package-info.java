/**
 * Push notifications: every new event evaluated against each receiving member's push rules after its commit,
 * the resulting notifications (unread and highlight counts in /sync, {@code GET /notifications}, reset by read
 * receipts) and their delivery to HTTP pushers through an outbox ({@code docs/push.md}).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Push notifications", allowedDependencies = {
        "account", "cluster", "ephemeral", "room", "storage", "userdata"})
package org.bollwerk.push;
