package org.bollwerk.report;

import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

class ContentReportsIT extends TenantTestBase {
    @Autowired
    Db db;

    private record Org(String tenantId, String domain, TenantUser alice, TenantUser bob, TenantUser admin) {
    }

    private Org org() {
        String tenantId = uniqueTenantId("rep");
        String domain = newTenant(tenantId);
        TenantUser admin = newUser("tadmin", domain);
        ok(http.send("PUT", TENANTS + "/" + tenantId + "/roles/tenant_admin/members/" + encode(admin.userId()), adminToken, null));
        return new Org(tenantId, domain, newUser("alice", domain), newUser("bob", domain), admin);
    }

    @Test
    void anEventReportIsStoredEncryptedAndShownToTheReportersTenantAdmins() {
        Org o = org();
        String roomId = room(o.bob(), Map.of("preset", "public_chat"));
        ok(http.send("POST", V3 + "/join/" + encode(roomId), o.alice().token(), Map.of()));
        String eventId = message(o.bob(), roomId, "rude words");
        String reason = "he insults me " + UUID.randomUUID();

        ok(report(o.alice(), "/rooms/" + encode(roomId) + "/report/" + encode(eventId), Map.of("reason", reason, "score", -80)));

        JsonNode reports = ok(http.get(TENANTS + "/" + o.tenantId() + "/reports", o.admin().token())).get("reports");
        assertThat(reports).hasSize(1);
        JsonNode report = reports.get(0);
        assertThat(report.get("kind").asString()).isEqualTo("event");
        assertThat(report.get("reporter").asString()).isEqualTo(o.alice().userId());
        assertThat(report.get("room_id").asString()).isEqualTo(roomId);
        assertThat(report.get("event_id").asString()).isEqualTo(eventId);
        assertThat(report.get("user_id").asString()).isEqualTo(o.bob().userId());
        assertThat(report.get("reason").asString()).isEqualTo(reason);
        assertThat(report.get("score").asInt()).isEqualTo(-80);
        assertThat(report.get("received_ts").asLong()).isGreaterThan(System.currentTimeMillis() - 60_000);

        String stored = db.sql().sql("SELECT reason FROM content_reports WHERE report_id = ?")
                .param(report.get("id").asString()).query(String.class).single();
        assertThat(stored).startsWith("enc1:").doesNotContain(reason);

        // Operators see it too; another tenant's admin and the reporter themself do not.
        assertThat(ok(http.get(TENANTS + "/" + o.tenantId() + "/reports", adminToken)).get("reports")).hasSize(1);
        Org other = org();
        refused(http.get(TENANTS + "/" + o.tenantId() + "/reports", other.admin().token()), 403, "M_FORBIDDEN");
        refused(http.get(TENANTS + "/" + o.tenantId() + "/reports", o.alice().token()), 403, "M_FORBIDDEN");
        assertThat(ok(http.get(TENANTS + "/" + other.tenantId() + "/reports", other.admin().token())).get("reports")).isEmpty();
        assertThat(auditedRead(o)).isTrue();
    }

    @Test
    void eventsTheReporterCannotSeeAnswerLikeEventsThatDoNotExist() {
        Org o = org();
        String secretRoom = room(o.bob(), Map.of("preset", "private_chat"));
        String secret = message(o.bob(), secretRoom, "secret");
        Response hidden = report(o.alice(), "/rooms/" + encode(secretRoom) + "/report/" + encode(secret), Map.of("reason", "x"));
        Response unknownEvent = report(o.alice(), "/rooms/" + encode(secretRoom) + "/report/" + encode("$nope"), Map.of("reason", "x"));
        Response unknownRoom = report(o.alice(), "/rooms/" + encode("!nope:" + o.domain()) + "/report/" + encode(secret),
                Map.of("reason", "x"));
        refused(hidden, 404, "M_NOT_FOUND");
        assertThat(hidden.text()).isEqualTo(unknownEvent.text()).isEqualTo(unknownRoom.text());
        refused(report(o.alice(), "/rooms/" + encode(secretRoom) + "/report", Map.of("reason", "x")), 404, "M_NOT_FOUND");
        assertThat(ok(http.get(TENANTS + "/" + o.tenantId() + "/reports", o.admin().token())).get("reports")).isEmpty();
    }

    @Test
    void roomsAndUsersCanBeReportedButOtherOrganisationsUsersAnswerAsUnknown() {
        Org o = org();
        String roomId = room(o.bob(), Map.of("preset", "private_chat", "invite", List.of(o.alice().userId())));
        ok(report(o.alice(), "/rooms/" + encode(roomId) + "/report", Map.of("reason", "spam room")));
        ok(report(o.alice(), "/users/" + encode(o.bob().userId()) + "/report", Map.of("reason", "spammer")));

        Org other = org();
        Response foreign = report(o.alice(), "/users/" + encode(other.bob().userId()) + "/report", Map.of("reason", "x"));
        String ghostId = "@ghost-" + UUID.randomUUID().toString().substring(0, 8) + ":" + other.domain();
        Response ghost = report(o.alice(), "/users/" + encode(ghostId) + "/report", Map.of("reason", "x"));
        refused(foreign, 404, "M_NOT_FOUND");
        assertThat(foreign.text()).isEqualTo(ghost.text());

        JsonNode reports = ok(http.get(TENANTS + "/" + o.tenantId() + "/reports?limit=1", o.admin().token()));
        assertThat(reports.get("reports")).hasSize(1);
        JsonNode second = ok(http.get(TENANTS + "/" + o.tenantId() + "/reports?limit=1&from="
                + reports.get("next_token").asString(), o.admin().token()));
        List<String> kinds = List.of(reports.get("reports").get(0).get("kind").asString(),
                second.get("reports").get(0).get("kind").asString());
        assertThat(kinds).containsExactlyInAnyOrder("room", "user");
        assertThat(second.has("next_token")).isFalse();
        assertThat(ok(http.get(TENANTS + "/" + other.tenantId() + "/reports", other.admin().token())).get("reports")).isEmpty();
    }

    @Test
    void badReportsAreRefusedAndStoreNothing() {
        Org o = org();
        String roomId = room(o.bob(), Map.of("preset", "public_chat"));
        String eventId = message(o.bob(), roomId, "hello");
        String path = "/rooms/" + encode(roomId) + "/report/" + encode(eventId);
        refused(report(o.bob(), path, Map.of("score", 5)), 400, "M_INVALID_PARAM");
        refused(report(o.bob(), path, Map.of("score", "bad")), 400, "M_BAD_JSON");
        refused(report(o.bob(), path, Map.of("reason", 7)), 400, "M_BAD_JSON");
        refused(report(o.bob(), path, Map.of("reason", "x".repeat(ContentReports.MAX_REASON_LENGTH + 1))), 400, "M_INVALID_PARAM");
        refused(report(o.bob(), "/users/not-a-user/report", Map.of()), 400, "M_INVALID_PARAM");
        refused(http.get(TENANTS + "/" + o.tenantId() + "/reports?limit=x", o.admin().token()), 400, "M_INVALID_PARAM");
        assertThat(ok(http.get(TENANTS + "/" + o.tenantId() + "/reports", o.admin().token())).get("reports")).isEmpty();
    }

    // ---- helpers

    /** Whether the admin's read of the reports is in the audit trail (written after the response: wait for it). */
    private boolean auditedRead(Org o) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            JsonNode entries = http.get("/_bollwerk/admin/v1/audit?limit=20&actor=" + encode(o.admin().userId()), adminToken)
                    .json().get("entries");
            for (JsonNode entry : entries) {
                if (entry.path("action").asString().equals("GET /_bollwerk/admin/v1/tenants/{tenantId}/reports")
                        && entry.path("outcome").asString().equals("ok")
                        && entry.path("tenant_id").asString().equals(o.tenantId())) {
                    return true;
                }
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private Response report(TenantUser user, String path, Object body) {
        return http.send("POST", V3 + path, user.token(), body);
    }

    private String room(TenantUser owner, Map<String, Object> body) {
        return ok(http.send("POST", V3 + "/createRoom", owner.token(), body)).get("room_id").asString();
    }

    private String message(TenantUser user, String roomId, String text) {
        return ok(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/send/m.room.message/t" + UUID.randomUUID(),
                user.token(), Map.of("msgtype", "m.text", "body", text))).get("event_id").asString();
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }
}
