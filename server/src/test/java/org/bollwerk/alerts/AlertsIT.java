package org.bollwerk.alerts;

import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

class AlertsIT extends TenantTestBase {
    @Autowired
    AlertService alerts;

    private record Org(String tenantId, String domain, TenantUser admin, TenantUser alice, TenantUser bob) {
        String alerts() {
            return TENANTS + "/" + tenantId + "/alerts";
        }
    }

    private Org org() {
        String tenantId = uniqueTenantId("alert");
        String domain = newTenant(tenantId);
        TenantUser admin = newUser("tadmin", domain);
        ok(http.send("PUT", TENANTS + "/" + tenantId + "/roles/tenant_admin/members/" + encode(admin.userId()), adminToken, null));
        return new Org(tenantId, domain, admin, newUser("alice", domain), newUser("bob", domain));
    }

    @Test
    void anAlertToTheWholeTenantReachesEveryoneAndACheckMarkReactionAcknowledgesIt() {
        Org o = org();
        Response sent = http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "Fire in building A. Leave now."));
        assertThat(sent.status()).as(sent.text()).isEqualTo(201);
        String alertId = sent.json().get("alert_id").asString();

        JsonNode status = ok(http.get(o.alerts() + "/" + alertId, o.admin().token()));
        assertThat(status.get("recipients").asInt()).isEqualTo(3);
        assertThat(status.get("delivered").asInt()).isEqualTo(3);
        assertThat(status.get("read").asInt()).isZero();
        assertThat(status.get("acknowledged").asInt()).isZero();
        assertThat(strings(status.get("pending"))).containsExactlyInAnyOrder(o.admin().userId(), o.alice().userId(),
                o.bob().userId());

        // Alice's app gets the alert through an ordinary sync: she was joined to the alert room without any action.
        String roomId = status.get("room_id").asString();
        String eventId = status.get("event_id").asString();
        JsonNode alert = timelineEvent(o.alice(), roomId, eventId);
        assertThat(alert.path("content").path("body").asString()).contains("Fire in building A");
        assertThat(alert.path("content").path("org.bollwerk.alert").path("alert_id").asString()).isEqualTo(alertId);
        assertThat(alert.path("sender").asString()).isEqualTo("@alerts:" + o.domain());

        ok(react(o.alice(), roomId, eventId, "✅\uFE0F"));
        ok(react(o.bob(), roomId, eventId, "👍"));
        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/receipt/m.read/" + encode(eventId), o.bob().token(), Map.of()));

        status = ok(http.get(o.alerts() + "/" + alertId, o.admin().token()));
        assertThat(status.get("acknowledged").asInt()).isEqualTo(1);
        assertThat(status.get("read").asInt()).isEqualTo(2);
        assertThat(strings(status.get("pending"))).containsExactlyInAnyOrder(o.admin().userId(), o.bob().userId());

        // The room is read-only for members: no messages, so nobody can talk over an alert.
        refused(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/send/m.room.message/t" + UUID.randomUUID(),
                o.alice().token(), Map.of("msgtype", "m.text", "body", "me too")), 403, "M_FORBIDDEN");

        Response csv = http.get(o.alerts() + "/" + alertId + "/export?format=csv", o.admin().token());
        assertThat(csv.status()).isEqualTo(200);
        String aliceLine = csv.text().lines().filter(l -> l.startsWith(o.alice().userId() + ",")).findFirst().orElseThrow();
        assertThat(aliceLine.split(",")).hasSize(5).allSatisfy(cell -> assertThat(cell).isNotEmpty());
        JsonNode export = ok(http.get(o.alerts() + "/" + alertId + "/export", o.admin().token()));
        assertThat(export.get("recipients")).hasSize(3);

        JsonNode list = ok(http.get(o.alerts(), o.admin().token())).get("alerts");
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("alert_id").asString()).isEqualTo(alertId);
        assertThat(list.get(0).get("acknowledged").asInt()).isEqualTo(1);

        // A second alert goes to the same room; the body is encrypted at rest.
        String second = ok201(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "All clear")));
        assertThat(ok(http.get(o.alerts() + "/" + second, o.admin().token())).get("room_id").asString()).isEqualTo(roomId);
        assertThat(audited(o, "alerts.delivered", alertId)).isTrue();
    }

    @Test
    void groupsNarrowTheRecipientsAndBadRequestsStoreNothing() {
        Org o = org();
        group(o, "ops", o.bob());
        String alertId = ok201(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "Server room flooded",
                "groups", List.of("ops"))));
        JsonNode status = ok(http.get(o.alerts() + "/" + alertId, o.admin().token()));
        assertThat(status.get("recipients").asInt()).isEqualTo(1);
        assertThat(strings(status.get("pending"))).containsExactly(o.bob().userId());
        assertThat(timelineEvent(o.bob(), status.get("room_id").asString(), status.get("event_id").asString())).isNotNull();

        refused(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "x", "groups", List.of("nope"))),
                400, "M_INVALID_PARAM");
        refused(http.send("POST", o.alerts(), o.admin().token(), Map.of("groups", List.of("ops"))), 400, "M_MISSING_PARAM");
        refused(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "x", "groups", "ops")), 400, "M_BAD_JSON");
        refused(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", " ")), 400, "M_INVALID_PARAM");
        refused(http.get(o.alerts() + "/al_missing", o.admin().token()), 404, "M_NOT_FOUND");
        assertThat(ok(http.get(o.alerts(), o.admin().token())).get("alerts")).hasSize(1);

        // Each audience has its own room: a whole-tenant alert does not land in the group's room, and the group's
        // room holds exactly the group's current members.
        String opsRoom = status.get("room_id").asString();
        String everyone = ok201(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "Drill at noon")));
        assertThat(ok(http.get(o.alerts() + "/" + everyone, o.admin().token())).get("room_id").asString()).isNotEqualTo(opsRoom);
        ok(http.send("PUT", TENANTS + "/" + o.tenantId() + "/groups/ops/members/" + encode(o.alice().userId()),
                o.admin().token(), null));
        ok(http.send("DELETE", TENANTS + "/" + o.tenantId() + "/groups/ops/members/" + encode(o.bob().userId()),
                o.admin().token(), null));
        ok201(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "Pump 2 failed", "groups", List.of("ops"))));
        JsonNode members = ok(http.get(V3 + "/rooms/" + encode(opsRoom) + "/joined_members", o.alice().token())).get("joined");
        List<String> joined = new ArrayList<>();
        members.propertyNames().forEach(joined::add);
        assertThat(joined).containsExactlyInAnyOrder(o.alice().userId(), "@alerts:" + o.domain());
    }

    @Test
    void thoseWhoHaveNotAcknowledgedAreRemindedAndTheAlertEscalatesToTheSecondList() {
        Org o = org();
        TenantUser carol = newUser("carol", o.domain());
        group(o, "staff", o.alice(), o.bob());
        group(o, "leads", carol);
        String alertId = ok201(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "Lockdown",
                "groups", List.of("staff"), "remind_after_ms", 1000, "escalate_to_groups", List.of("leads"),
                "escalate_after_ms", 1000)));
        JsonNode status = ok(http.get(o.alerts() + "/" + alertId, o.admin().token()));
        String roomId = status.get("room_id").asString();
        ok(react(o.alice(), roomId, status.get("event_id").asString(), "✅"));

        alerts.runDue(System.currentTimeMillis() + 5_000);

        status = ok(http.get(o.alerts() + "/" + alertId, o.admin().token()));
        assertThat(status.get("reminders_sent").asInt()).isEqualTo(1);
        assertThat(status.path("escalation").path("recipients").asInt()).isEqualTo(1);
        assertThat(status.path("escalation").path("escalated_ts").isNumber()).isTrue();
        assertThat(strings(status.get("pending"))).containsExactly(o.bob().userId());

        // Bob finds the reminder in his sync and acknowledges by reacting to it; Carol got the escalation.
        JsonNode reminder = findEvent(o.bob(), roomId, "reminder");
        assertThat(reminder.path("content").path("m.mentions").path("user_ids").get(0).asString()).isEqualTo(o.bob().userId());
        JsonNode escalation = findEvent(carol, roomId, "escalation");
        assertThat(escalation.path("content").path("body").asString()).contains(o.bob().userId()).contains("Lockdown");
        ok(react(o.bob(), roomId, reminder.path("event_id").asString(), "✅"));
        ok(react(carol, roomId, escalation.path("event_id").asString(), "✅"));

        alerts.runDue(System.currentTimeMillis() + 10_000);
        status = ok(http.get(o.alerts() + "/" + alertId, o.admin().token()));
        assertThat(status.get("acknowledged").asInt()).isEqualTo(2);
        assertThat(status.get("pending")).isEmpty();
        assertThat(status.get("reminders_sent").asInt()).isEqualTo(1);
        assertThat(status.get("completed_ts").isNumber()).isTrue();
        assertThat(audited(o, "alerts.outcome", alertId)).isTrue();
    }

    @Test
    void onlyRolesWithAlertsSendOfTheSameTenantMaySendOrRead() {
        Org o = org();
        Org other = org();
        String alertId = ok201(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "Drill")));

        ok(http.send("PUT", TENANTS + "/" + o.tenantId() + "/roles/viewer", o.admin().token(),
                Map.of("permissions", List.of("users.read"))));
        ok(http.send("PUT", TENANTS + "/" + o.tenantId() + "/roles/viewer/members/" + encode(o.alice().userId()),
                o.admin().token(), null));
        refused(http.send("POST", o.alerts(), o.alice().token(), Map.of("body", "Prank")), 403, "M_FORBIDDEN");
        refused(http.get(o.alerts() + "/" + alertId, o.alice().token()), 403, "M_FORBIDDEN");
        refused(http.send("POST", o.alerts(), o.bob().token(), Map.of("body", "Prank")), 403, "M_FORBIDDEN");

        // A role with alerts.send may send.
        ok(http.send("PUT", TENANTS + "/" + o.tenantId() + "/roles/wardens", o.admin().token(),
                Map.of("permissions", List.of("alerts.send"))));
        ok(http.send("PUT", TENANTS + "/" + o.tenantId() + "/roles/wardens/members/" + encode(o.bob().userId()),
                o.admin().token(), null));
        ok201(http.send("POST", o.alerts(), o.bob().token(), Map.of("body", "Real one")));

        // Another tenant's admin can neither send here nor read, and this tenant's alert is unknown in theirs.
        refused(http.send("POST", o.alerts(), other.admin().token(), Map.of("body", "Prank")), 403, "M_FORBIDDEN");
        refused(http.get(o.alerts(), other.admin().token()), 403, "M_FORBIDDEN");
        refused(http.get(o.alerts() + "/" + alertId, other.admin().token()), 403, "M_FORBIDDEN");
        refused(http.get(other.alerts() + "/" + alertId, other.admin().token()), 404, "M_NOT_FOUND");
        refused(http.get(other.alerts() + "/" + alertId + "/export", other.admin().token()), 404, "M_NOT_FOUND");
        assertThat(ok(http.get(o.alerts(), o.admin().token())).get("alerts")).hasSize(2);
        assertThat(ok(http.get(other.alerts(), other.admin().token())).get("alerts")).isEmpty();
    }

    @Test
    void aTakenSenderIdIsRefusedBeforeAnythingIsStored() {
        Org o = org();
        String squatter = "@alerts:" + o.domain();
        Response created = http.send("PUT", USERS + encode(squatter), adminToken, Map.of("password", "pw-" + squatter));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        refused(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "Fire")), 409, "M_USER_IN_USE");
        assertThat(ok(http.get(o.alerts(), o.admin().token())).get("alerts")).isEmpty();
    }

    @Test
    void preparingAnAudienceJoinsItsMembersAheadOfTheFirstAlert() {
        Org o = org();
        group(o, "crew", o.alice());
        JsonNode prepared = ok(http.send("POST", o.alerts() + "/prepare", o.admin().token(), Map.of("groups", List.of("crew"))));
        assertThat(prepared.get("members").asInt()).isEqualTo(1);
        JsonNode sync = ok(http.get(V3 + "/sync?timeout=0", o.alice().token()));
        List<String> joined = new ArrayList<>();
        sync.path("rooms").path("join").propertyNames().forEach(joined::add);
        assertThat(joined).hasSize(1);
        assertThat(ok(http.get(o.alerts(), o.admin().token())).get("alerts")).isEmpty();

        String alertId = ok201(http.send("POST", o.alerts(), o.admin().token(), Map.of("body", "Storm", "groups", List.of("crew"))));
        assertThat(ok(http.get(o.alerts() + "/" + alertId, o.admin().token())).get("room_id").asString()).isEqualTo(joined.getFirst());
        refused(http.send("POST", o.alerts() + "/prepare", o.alice().token(), Map.of()), 403, "M_FORBIDDEN");
    }

    @Test
    void aPreparedAudienceIsKeptCurrentSoNewcomersAreInTheRoomBeforeTheNextAlert() {
        Org o = org();
        group(o, "watch", o.alice());
        ok(http.send("POST", o.alerts() + "/prepare", o.admin().token(), Map.of("groups", List.of("watch"))));
        String roomId = joinedRooms(o.alice()).getFirst();
        ok(http.send("PUT", TENANTS + "/" + o.tenantId() + "/groups/watch/members/" + encode(o.bob().userId()),
                o.admin().token(), null));
        ok(http.send("DELETE", TENANTS + "/" + o.tenantId() + "/groups/watch/members/" + encode(o.alice().userId()),
                o.admin().token(), null));

        alerts.keepAudiencesCurrent();

        assertThat(joinedRooms(o.bob())).containsExactly(roomId);
        assertThat(joinedRooms(o.alice())).doesNotContain(roomId);
    }

    private List<String> joinedRooms(TenantUser user) {
        JsonNode sync = ok(http.get(V3 + "/sync?timeout=0", user.token()));
        List<String> joined = new ArrayList<>();
        sync.path("rooms").path("join").propertyNames().forEach(joined::add);
        return joined;
    }

    // ---- helpers

    private void group(Org o, String groupId, TenantUser... members) {
        Response created = http.send("POST", TENANTS + "/" + o.tenantId() + "/groups", o.admin().token(),
                Map.of("id", groupId, "name", groupId));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        for (TenantUser member : members) {
            ok(http.send("PUT", TENANTS + "/" + o.tenantId() + "/groups/" + groupId + "/members/" + encode(member.userId()),
                    o.admin().token(), null));
        }
    }

    private Response react(TenantUser user, String roomId, String eventId, String key) {
        return http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/send/m.reaction/t" + UUID.randomUUID(), user.token(),
                Map.of("m.relates_to", Map.of("rel_type", "m.annotation", "event_id", eventId, "key", key)));
    }

    private List<JsonNode> timeline(TenantUser user, String roomId) {
        JsonNode sync = ok(http.get(V3 + "/sync?timeout=0", user.token()));
        List<JsonNode> events = new ArrayList<>();
        sync.path("rooms").path("join").path(roomId).path("timeline").path("events").forEach(events::add);
        return events;
    }

    private JsonNode timelineEvent(TenantUser user, String roomId, String eventId) {
        return timeline(user, roomId).stream().filter(e -> e.path("event_id").asString().equals(eventId)).findFirst()
                .orElseThrow(() -> new AssertionError("event " + eventId + " not in the sync of " + user.userId()));
    }

    private JsonNode findEvent(TenantUser user, String roomId, String kind) {
        return timeline(user, roomId).stream()
                .filter(e -> e.path("content").path("org.bollwerk.alert").path("kind").asString().equals(kind))
                .reduce((first, last) -> last)
                .orElseThrow(() -> new AssertionError(kind + " not in the sync of " + user.userId()));
    }

    /** Whether the audit trail has a system entry {@code action} for the alert (written after the response). */
    private boolean audited(Org o, String action, String alertId) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode entries = http.get("/_bollwerk/admin/v1/audit?limit=50&tenant_id=" + o.tenantId(), adminToken)
                    .json().get("entries");
            for (JsonNode entry : entries) {
                if (entry.path("action").asString().equals(action) && entry.path("target").asString().equals(alertId)) {
                    return true;
                }
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asString()));
        return values;
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    private static String ok201(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(201);
        return response.json().get("alert_id").asString();
    }
}
