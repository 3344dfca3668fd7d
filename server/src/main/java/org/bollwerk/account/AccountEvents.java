package org.bollwerk.account;

/** Events other features react to, published inside the transaction that made the change. */
public final class AccountEvents {
    private AccountEvents() {
    }

    /** A new account exists; the profile feature stores its display name. */
    public record AccountCreated(String userId, String tenantId, String displayName) {
    }

    /** An account was deactivated: it leaves its rooms and its profile is cleared. */
    public record AccountDeactivated(String userId, boolean erase) {
    }

    /** An account was locked (an admin's action): its sessions stay, but nothing should reach its devices. */
    public record AccountLocked(String userId) {
    }

    /** A device (and its keys and tokens) was removed. */
    public record DeviceDeleted(String userId, String deviceId) {
    }
}
