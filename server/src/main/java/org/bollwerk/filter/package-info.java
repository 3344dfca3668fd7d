/**
 * Client filters ({@code /user/{userId}/filter}): stored per user, parsed into {@link org.bollwerk.filter.SyncFilter}
 * and {@link org.bollwerk.filter.EventFilter} for {@code /sync} and {@code /messages}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Filters", allowedDependencies = {
        "account", "storage"})
package org.bollwerk.filter;
