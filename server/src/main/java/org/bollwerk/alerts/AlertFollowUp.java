package org.bollwerk.alerts;

import org.bollwerk.audit.AuditTrail;
import org.bollwerk.cluster.JobLease;
import org.bollwerk.room.StoredEvent;
import org.bollwerk.room.SystemRooms;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantGroups;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What happens after an alert went out: reminders to the room while recipients have not acknowledged (every
 * {@code remind_after_ms}, at most {@code bollwerk.alerts.max-reminders}), the escalation to a second list of
 * groups once {@code escalate_after_ms} has passed, and the outcome in the audit log when everyone has
 * acknowledged or {@code bollwerk.alerts.track-for} has passed. One node runs it at a time (cluster job lease).
 */
@Component
class AlertFollowUp {
    private static final Logger log = LoggerFactory.getLogger(AlertFollowUp.class);
    static final String JOB = "alerts.follow-up";

    private final Db db;
    private final AlertStore store;
    private final AlertRooms alertRooms;
    private final SystemRooms rooms;
    private final TenantGroups groups;
    private final AlertProperties props;
    private final AuditTrail audit;
    private final JobLease lease;
    private final ObjectProvider<AlertService> service;

    AlertFollowUp(Db db, AlertStore store, AlertRooms alertRooms, SystemRooms rooms, TenantGroups groups,
                  AlertProperties props, AuditTrail audit, JobLease lease, ObjectProvider<AlertService> service) {
        this.db = db;
        this.store = store;
        this.alertRooms = alertRooms;
        this.rooms = rooms;
        this.groups = groups;
        this.props = props;
        this.audit = audit;
        this.lease = lease;
        this.service = service;
    }

    @Scheduled(initialDelayString = "${bollwerk.alerts.check-interval:30s}",
            fixedDelayString = "${bollwerk.alerts.check-interval:30s}")
    void scheduled() {
        try {
            lease.runExclusively(JOB, Duration.ofMinutes(2), () -> {
                runDue(System.currentTimeMillis());
                service.getObject().keepAudiencesCurrent();
            });
        } catch (RuntimeException e) {
            log.error("Alert reminders failed; retrying at the next check", e);
        }
    }

    synchronized void runDue(long now) {
        for (AlertStore.Alert alert : store.open()) {
            try {
                followUp(alert, now);
            } catch (RuntimeException e) {
                log.error("Follow-up of alert {} failed", alert.alertId(), e);
            }
        }
    }

    private void followUp(AlertStore.Alert alert, long now) {
        List<String> pending = store.pending(alert.alertId(), false);
        boolean escalationPending = alert.escalatedTs() != null && !store.pending(alert.alertId(), true).isEmpty();
        if (pending.isEmpty() && !escalationPending) {
            complete(alert, now, "everyone acknowledged");
            return;
        }
        if (now >= alert.createdTs() + props.trackFor().toMillis()) {
            complete(alert, now, "tracking time over");
            return;
        }
        long remindAfter = alert.remindAfterMs() != null ? alert.remindAfterMs() : props.remindAfter().toMillis();
        long since = alert.lastReminderTs() != null ? alert.lastReminderTs() : alert.deliveredTs();
        if (!pending.isEmpty() && remindAfter > 0 && alert.remindersSent() < props.maxReminders()
                && now >= since + remindAfter) {
            remind(alert, pending, now);
        }
        if (!pending.isEmpty() && !alert.escalateToGroups().isEmpty() && alert.escalatedTs() == null
                && alert.escalateAfterMs() != null && now >= alert.deliveredTs() + alert.escalateAfterMs()) {
            escalate(alert, pending, now);
        }
    }

    private void remind(AlertStore.Alert alert, List<String> pending, long now) {
        int number = alert.remindersSent() + 1;
        db.write(() -> {
            StoredEvent event = rooms.post(alert.roomId(), sender(alert), "m.room.message",
                    AlertMessages.reminder(alert.alertId(), number, alert.body(), alert.eventId(), pending));
            store.addEvent(event.eventId(), alert.alertId(), alert.roomId());
            store.markReminded(alert.alertId(), now);
        });
        audit.record(AuditTrail.SYSTEM, null, "alerts.reminded", alert.alertId(), alert.tenantId(), null, 200,
                "reminder=" + number + " pending=" + pending.size());
    }

    private void escalate(AlertStore.Alert alert, List<String> pending, long now) {
        Set<String> second = new LinkedHashSet<>();
        for (String group : alert.escalateToGroups()) {
            try {
                second.addAll(groups.group(alert.tenantId(), group).members());
            } catch (RuntimeException gone) {
                log.warn("Escalation group {} of alert {} no longer exists", group, alert.alertId());
            }
        }
        Set<String> usable = service.getObject().recipients(alert.tenantId(), List.of()).stream()
                .filter(second::contains).collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new));
        db.write(() -> store.addRecipients(alert.alertId(), usable, true));
        rooms.joinAll(alert.roomId(), sender(alert), List.copyOf(usable), props.joinBatchSize());
        Set<String> joined = new HashSet<>(rooms.joinedUserIds(alert.roomId()));
        db.write(() -> {
            StoredEvent event = rooms.post(alert.roomId(), sender(alert), "m.room.message",
                    AlertMessages.escalation(alert.alertId(), alert.body(), alert.eventId(), pending));
            store.addEvent(event.eventId(), alert.alertId(), alert.roomId());
            store.markEscalated(alert.alertId(), now);
            store.markEscalationDelivered(alert.alertId(), event.originServerTs(),
                    usable.stream().filter(joined::contains).toList());
        });
        audit.record(AuditTrail.SYSTEM, null, "alerts.escalated", alert.alertId(), alert.tenantId(), null, 200,
                "groups=" + alert.escalateToGroups() + " escalation_recipients=" + usable.size() + " pending=" + pending.size());
    }

    private void complete(AlertStore.Alert alert, long now, String why) {
        if (!db.write(() -> store.markCompleted(alert.alertId(), now))) return;
        AlertStore.Figures f = store.figures(alert.alertId(), false);
        audit.record(AuditTrail.SYSTEM, null, "alerts.outcome", alert.alertId(), alert.tenantId(), null, 200,
                why + ": recipients=" + f.recipients() + " delivered=" + f.delivered() + " read=" + f.read()
                        + " acknowledged=" + f.acknowledged() + " reminders=" + alert.remindersSent()
                        + " escalated=" + (alert.escalatedTs() != null));
    }

    private String sender(AlertStore.Alert alert) {
        return alertRooms.sender(alert.tenantId());
    }
}
