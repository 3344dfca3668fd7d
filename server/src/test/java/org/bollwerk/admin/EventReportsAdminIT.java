package org.bollwerk.admin;

import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/** Synapse's event-reports admin API over the content reports: tenant admins see and handle their tenant's only. */
class EventReportsAdminIT extends TenantTestBase {
    private static final String REPORTS = "/_synapse/admin/v1/event_reports";

    private record Org(String tenantId, String domain, TenantUser admin, TenantUser alice, TenantUser bob) {
    }

    private Org org() {
        String tenantId = uniqueTenantId("evr");
        String domain = newTenant(tenantId);
        TenantUser admin = newUser("tadmin", domain);
        ok(http.send("PUT", TENANTS + "/" + tenantId + "/roles/tenant_admin/members/" + encode(admin.userId()), adminToken, null));
        return new Org(tenantId, domain, admin, newUser("alice", domain), newUser("bob", domain));
    }

    /** bob says something, alice reports it; returns the room. */
    private String reported(Org o, String text, String reason) {
        String roomId = ok(http.send("POST", V3 + "/createRoom", o.bob().token(), Map.of("preset", "public_chat")))
                .get("room_id").asString();
        ok(http.send("POST", V3 + "/join/" + encode(roomId), o.alice().token(), Map.of()));
        String eventId = ok(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/send/m.room.message/t" + UUID.randomUUID(),
                o.bob().token(), Map.of("msgtype", "m.text", "body", text))).get("event_id").asString();
        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/report/" + encode(eventId), o.alice().token(),
                Map.of("reason", reason, "score", -50)));
        return roomId;
    }

    @Test
    void aTenantAdminListsReadsAndDeletesTheTenantsEventReportsOnly() {
        Org o = org();
        Org other = org();
        String roomId = reported(o, "rude words", "insult");
        reported(o, "more rude words", "again");
        reported(other, "elsewhere", "other tenant");

        JsonNode list = ok(http.get(REPORTS + "?limit=1", o.admin().token()));
        assertThat(list.path("total").asLong()).isEqualTo(2);
        assertThat(list.path("event_reports")).hasSize(1);
        assertThat(list.path("next_token").asInt()).isEqualTo(1);
        JsonNode newest = list.path("event_reports").get(0);
        assertThat(newest.path("reason").asString()).isEqualTo("again");
        assertThat(newest.path("user_id").asString()).isEqualTo(o.alice().userId());
        assertThat(newest.path("sender").asString()).isEqualTo(o.bob().userId());
        JsonNode oldestFirst = ok(http.get(REPORTS + "?dir=f&room_id=" + encode(roomId), o.admin().token()));
        assertThat(oldestFirst.path("event_reports")).hasSize(1);
        assertThat(oldestFirst.path("event_reports").get(0).path("reason").asString()).isEqualTo("insult");

        String id = newest.path("id").asString();
        JsonNode detail = ok(http.get(REPORTS + "/" + id, o.admin().token()));
        assertThat(detail.path("event_json").path("content").path("body").asString()).isEqualTo("more rude words");

        // another tenant's admin and plain users see nothing of it
        refused(http.get(REPORTS + "/" + id, other.admin().token()), 404, "M_NOT_FOUND");
        refused(http.send("DELETE", REPORTS + "/" + id, other.admin().token(), null), 404, "M_NOT_FOUND");
        assertThat(ok(http.get(REPORTS, other.admin().token())).path("total").asLong()).isEqualTo(1);
        refused(http.get(REPORTS, o.alice().token()), 403, "M_FORBIDDEN");
        refused(http.get(REPORTS + "/" + id, o.alice().token()), 403, "M_FORBIDDEN");

        ok(http.send("DELETE", REPORTS + "/" + id, o.admin().token(), null));
        refused(http.get(REPORTS + "/" + id, o.admin().token()), 404, "M_NOT_FOUND");
        assertThat(ok(http.get(REPORTS, o.admin().token())).path("total").asLong()).isEqualTo(1);
        // operators see all tenants' reports
        assertThat(ok(http.get(REPORTS + "?limit=500", adminToken)).path("total").asLong()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aReportIsMarkedResolvedThroughBollwerksAdminApi() {
        Org o = org();
        reported(o, "spam", "spam");
        String base = TENANTS + "/" + o.tenantId() + "/reports";
        String id = ok(http.get(base, o.admin().token())).path("reports").get(0).path("id").asString();
        Org other = org();
        refused(http.send("POST", TENANTS + "/" + other.tenantId() + "/reports/" + id + "/resolve", other.admin().token(),
                Map.of()), 404, "M_NOT_FOUND");
        ok(http.send("POST", base + "/" + id + "/resolve", o.admin().token(), Map.of()));
        JsonNode report = ok(http.get(base, o.admin().token())).path("reports").get(0);
        assertThat(report.path("resolved_by").asString()).isEqualTo(o.admin().userId());
        assertThat(ok(http.get(REPORTS + "/" + id, o.admin().token())).path("resolved").asBoolean()).isTrue();
        ok(http.send("DELETE", base + "/" + id, o.admin().token(), null));
        assertThat(ok(http.get(base, o.admin().token())).path("reports")).isEmpty();
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }
}
