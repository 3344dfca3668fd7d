/**
 * Alerts with acknowledgement: a message to the whole tenant or some of its groups, delivered into the
 * tenant's read-only alert room, tracked per recipient (delivered, read, acknowledged by a ✅ reaction),
 * reminded and escalated. Public API: {@link org.bollwerk.alerts.AlertService}; see docs/alerts.md.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Alerts", allowedDependencies = {
        "account", "audit", "cluster", "ephemeral", "keys", "room", "storage", "tenant"})
package org.bollwerk.alerts;
