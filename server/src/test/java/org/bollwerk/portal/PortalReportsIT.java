package org.bollwerk.portal;

import org.bollwerk.report.ContentReports;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Content reports in the portal: a tenant's admins see and handle their tenant's reports, nobody else's. */
class PortalReportsIT extends PortalTestBase {
    @Autowired
    TenantRoles roles;
    @Autowired
    ContentReports reports;

    private String token(MatrixHttp http, String userId) {
        return http.send("POST", "/_matrix/client/v3/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", userId), "password", PASSWORD)).json()
                .get("access_token").asString();
    }

    @Test
    void aTenantAdminResolvesAndDeletesTheTenantsReportsAndAnotherTenantsAdminCannot() {
        String tenant = newTenant("prep");
        String reporter = newUserIn(tenant, "reporter", false);
        String admin = newUserIn(tenant, "repadmin", false);
        roles.assign(tenant, TenantRoles.TENANT_ADMIN, admin);
        String otherTenant = newTenant("pother");
        String otherAdmin = newUserIn(otherTenant, "otheradmin", false);
        roles.assign(otherTenant, TenantRoles.TENANT_ADMIN, otherAdmin);

        MatrixHttp http = new MatrixHttp(port);
        String token = token(http, reporter);
        String roomId = http.send("POST", "/_matrix/client/v3/createRoom", token, Map.of("name", "Project"))
                .json().get("room_id").asString();
        assertThat(http.send("POST", "/_matrix/client/v3/rooms/" + MatrixHttp.encode(roomId) + "/report", token,
                Map.of("reason", "spam bots in here")).status()).isEqualTo(200);
        String reportId = reports.search(new ContentReports.Query(List.of(tenant), null, null, null, null, false, true),
                0, 10).reports().getFirst().reportId();

        PortalClient other = new PortalClient(port);
        other.open("/admin/login");
        signInAndEnrol(other, otherAdmin);
        assertThat(other.open("/admin/reports?tenant=" + tenant).body()).doesNotContain("spam bots in here");
        other.submit("/admin/reports/" + reportId + "/resolve", Map.of());
        other.submit("/admin/reports/" + reportId + "/delete", Map.of());
        assertThat(reports.report(reportId).orElseThrow().resolved()).isFalse();

        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, admin);
        assertThat(client.open("/admin").body()).contains("/admin/reports");
        assertThat(client.open("/admin/reports").body()).contains("spam bots in here", reporter, roomId);
        client.submit("/admin/reports/" + reportId + "/resolve", Map.of());
        assertThat(reports.report(reportId).orElseThrow().resolvedBy()).isEqualTo(admin);
        assertThat(client.open("/admin/reports").body()).contains("id=\"no-reports\"");
        assertThat(client.open("/admin/reports?all=1").body()).contains("spam bots in here", "resolved by " + admin);
        client.submit("/admin/reports/" + reportId + "/delete", Map.of());
        assertThat(reports.report(reportId)).isEmpty();

        assertThat(auditOf(admin)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("portal resolve report");
            assertThat(e.outcome()).isEqualTo("ok");
        });
        assertThat(auditOf(otherAdmin)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("portal resolve report");
            assertThat(e.outcome()).isNotEqualTo("ok");
        });
    }
}
