/**
 * Tenants (organisations) and their domains. Every user and room belongs to a tenant; the default tenant
 * is created from {@code bollwerk.server-name}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Tenants", allowedDependencies = {
        "config", "storage"})
package org.bollwerk.tenant;
