/**
 * The Synapse-compatible admin API subset ({@code /_synapse/admin/...}), so existing Matrix admin tools
 * (synapse-admin, scripts written for Synapse) manage Bollwerk users. Only server admins may call it.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Admin API", allowedDependencies = {
        "account", "alerts", "audit", "keys", "report", "tenant", "userdata", "web"})
package org.bollwerk.admin;
