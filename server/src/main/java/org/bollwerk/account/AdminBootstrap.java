package org.bollwerk.account;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.tenant.TenantService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Creates the server admin named by {@code BOLLWERK_ADMIN_USER}/{@code BOLLWERK_ADMIN_PASSWORD} at start
 * if it does not exist. An existing account is left alone: its password is never overwritten silently.
 */
@Component
class AdminBootstrap implements SmartInitializingSingleton {
    private static final Logger log = LoggerFactory.getLogger(AdminBootstrap.class);
    private final AccountService accounts;
    private final BollwerkProperties.Admin admin;
    private final String serverName;

    AdminBootstrap(AccountService accounts, BollwerkProperties props, TenantService tenants) {
        this.accounts = accounts;
        this.admin = props.admin();
        this.serverName = tenants.defaultDomain();
    }

    /** Runs before the web server starts, so the admin can log in as soon as the server answers. */
    @Override
    public void afterSingletonsInstantiated() {
        if (admin.user().isBlank()) return;
        if (admin.password().isBlank()) {
            throw new IllegalStateException("bollwerk.admin.user is set but bollwerk.admin.password "
                    + "(BOLLWERK_ADMIN_PASSWORD) is empty");
        }
        String user = admin.user().trim();
        String userId = user.startsWith("@") ? user : "@" + user + ":" + serverName;
        if (accounts.exists(userId)) {
            log.info("Admin account {} exists; its password is left unchanged", userId);
            return;
        }
        try {
            accounts.createUser(userId, admin.password(), null, true);
            log.info("Created server admin {}", userId);
        } catch (MatrixException e) {
            throw new IllegalStateException("Cannot create admin " + userId + " (bollwerk.admin.user): " + e.getMessage());
        }
    }
}
