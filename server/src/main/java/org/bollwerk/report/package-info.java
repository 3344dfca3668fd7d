/**
 * Reports of content by users ({@code POST /rooms/{roomId}/report/{eventId}}, {@code /rooms/{roomId}/report},
 * {@code /users/{userId}/report}): stored with the reason encrypted at rest, read by the reporter's tenant
 * admins through the admin API. Public API: {@link org.bollwerk.report.ContentReports}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Content reports", allowedDependencies = {
        "account", "keys", "ratelimit", "room", "storage", "tenant", "web"})
package org.bollwerk.report;
