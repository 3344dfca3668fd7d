package org.bollwerk.account;

import org.bollwerk.matrix.id.DeviceIds;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantService;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Accounts, devices and tokens. The public face of this feature for other features and the admin API. */
@Service
public class AccountService {
    private final Db db;
    private final AccountStore store;
    private final PasswordHasher hasher;
    private final TenantService tenants;
    private final ApplicationEventPublisher events;

    private final org.bollwerk.tenant.TenantGroups groups;
    private final LoginTokens loginTokens;

    AccountService(Db db, AccountStore store, PasswordHasher hasher, TenantService tenants,
                   org.bollwerk.tenant.TenantGroups groups, ApplicationEventPublisher events, LoginTokens loginTokens) {
        this.groups = groups;
        this.loginTokens = loginTokens;
        this.db = db;
        this.store = store;
        this.hasher = hasher;
        this.tenants = tenants;
        this.events = events;
    }

    /** What a successful login or registration hands the client. */
    public record Session(String userId, String accessToken, String deviceId) {
    }

    public Optional<UserAccount> user(String userId) {
        return store.user(userId);
    }

    public boolean exists(String userId) {
        return store.userExists(userId);
    }

    public List<UserAccount> users(String tenantId, String afterUserId, int limit) {
        return store.users(tenantId, afterUserId == null ? "" : afterUserId, limit);
    }

    /** Whether any account, deactivated ones included, has a user ID on {@code domain}. */
    public boolean anyUserOnDomain(String domain) {
        return store.anyUserOnDomain(domain);
    }

    public long countUsers(String tenantId) {
        return store.countUsers(tenantId);
    }

    /** Accounts (of one tenant, or all when null) with a device seen since {@code sinceTs}: the portal's dashboard. */
    public long countActiveUsers(String tenantId, long sinceTs) {
        return store.countActiveUsers(tenantId, sinceTs);
    }

    /**
     * Creates a local account. The user ID's domain must be one this deployment hosts; the account joins
     * that domain's tenant. {@code password} may be null for accounts that only log in otherwise.
     */
    public UserAccount createUser(String userIdText, String password, String displayName, boolean admin) {
        return createUser(userIdText, password, displayName, admin, () -> { });
    }

    /** As above; {@code inTransaction} runs in the account's write transaction first and may veto it by throwing. */
    UserAccount createUser(String userIdText, String password, String displayName, boolean admin, Runnable inTransaction) {
        UserId userId = UserId.parse(userIdText);
        String tenantId = tenants.tenantOfDomain(userId.domain())
                .orElseThrow(() -> MatrixException.invalidParam("This server does not host " + userId.domain()));
        if (!UserId.isValidNewLocalpart(userId.localpart())) {
            throw new MatrixException(ErrCode.M_INVALID_USERNAME,
                    "User ID may only contain a-z, 0-9, '.', '_', '=', '-', '/' and '+'");
        }
        String hash = password == null ? null : hasher.hash(password);
        long now = System.currentTimeMillis();
        return db.write(() -> {
            // The domain may have been removed from its tenant since the lookup above.
            if (!tenants.tenantOfDomainNow(userId.domain()).map(tenantId::equals).orElse(false)) {
                throw MatrixException.invalidParam("This server does not host " + userId.domain());
            }
            if (store.userExists(userId.toString())) {
                throw new MatrixException(ErrCode.M_USER_IN_USE, "User ID already taken.");
            }
            inTransaction.run();
            store.insertUser(userId.toString(), tenantId, userId.localpart(), hash, admin, now);
            events.publishEvent(new AccountEvents.AccountCreated(userId.toString(), tenantId,
                    displayName == null ? userId.localpart() : displayName));
            return store.user(userId.toString()).orElseThrow();
        });
    }

    public void setPassword(String userId, String newPassword, boolean logoutDevices, String keepDeviceId) {
        if (newPassword == null || newPassword.isEmpty()) throw MatrixException.missingParam("Missing new_password");
        String hash = hasher.hash(newPassword);
        db.write(() -> {
            store.setPasswordHash(userId, hash);
            if (logoutDevices) {
                store.deleteTokensExcept(userId, keepDeviceId);
                loginTokens.revokeAll(userId);
            }
        });
    }

    public void setAdmin(String userId, boolean admin) {
        db.write(() -> store.setFlag(userId, "admin", admin));
    }

    public void setLocked(String userId, boolean locked) {
        db.write(() -> {
            store.setFlag(userId, "locked", locked);
            if (locked) events.publishEvent(new AccountEvents.AccountLocked(userId));
        });
    }

    /**
     * Suspends the account or lifts the suspension: a suspended account keeps its sessions and may read, but
     * joining, inviting, sending and profile changes answer 403 {@code M_USER_SUSPENDED} ({@link SuspensionRules}).
     */
    public void setSuspended(String userId, boolean suspended) {
        db.write(() -> store.setFlag(userId, "suspended", suspended));
    }

    public boolean isSuspended(String userId) {
        return store.suspended(userId);
    }

    /** Deactivates the account: every token is revoked at once; other features leave rooms on the event. */
    public void deactivate(String userId, boolean erase) {
        db.write(() -> {
            store.setFlag(userId, "deactivated", true);
            store.deleteTokensExcept(userId, null);
            loginTokens.revokeAll(userId);
            store.setPasswordHash(userId, null);
            events.publishEvent(new AccountEvents.AccountDeactivated(userId, erase));
        });
    }

    public void reactivate(String userId) {
        db.write(() -> store.setFlag(userId, "deactivated", false));
    }

    /** Checks a password; the same cost whether or not the user exists. */
    public boolean checkPassword(String userId, String password) {
        Optional<AccountStore.Credentials> credentials = store.credentials(userId);
        boolean ok = hasher.matches(password, credentials.map(AccountStore.Credentials::passwordHash).orElse(null));
        return ok && credentials.isPresent() && !credentials.get().deactivated();
    }

    /** Logs a user in after the password was checked; creates or reuses the device. */
    public Session openSession(String userId, String deviceId, String deviceDisplayName, String ip) {
        AccountStore.Credentials credentials = store.credentials(userId)
                .orElseThrow(() -> MatrixException.forbidden("Invalid username or password"));
        if (credentials.locked()) {
            throw new MatrixException(ErrCode.M_USER_LOCKED, 401, "This account has been locked", Map.of("soft_logout", true));
        }
        if (credentials.deactivated()) {
            throw new MatrixException(ErrCode.M_USER_DEACTIVATED, "This account has been deactivated");
        }
        requireTenantAdmits(credentials.tenantId(), userId, credentials.admin());
        String device = deviceId == null || deviceId.isBlank() ? DeviceIds.random() : deviceId;
        if (device.length() > 255) throw MatrixException.invalidParam("device_id is too long");
        String token = AccessTokens.newToken();
        long now = System.currentTimeMillis();
        db.write(() -> {
            // Reusing a device ID logs that device in anew: its old tokens end.
            store.deleteTokensOfDevice(userId, device);
            store.upsertDevice(userId, device, deviceDisplayName, now, ip);
            store.insertToken(AccessTokens.hash(token), userId, device, now);
        });
        return new Session(userId, token, device);
    }

    /** Resolves an access token to its requester, or throws the spec's 401 errors. */
    public Requester authenticate(String accessToken) {
        return authenticateWithState(accessToken, false).requester();
    }

    /** A requester and whether the account is suspended (which decides per route, see {@link SuspensionRules}). */
    record Authenticated(Requester requester, boolean suspended) {
    }

    /** As {@link #authenticate}; {@code lockedMayPass}: the route is one a locked account may still use (logout). */
    Authenticated authenticateWithState(String accessToken, boolean lockedMayPass) {
        String hash = AccessTokens.hash(accessToken);
        AccountStore.TokenOwner owner = store.tokenOwner(hash).orElseThrow(AccountService::unknownToken);
        if (owner.deactivated()) throw unknownToken();
        if (owner.locked() && !lockedMayPass) {
            throw new MatrixException(ErrCode.M_USER_LOCKED, 401, "This account has been locked", Map.of("soft_logout", true));
        }
        // Reversible, unlike a deleted device: 403 keeps the client's data (M_UNKNOWN_TOKEN would wipe it).
        requireTenantAdmits(owner.tenantId(), owner.userId(), owner.admin());
        return new Authenticated(new Requester(owner.userId(), owner.deviceId(), owner.tenantId(), owner.admin(), hash),
                owner.suspended());
    }

    /**
     * Whether the account may sign in right now — exists, is neither locked nor deactivated, its tenant is
     * active and its sign-in policy admits it — the same rules a login and every token use. Sessions outside
     * the token world (the admin portal) check this on every request.
     */
    public boolean maySignIn(String userId) {
        Optional<AccountStore.Credentials> credentials = userId == null ? Optional.empty() : store.credentials(userId);
        if (credentials.isEmpty() || credentials.get().locked() || credentials.get().deactivated()) return false;
        try {
            requireTenantAdmits(credentials.get().tenantId(), userId, credentials.get().admin());
            return true;
        } catch (MatrixException e) {
            return false;
        }
    }

    /**
     * A fingerprint of the account's current password (SHA-256 of its stored hash, never the hash itself); it
     * changes whenever the password is set or wiped. Sessions kept outside the token table (the admin portal)
     * remember it at sign-in and end when it changes, as a password reset ends the account's tokens.
     */
    public Optional<String> passwordStamp(String userId) {
        return (userId == null ? Optional.<AccountStore.Credentials>empty() : store.credentials(userId))
                .map(c -> c.passwordHash() == null ? "none" : AccessTokens.hash(c.passwordHash()));
    }

    /**
     * A disabled tenant admits nobody; its sign-in policy admits its groups' members. Operators (server admins)
     * are exempt from sign-in policies: a tenant admin of their tenant must not be able to lock them out.
     */
    private void requireTenantAdmits(String tenantId, String userId, boolean operator) {
        if (!tenants.isActive(tenantId)) throw tenantDisabled();
        if (!operator && !groups.maySignIn(tenantId, userId)) throw notWhitelisted();
    }

    private static MatrixException notWhitelisted() {
        return MatrixException.forbidden("Your organisation does not allow you to sign in to this server");
    }

    private static MatrixException tenantDisabled() {
        return MatrixException.forbidden("Your organisation's access to this server is disabled");
    }

    static MatrixException unknownToken() {
        return new MatrixException(ErrCode.M_UNKNOWN_TOKEN, 401, "Invalid access token passed.", Map.of("soft_logout", false));
    }

    /** Ends this device's session: the device and its token are removed, as the spec's logout asks. */
    public void logout(Requester requester) {
        deleteDevice(requester.userId(), requester.deviceId());
    }

    public void logoutAll(String userId) {
        db.write(() -> {
            for (String deviceId : store.deviceIds(userId)) {
                store.deleteDevice(userId, deviceId);
                events.publishEvent(new AccountEvents.DeviceDeleted(userId, deviceId));
            }
        });
    }

    public List<Device> devices(String userId) {
        return store.devices(userId);
    }

    public Optional<Device> device(String userId, String deviceId) {
        return store.device(userId, deviceId);
    }

    public boolean renameDevice(String userId, String deviceId, String displayName) {
        return db.write(() -> store.renameDevice(userId, deviceId, displayName) > 0);
    }

    public boolean deleteDevice(String userId, String deviceId) {
        return db.write(() -> {
            boolean deleted = store.deleteDevice(userId, deviceId) > 0;
            if (deleted) events.publishEvent(new AccountEvents.DeviceDeleted(userId, deviceId));
            return deleted;
        });
    }
}
