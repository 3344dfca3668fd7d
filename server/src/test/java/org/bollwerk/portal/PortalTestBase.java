package org.bollwerk.portal;

import org.bollwerk.account.AccountService;
import org.bollwerk.audit.AuditEntry;
import org.bollwerk.audit.AuditTrail;
import org.bollwerk.testsupport.MatrixHttp;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** One real server with the admin API's second-factor rule on, shared by the portal's tests. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bollwerk.server-name=localhost", "bollwerk.rate-limit.enabled=false",
        "bollwerk.admin.require-second-factor=true"})
abstract class PortalTestBase {
    static final String PASSWORD = "portal-password-1";
    private static final Pattern SECRET = Pattern.compile("id=\"secret\">([A-Z2-7 ]+)<");

    @LocalServerPort
    int port;
    @Autowired
    AccountService accounts;
    @Autowired
    AuditTrail audit;
    @Autowired
    org.bollwerk.tenant.TenantService tenants;
    @Autowired
    org.bollwerk.keys.KeyAdministration keys;

    /** A new tenant (ID from {@code prefix}) with the domain {@code <id>.test} and its data keys, as the admin API makes it. */
    String newTenant(String prefix) {
        String tenantId = prefix + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        tenants.create(tenantId, "Tenant " + tenantId, List.of(tenantId + ".test"));
        keys.prepareTenant(tenantId);
        return tenantId;
    }

    /** A new account on a domain of a tenant; its password is {@link #PASSWORD}. */
    String newUserIn(String tenantId, String prefix, boolean operator) {
        String userId = "@" + MatrixHttp.uniqueLocalpart(prefix) + ":" + tenantId + ".test";
        accounts.createUser(userId, PASSWORD, prefix, operator);
        return userId;
    }

    /** A new account with the given rights; its password is {@link #PASSWORD}. */
    String newUser(String prefix, boolean operator) {
        String userId = "@" + MatrixHttp.uniqueLocalpart(prefix) + ":localhost";
        accounts.createUser(userId, PASSWORD, prefix, operator);
        return userId;
    }

    /** Password step, TOTP enrolment with the shown secret; returns the secret (Base32, no spaces). */
    String signInAndEnrol(PortalClient client, String userId) {
        PortalClient.Page afterPassword = client.post("/admin/login", Map.of("username", userId, "password", PASSWORD));
        assertThat(afterPassword.status()).as(afterPassword.body()).isEqualTo(302);
        assertThat(afterPassword.location()).endsWith("/admin/second-factor/enrol");
        PortalClient.Page enrol = client.open(afterPassword.location());
        Matcher m = SECRET.matcher(enrol.body());
        assertThat(m.find()).as(enrol.body()).isTrue();
        String secret = m.group(1).replace(" ", "");
        PortalClient.Page codes = client.post("/admin/second-factor/enrol",
                Map.of("code", Totp.code(secret, Totp.stepAt(System.currentTimeMillis()))));
        assertThat(codes.status()).isEqualTo(200);
        assertThat(codes.body()).contains("id=\"recovery-codes\"");
        return secret;
    }

    /** A fresh browser session through both steps; {@code step} offsets the TOTP step (no replay of a used code). */
    PortalClient signedIn(String userId, String secret, int step) {
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        PortalClient.Page afterPassword = client.post("/admin/login", Map.of("username", userId, "password", PASSWORD));
        assertThat(afterPassword.location()).endsWith("/admin/second-factor");
        client.open(afterPassword.location());
        PortalClient.Page done = client.post("/admin/second-factor",
                Map.of("code", Totp.code(secret, Totp.stepAt(System.currentTimeMillis()) + step)));
        assertThat(done.status()).as(done.body()).isEqualTo(302);
        assertThat(done.location()).endsWith("/admin");
        return client;
    }

    List<AuditEntry> auditOf(String actor) {
        return audit.recent(null, null, 500).stream().filter(e -> actor.equals(e.actor())).toList();
    }
}
