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
import java.util.Optional;
import java.util.TreeSet;

/**
 * The alert rooms of a tenant, one per audience (the whole tenant, or a set of groups), made on the audience's
 * first alert: created by the tenant's alert sender {@code @alerts:<first domain>} (an account without a
 * password, so nobody else can take the ID or log in as it), unencrypted so the server can see the reactions,
 * invite-only. Power levels: only the sender may post messages, change state,
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

    /**
     * The alert room of one audience of the tenant (the whole tenant, or a set of groups), created with the
     * tenant's sender account on first use. One room per audience, so an alert to some groups is seen and
     * pushed only to their members.
     */
    synchronized AlertStore.AlertRoom ensure(String tenantId, List<String> groups) {
        String sender = store.sender(tenantId).orElse(null);
        if (sender == null) {
            String candidate = requireSenderAvailable(tenantId);
            db.write(() -> {
                accounts.createUser(candidate, null, "Alerts", false);
                store.insertSender(tenantId, candidate);
            });
            sender = candidate;
        }
        String audience = audience(groups);
        String roomId = store.alertRoom(tenantId, audience).orElse(null);
        if (roomId == null) {
            String creator = sender;
            String name = groups.isEmpty() ? "Alerts" : "Alerts: " + String.join(", ", new TreeSet<>(groups));
            roomId = db.write(() -> {
                String made = rooms.create(tenantId, creator, name,
                        "Alerts of your organisation. React with ✅ to acknowledge an alert.", powerLevels(creator));
                store.insertAlertRoom(tenantId, audience, made);
                return made;
            });
        }
        return new AlertStore.AlertRoom(roomId, sender);
    }

    /**
     * Before a tenant's first alert is recorded: the sender ID it will use, or 409 when an account of that ID
     * exists already (someone registered it), or 400 when the tenant has no domain. Nothing changes.
     */
    String requireSenderAvailable(String tenantId) {
        Optional<String> known = store.sender(tenantId);
        if (known.isPresent()) return known.get();
        List<String> domains = tenants.domains(tenantId);
        if (domains.isEmpty()) throw MatrixException.invalidParam("Tenant " + tenantId + " has no domain");
        String candidate = "@" + SENDER_LOCALPART + ":" + domains.getFirst();
        if (accounts.exists(candidate)) {
            throw new MatrixException(ErrCode.M_USER_IN_USE, 409, "Alerts are sent as " + candidate
                    + ", but an account of that ID exists already; see docs/alerts.md", Map.of());
        }
        return candidate;
    }

    /** The sender of the tenant's alerts (after its first alert). */
    String sender(String tenantId) {
        return store.sender(tenantId).orElseThrow();
    }

    static String audience(List<String> groups) {
        return String.join(",", new TreeSet<>(groups));
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
