package org.bollwerk.alerts;

import org.bollwerk.audit.AuditTrail;
import org.bollwerk.room.StoredEvent;
import org.bollwerk.room.SystemRooms;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.FollowUpHandler;
import org.springframework.stereotype.Component;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Delivers a recorded alert, after the commit that recorded it (a durable follow-up, resumed after a crash):
 * joins the recipients who are not members yet to the alert room of the alert's audience, in batches of
 * {@code bollwerk.alerts.join-batch-size} users per write, removes members who are no longer part of the
 * audience, then posts the alert once. Recipients joined when
 * the alert is posted count as delivered: the event is in their room's timeline, so their next sync has it.
 */
@Component
class AlertDelivery implements FollowUpHandler {
    static final String KIND = "alerts.deliver";

    private final Db db;
    private final AlertStore store;
    private final AlertRooms alertRooms;
    private final SystemRooms rooms;
    private final AlertProperties props;
    private final AuditTrail audit;

    AlertDelivery(Db db, AlertStore store, AlertRooms alertRooms, SystemRooms rooms, AlertProperties props,
                  AuditTrail audit) {
        this.db = db;
        this.store = store;
        this.alertRooms = alertRooms;
        this.rooms = rooms;
        this.props = props;
        this.audit = audit;
    }

    /**
     * Makes the audience's room hold exactly {@code recipients} (and the sender): joins those missing, and removes
     * those who left the audience (a group, the tenant) since, so they do not see what follows.
     */
    AlertStore.AlertRoom join(String tenantId, List<String> groups, java.util.Collection<String> recipients) {
        AlertStore.AlertRoom room = alertRooms.ensure(tenantId, groups);
        rooms.joinAll(room.roomId(), room.sender(), List.copyOf(recipients), props.joinBatchSize());
        rooms.removeOthers(room.roomId(), room.sender(), new HashSet<>(recipients), props.joinBatchSize());
        return room;
    }

    @Override
    public Set<String> kinds() {
        return Set.of(KIND);
    }

    @Override
    public void run(String kind, String alertId, BooleanSupplier stopRequested) {
        AlertStore.Alert alert = store.alert(alertId).orElse(null);
        if (alert == null || alert.eventId() != null) return;
        List<String> recipients = store.recipientIds(alertId);
        AlertStore.AlertRoom room = join(alert.tenantId(), alert.groups(), recipients);
        if (stopRequested.getAsBoolean()) return;
        Set<String> joined = new HashSet<>(rooms.joinedUserIds(room.roomId()));
        List<String> notJoined = recipients.stream().filter(u -> !joined.contains(u)).toList();
        boolean posted = db.write(() -> {
            if (store.alert(alertId).map(AlertStore.Alert::eventId).orElse(null) != null) return false;
            StoredEvent event = rooms.post(room.roomId(), room.sender(), "m.room.message",
                    AlertMessages.alert(alertId, alert.body()));
            store.markPosted(alertId, room.roomId(), event.eventId(), event.streamOrdering(), event.originServerTs());
            store.markDelivered(alertId, event.originServerTs(), notJoined);
            return true;
        });
        if (posted) {
            audit.record(AuditTrail.SYSTEM, null, "alerts.delivered", alertId, alert.tenantId(), null, 200,
                    "recipients=" + recipients.size() + " delivered=" + (recipients.size() - notJoined.size())
                            + " room=" + room.roomId());
        }
    }
}
