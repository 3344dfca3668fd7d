package org.bollwerk.alerts;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.UserAccount;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.FollowUps;
import org.bollwerk.tenant.TenantGroups;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Sends alerts and reports on them. Sending records the alert and its recipients in one write and schedules
 * the delivery as a durable follow-up ({@link AlertDelivery}): it runs after the commit, joins the recipients to
 * the tenant's alert room in batches and posts the alert there. Callers check the {@code alerts.send}
 * permission; this service keeps every alert to its tenant.
 */
@Service
public class AlertService {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PAGE = 1000;

    private static final Logger log = LoggerFactory.getLogger(AlertService.class);

    private final Db db;
    private final AlertStore store;
    private final FollowUps followUps;
    private final AccountService accounts;
    private final TenantGroups groups;
    private final AlertFollowUp followUp;
    private final AlertRooms rooms;
    private final AlertDelivery delivery;

    AlertService(Db db, AlertStore store, FollowUps followUps, AccountService accounts, TenantGroups groups,
                 AlertFollowUp followUp, AlertRooms rooms, AlertDelivery delivery) {
        this.rooms = rooms;
        this.delivery = delivery;
        this.db = db;
        this.store = store;
        this.followUps = followUps;
        this.accounts = accounts;
        this.groups = groups;
        this.followUp = followUp;
    }

    /** Records and delivers an alert of {@code tenantId} sent by {@code sentBy}; returns its ID. */
    public String send(String tenantId, String sentBy, AlertRequest request) {
        String body = request.body();
        if (body == null || body.isBlank()) throw MatrixException.invalidParam("An alert needs a body");
        if (body.length() > AlertRequest.MAX_BODY) {
            throw MatrixException.invalidParam("An alert's body may have at most " + AlertRequest.MAX_BODY + " characters");
        }
        List<String> targetGroups = distinct(request.groups());
        List<String> escalateTo = distinct(request.escalateToGroups());
        if (targetGroups.size() > AlertRequest.MAX_GROUPS || escalateTo.size() > AlertRequest.MAX_GROUPS) {
            throw MatrixException.invalidParam("At most " + AlertRequest.MAX_GROUPS + " groups");
        }
        requireNonNegative(request.remindAfterMs(), "remind_after_ms");
        requireNonNegative(request.escalateAfterMs(), "escalate_after_ms");
        if (!escalateTo.isEmpty() && request.escalateAfterMs() == null) {
            throw MatrixException.invalidParam("escalate_to_groups needs escalate_after_ms");
        }
        for (String group : escalateTo) existingGroup(tenantId, group);
        Set<String> recipients = recipients(tenantId, targetGroups);
        if (recipients.isEmpty()) throw MatrixException.invalidParam("The alert would reach nobody");
        rooms.requireSenderAvailable(tenantId);
        String alertId = newId();
        long now = System.currentTimeMillis();
        db.write(() -> {
            store.insertAlert(alertId, tenantId, sentBy, body, targetGroups, now, request.remindAfterMs(), escalateTo,
                    request.escalateAfterMs());
            store.addRecipients(alertId, recipients, false);
            followUps.schedule(AlertDelivery.KIND, alertId);
        });
        return alertId;
    }

    /**
     * Joins an audience (the whole tenant, or the members of {@code groups}) to its alert room now, without an
     * alert, so that a real alert later is one event instead of two membership events per recipient. Returns how
     * many recipients the audience has.
     */
    public int prepare(String tenantId, List<String> groups) {
        List<String> targetGroups = distinct(groups);
        if (targetGroups.size() > AlertRequest.MAX_GROUPS) throw MatrixException.invalidParam("At most " + AlertRequest.MAX_GROUPS + " groups");
        Set<String> recipients = recipients(tenantId, targetGroups);
        if (recipients.isEmpty()) throw MatrixException.invalidParam("The audience is empty");
        rooms.requireSenderAvailable(tenantId);
        delivery.join(tenantId, targetGroups, recipients);
        return recipients.size();
    }

    /**
     * Keeps every audience that has an alert room current: joins people who joined the tenant or group since, and
     * removes those who left. So only an audience's very first alert (or {@link #prepare}) pays for the membership
     * events; every later alert is one event, however large the audience. Failures are per audience (a deleted
     * group, say) and logged; the next run tries again.
     */
    public void keepAudiencesCurrent() {
        for (AlertStore.Audience audience : store.audiences()) {
            try {
                Set<String> recipients = recipients(audience.tenantId(), audience.groups());
                if (!recipients.isEmpty()) delivery.join(audience.tenantId(), audience.groups(), recipients);
            } catch (RuntimeException e) {
                log.warn("Keeping the alert audience {} of tenant {} current failed: {}", audience.groups(),
                        audience.tenantId(), e.getMessage());
            }
        }
    }

    /** The alert with its figures; 404 when it does not exist in this tenant (other tenants' alerts alike). */
    public AlertStatus status(String tenantId, String alertId) {
        return status(alertOf(tenantId, alertId));
    }

    /** The tenant's alerts, newest first, created before {@code beforeTs} (null: from the newest). */
    public List<AlertStatus> list(String tenantId, Long beforeTs, int limit) {
        return store.alerts(tenantId, beforeTs == null ? Long.MAX_VALUE : beforeTs, limit).stream()
                .map(this::summary).toList();
    }

    /** Every recipient with when they got, read and acknowledged the alert: the export. */
    public List<AlertStatus.Recipient> recipients(String tenantId, String alertId) {
        alertOf(tenantId, alertId);
        return store.recipients(alertId).stream().map(r -> new AlertStatus.Recipient(r.userId(), r.escalation(),
                r.deliveredTs(), r.readTs(), r.acknowledgedTs())).toList();
    }

    /**
     * Sends the reminders and escalations due at {@code now} and records the outcome of alerts that are done.
     * Runs on its own schedule under the cluster job lease; callable directly (tests, operators' tools).
     */
    public void runDue(long now) {
        followUp.runDue(now);
    }

    private AlertStore.Alert alertOf(String tenantId, String alertId) {
        return store.alert(alertId).filter(a -> a.tenantId().equals(tenantId))
                .orElseThrow(() -> MatrixException.notFound("No alert " + alertId));
    }

    AlertStatus status(AlertStore.Alert a) {
        return view(a, figures(store.figures(a.alertId(), false)), figures(store.figures(a.alertId(), true)),
                store.pending(a.alertId(), false));
    }

    /** For lists: figures without the pending list. */
    private AlertStatus summary(AlertStore.Alert a) {
        return view(a, figures(store.figures(a.alertId(), false)), figures(store.figures(a.alertId(), true)), null);
    }

    private static AlertStatus view(AlertStore.Alert a, AlertStatus.Figures figures, AlertStatus.Figures escalation,
                                    List<String> pending) {
        return new AlertStatus(a.alertId(), a.tenantId(), a.sentBy(), a.body(), a.groups(), a.createdTs(), a.roomId(),
                a.eventId(), a.deliveredTs(), a.remindersSent(), a.escalateToGroups(), a.escalatedTs(), a.completedTs(),
                figures, escalation, pending);
    }

    private static AlertStatus.Figures figures(AlertStore.Figures f) {
        return new AlertStatus.Figures(f.recipients(), f.delivered(), f.read(), f.acknowledged());
    }

    /** Members of the groups, or every account of the tenant; deactivated accounts and the alert sender left out. */
    Set<String> recipients(String tenantId, List<String> groupIds) {
        Set<String> users = new LinkedHashSet<>();
        if (groupIds.isEmpty()) {
            String after = null;
            while (true) {
                List<UserAccount> page = accounts.users(tenantId, after, PAGE);
                for (UserAccount account : page) {
                    if (!account.deactivated() && !AlertRooms.isAlertSender(account.userId())) users.add(account.userId());
                }
                if (page.size() < PAGE) break;
                after = page.getLast().userId();
            }
            return users;
        }
        for (String group : groupIds) {
            for (String userId : existingGroup(tenantId, group).members()) {
                Optional<UserAccount> account = accounts.user(userId);
                if (account.isPresent() && !account.get().deactivated() && tenantId.equals(account.get().tenantId())) {
                    users.add(userId);
                }
            }
        }
        return users;
    }

    private TenantGroups.Group existingGroup(String tenantId, String groupId) {
        try {
            return groups.group(tenantId, groupId);
        } catch (MatrixException unknown) {
            throw MatrixException.invalidParam("Unknown group " + groupId);
        }
    }

    private static List<String> distinct(List<String> values) {
        return values == null ? List.of() : new ArrayList<>(new LinkedHashSet<>(values));
    }

    private static void requireNonNegative(Long value, String name) {
        if (value != null && value < 0) throw MatrixException.invalidParam(name + " must not be negative");
    }

    private static String newId() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return "al_" + HexFormat.of().formatHex(bytes);
    }
}
