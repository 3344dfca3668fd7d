package org.bollwerk.portal;

import org.bollwerk.alerts.AlertService;
import org.bollwerk.alerts.AlertStatus;
import org.bollwerk.tenant.TenantRoles;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The alerts page of the portal: its figures, the send form, and that only {@code alerts.send} may use it. */
class AlertPagesIT extends PortalTestBase {
    private static final Pattern SENT = Pattern.compile("id=\"sent-alert\">([^<]+)<");
    @Autowired
    TenantRoles roles;
    @Autowired
    AlertService alerts;

    @Test
    void aTenantAdminSendsAnAlertFromThePortalAndSeesItsFigures() {
        String tenantId = newTenant("portal-alerts");
        String admin = newUserIn(tenantId, "warden", false);
        roles.assign(tenantId, TenantRoles.TENANT_ADMIN, admin);
        newUserIn(tenantId, "worker", false);
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, admin);

        PortalClient.Page page = client.open("/admin/alerts");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"alerts\"").contains("id=\"send-alert\"").contains("/admin/alerts");

        PortalClient.Page sent = client.submit("/admin/alerts", Map.of("tenant", tenantId, "body", "Evacuate building C",
                "groups", ""));
        Matcher m = SENT.matcher(sent.body());
        assertThat(m.find()).as(sent.body()).isTrue();
        String alertId = m.group(1);
        assertThat(sent.body()).contains("id=\"alert-" + alertId + "\"").contains("Evacuate building C")
                .contains("<td class=\"recipients\">2</td>").contains("<td class=\"delivered\">2</td>")
                .contains("http-equiv=\"refresh\"");
        AlertStatus status = alerts.status(tenantId, alertId);
        assertThat(status.sentBy()).isEqualTo(admin);
        assertThat(auditOf(admin)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("portal send alert");
            assertThat(e.outcome()).isEqualTo("ok");
            assertThat(e.tenantId()).isEqualTo(tenantId);
        });
    }

    @Test
    void withoutAlertsSendThePageOffersNothingAndSendingIsRefused() {
        String tenantId = newTenant("portal-noalerts");
        String helpdesk = newUserIn(tenantId, "helpdesk", false);
        roles.assign(tenantId, TenantRoles.HELPDESK, helpdesk);
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, helpdesk);

        assertThat(client.open("/admin").body()).doesNotContain("/admin/alerts\"");
        assertThat(client.open("/admin/alerts").body()).doesNotContain("id=\"send-alert\"");
        PortalClient.Page refused = client.submit("/admin/alerts", Map.of("tenant", tenantId, "body", "Prank", "groups", ""));
        assertThat(refused.body()).contains("class=\"problem\"");
        assertThat(alerts.list(tenantId, null, 10)).isEqualTo(List.of());
        assertThat(auditOf(helpdesk)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("portal send alert");
            assertThat(e.outcome()).isEqualTo("refused");
        });
    }
}
