/**
 * The admin portal at {@code /admin}: server-rendered pages (Thymeleaf) for day-to-day administration,
 * signed in with password plus a mandatory TOTP second factor, and the rule that the admin API needs a
 * token issued here after that second factor ({@code bollwerk.admin.require-second-factor}).
 * Decisions: docs/adr/0007-admin-portal-sign-in.md.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Admin portal", allowedDependencies = {
        "account", "alerts", "audit", "keys", "report", "room", "storage", "tenant", "web"})
package org.bollwerk.portal;
