package org.bollwerk.alerts;

import org.bollwerk.account.AccountService;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.room.SystemRooms;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantService;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * Each tenant's alert room, made on the first alert: created by the tenant's alert sender {@code @alerts:<first
 * domain>} (an account without a password, so nobody else can take the ID or log in as it), unencrypted so the
 * server can see the reactions, invite-only. Power levels: only the sender may post messages, change state,
 * invite, kick or redact; members may react ({@code m.reaction} at level 0) and send receipts, nothing else.
 */
@Component
class AlertRooms {
    static final String SENDER_LOCALPART = "alerts";

    private final Db db;
    private final AlertStore store;
    private final AccountService accounts;
    private final TenantService tenants;
    private final SystemRooms rooms;

    AlertRooms(Db db, AlertStore store, AccountService accounts, TenantService tenants, SystemRooms rooms) {
        this.db = db;
        this.store = store;
        this.accounts = accounts;
        this.tenants = tenants;
        this.rooms = rooms;
    }

    static boolean isAlertSender(String userId) {
        return userId.startsWith("@" + SENDER_LOCALPART + ":");
    }

    /** The tenant's alert room, created with its sender account on first use. */
    synchronized AlertStore.AlertRoom ensure(String tenantId) {
        AlertStore.AlertRoom room = store.alertRoom(tenantId).orElse(null);
        if (room == null) {
            List<String> domains = tenants.domains(tenantId);
            if (domains.isEmpty()) throw MatrixException.invalidParam("Tenant " + tenantId + " has no domain");
            String sender = "@" + SENDER_LOCALPART + ":" + domains.getFirst();
            if (accounts.exists(sender)) {
                throw new MatrixException(ErrCode.M_USER_IN_USE, 409, "Alerts are sent as " + sender
                        + ", but an account of that ID exists already; see docs/alerts.md", Map.of());
            }
            db.write(() -> {
                accounts.createUser(sender, null, "Alerts", false);
                store.insertAlertRoom(tenantId, sender);
            });
            room = store.alertRoom(tenantId).orElseThrow();
        }
        if (room.roomId() == null) {
            String sender = room.sender();
            db.write(() -> {
                if (store.alertRoom(tenantId).map(AlertStore.AlertRoom::roomId).orElse(null) != null) return;
                String roomId = rooms.create(tenantId, sender, "Alerts",
                        "Alerts of your organisation. React with ✅ to acknowledge an alert.", powerLevels(sender));
                if (!store.setAlertRoomId(tenantId, roomId)) throw new IllegalStateException("alert room made twice");
            });
            room = store.alertRoom(tenantId).orElseThrow();
        }
        return room;
    }

    static ObjectNode powerLevels(String sender) {
        ObjectNode levels = Json.MAPPER.createObjectNode();
        levels.putObject("users").put(sender, 100);
        levels.put("users_default", 0);
        ObjectNode events = levels.putObject("events");
        events.put("m.reaction", 0);
        events.put("m.room.power_levels", 100);
        levels.put("events_default", 100);
        levels.put("state_default", 100);
        levels.put("invite", 100);
        levels.put("kick", 100);
        levels.put("ban", 100);
        levels.put("redact", 100);
        levels.putObject("notifications").put("room", 100);
        return levels;
    }
}
