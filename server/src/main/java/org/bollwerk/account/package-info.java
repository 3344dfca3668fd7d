/**
 * Accounts, devices and access tokens: login, logout, password changes, device management, and the
 * authentication of every client request ({@link org.bollwerk.account.Requester}).
 */
@org.springframework.modulith.ApplicationModule(displayName = "Accounts", allowedDependencies = {
        "config", "keys", "storage", "tenant", "web"})
package org.bollwerk.account;
