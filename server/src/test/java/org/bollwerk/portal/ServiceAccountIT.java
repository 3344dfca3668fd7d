package org.bollwerk.portal;

import org.bollwerk.audit.AuditEntry;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admin service accounts (issue 27): made by a person after the second factor (portal page or admin API with a
 * portal-issued token), used unattended within their scope, refused outside it, from other addresses, after
 * expiry and after revocation — and named in the audit trail for everything they do.
 */
class ServiceAccountIT extends PortalTestBase {
    private static final String API = "/_bollwerk/admin/v1/service-accounts";
    private static final String EXPORT = "/_bollwerk/admin/v1/audit/export";
    private static final Pattern PORTAL_TOKEN = Pattern.compile("id=\"api-token\">([^<]+)<");
    private static final Pattern SERVICE_TOKEN = Pattern.compile("id=\"service-account-token\">([^<]+)<");

    @Autowired
    TenantRoles roles;
    @Autowired
    Db db;

    private MatrixHttp http() {
        return new MatrixHttp(port);
    }

    /** A signed-in portal session of a new account (operator or not). */
    private PortalClient portal(String userId) {
        PortalClient client = new PortalClient(port);
        client.open("/admin/login");
        signInAndEnrol(client, userId);
        return client;
    }

    private static String portalApiToken(PortalClient client) {
        PortalClient.Page issued = client.submit("/admin/api-token", Map.of());
        Matcher token = PORTAL_TOKEN.matcher(issued.body());
        assertThat(token.find()).as(issued.body()).isTrue();
        return token.group(1);
    }

    private JsonNode create(String portalToken, Map<String, Object> body) {
        MatrixHttp.Response created = http().send("POST", API, portalToken, body);
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        return created.json();
    }

    private List<AuditEntry> auditOfActor(String actor) {
        return auditOf(actor);
    }

    @Test
    void anOperatorCreatesOneInThePortalAndACronJobExportsTheAuditTrailWithIt() {
        String operator = newUser("saop", true);
        PortalClient client = portal(operator);
        PortalClient.Page page = client.open("/admin/service-accounts");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("id=\"create-service-account\"", "audit.export");

        PortalClient.Page created = client.submit("/admin/service-accounts", Map.of("name", "Daily audit export",
                "permission", "audit.export", "tenant", "*", "sources", "127.0.0.1, ::1", "days", "30"));
        Matcher token = SERVICE_TOKEN.matcher(created.body());
        assertThat(token.find()).as(created.body()).isTrue();
        String saToken = token.group(1);
        assertThat(saToken).startsWith("bw_sa_");
        assertThat(created.body()).contains("Daily audit export");
        // shown once: the next visit lists it without the token
        assertThat(client.open("/admin/service-accounts").body()).contains("Daily audit export").doesNotContain(saToken);

        // what the cron recipe in docs/audit-log.md does: sign a checkpoint, then export
        MatrixHttp.Response checkpoint = http().send("POST", "/_bollwerk/admin/v1/audit/checkpoints", saToken, Map.of());
        assertThat(checkpoint.status()).as(checkpoint.text()).isEqualTo(200);
        MatrixHttp.Response export = http().get(EXPORT, saToken);
        assertThat(export.status()).as(export.text()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("application/x-ndjson");
        assertThat(export.text()).isNotBlank();

        JsonNode listed = http().get(API, portalApiToken(client)).json().get("service_accounts");
        JsonNode mine = null;
        for (JsonNode account : listed) if (account.get("name").asString().equals("Daily audit export")) mine = account;
        assertThat(mine).isNotNull();
        assertThat(mine.get("created_by").asString()).isEqualTo(operator);
        assertThat(mine.get("last_used_ip").asString()).isEqualTo("127.0.0.1");
        assertThat(mine.toString()).doesNotContain(saToken);
        String actor = mine.get("actor").asString();
        assertThat(actor).startsWith("service-account:sa_");
        assertThat(auditOfActor(actor)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("GET /_bollwerk/admin/v1/audit/export");
            assertThat(e.outcome()).isEqualTo("ok");
            assertThat(e.detail()).contains("for " + operator);
        });
        assertThat(auditOf(operator)).anySatisfy(e -> assertThat(e.action()).isEqualTo("portal create service account"));
    }

    @Test
    void onlyATokenFromTheSecondFactorMayCreateOneNeverAServiceAccountOrAPasswordLogin() {
        String operator = newUser("saapi", true);
        String portalToken = portalApiToken(portal(operator));
        JsonNode created = create(portalToken, Map.of("name", "provisioning", "permissions", List.of("users.read"),
                "tenants", List.of("default"), "expires_in_days", 7));
        String saToken = created.get("token").asString();
        assertThat(saToken).startsWith("bw_sa_");

        MatrixHttp.Response bySelf = http().send("POST", API, saToken, Map.of("name", "wider",
                "permissions", List.of("operator"), "tenants", List.of("*"), "expires_in_days", 7));
        assertThat(bySelf.status()).isEqualTo(403);
        assertThat(http().get(API, saToken).status()).isEqualTo(403);

        String passwordToken = http().login(operator, PASSWORD);
        assertThat(http().send("POST", API, passwordToken, Map.of("name", "x", "permissions", List.of("users.read"),
                "tenants", List.of("default"), "expires_in_days", 7)).status()).isEqualTo(403);
        // the token reaches the admin API only; the client API does not know it
        MatrixHttp.Response whoami = http().get("/_matrix/client/v3/account/whoami", saToken);
        assertThat(whoami.status()).isEqualTo(401);
        assertThat(whoami.errcode()).isEqualTo("M_UNKNOWN_TOKEN");
    }

    @Test
    void aPermissionOrTenantOutsideTheScopeIsRefusedAndRecorded() {
        String tenantA = newTenant("saa");
        String tenantB = newTenant("sab");
        String inA = newUserIn(tenantA, "member", false);
        String inB = newUserIn(tenantB, "member", false);
        String operator = newUser("sascope", true);
        String portalToken = portalApiToken(portal(operator));
        JsonNode created = create(portalToken, Map.of("name", "reader of A", "permissions", List.of("users.read"),
                "tenants", List.of(tenantA), "expires_in_days", 1));
        String saToken = created.get("token").asString();
        String actor = created.get("actor").asString();

        assertThat(http().get("/_synapse/admin/v2/users/" + MatrixHttp.encode(inA), saToken).status()).isEqualTo(200);
        MatrixHttp.Response otherTenant = http().get("/_synapse/admin/v2/users/" + MatrixHttp.encode(inB), saToken);
        assertThat(otherTenant.status()).isEqualTo(403);
        assertThat(otherTenant.errcode()).isEqualTo("M_FORBIDDEN");
        assertThat(http().get(EXPORT, saToken).status()).isEqualTo(403);
        MatrixHttp.Response lock = http().send("PUT", "/_synapse/admin/v2/users/" + MatrixHttp.encode(inA), saToken,
                Map.of("locked", true));
        assertThat(lock.status()).isEqualTo(403);
        assertThat(accounts.user(inA).orElseThrow().locked()).isFalse();
        MatrixHttp.Response tenants = http().get("/_bollwerk/admin/v1/tenants", saToken);
        assertThat(tenants.status()).isEqualTo(403);

        assertThat(auditOfActor(actor)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("GET /_bollwerk/admin/v1/audit/export");
            assertThat(e.outcome()).isEqualTo("refused");
        }).anySatisfy(e -> {
            assertThat(e.tenantId()).isEqualTo(tenantB);
            assertThat(e.outcome()).isEqualTo("refused");
        });
    }

    @Test
    void aTenantAdminCannotHandOutWhatItDoesNotHold() {
        String tenantA = newTenant("saown");
        String tenantB = newTenant("saother");
        String admin = newUserIn(tenantA, "tadmin", false);
        roles.assign(tenantA, TenantRoles.TENANT_ADMIN, admin);
        String portalToken = portalApiToken(portal(admin));

        assertThat(http().send("POST", API, portalToken, Map.of("name", "b", "permissions", List.of("users.read"),
                "tenants", List.of(tenantB), "expires_in_days", 1)).status()).isEqualTo(403);
        assertThat(http().send("POST", API, portalToken, Map.of("name", "all", "permissions", List.of("users.read"),
                "tenants", List.of("*"), "expires_in_days", 1)).status()).isEqualTo(403);
        assertThat(http().send("POST", API, portalToken, Map.of("name", "export", "permissions", List.of("audit.export"),
                "tenants", List.of(tenantA), "expires_in_days", 1)).status()).isEqualTo(403);
        JsonNode own = create(portalToken, Map.of("name", "own", "permissions", List.of("users.read"),
                "tenants", List.of(tenantA), "expires_in_days", 1));
        assertThat(own.get("tenants").get(0).asString()).isEqualTo(tenantA);
        // an expiry beyond bollwerk.service-accounts.max-lifetime (365 days) is refused
        MatrixHttp.Response tooLong = http().send("POST", API, portalToken, Map.of("name", "forever",
                "permissions", List.of("users.read"), "tenants", List.of(tenantA), "expires_in_days", 400));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.errcode()).isEqualTo("M_INVALID_PARAM");
    }

    @Test
    void aServiceAccountBoundToOtherAddressesIsRefusedFromHere() {
        String operator = newUser("sasource", true);
        String portalToken = portalApiToken(portal(operator));
        JsonNode elsewhere = create(portalToken, Map.of("name", "from the backup host", "permissions", List.of("audit.export"),
                "tenants", List.of("*"), "sources", List.of("192.0.2.0/24", "2001:db8::/32"), "expires_in_days", 1));
        MatrixHttp.Response refused = http().get(EXPORT, elsewhere.get("token").asString());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errcode()).isEqualTo("M_FORBIDDEN");
        assertThat(auditOfActor(elsewhere.get("actor").asString())).anySatisfy(e -> {
            assertThat(e.outcome()).isEqualTo("refused");
            assertThat(e.clientIp()).isEqualTo("127.0.0.1");
        });

        JsonNode here = create(portalToken, Map.of("name", "from here", "permissions", List.of("audit.export"),
                "tenants", List.of("*"), "sources", List.of("127.0.0.0/8"), "expires_in_days", 1));
        assertThat(http().get(EXPORT, here.get("token").asString()).status()).isEqualTo(200);

        MatrixHttp.Response badSource = http().send("POST", API, portalToken, Map.of("name", "bad", "permissions",
                List.of("audit.export"), "tenants", List.of("*"), "sources", List.of("backup.example.org"), "expires_in_days", 1));
        assertThat(badSource.status()).isEqualTo(400);
    }

    @Test
    void anExpiredServiceAccountIsAnUnknownToken() {
        String operator = newUser("saexpiry", true);
        String portalToken = portalApiToken(portal(operator));
        JsonNode created = create(portalToken, Map.of("name", "short-lived", "permissions", List.of("audit.export"),
                "tenants", List.of("*"), "expires_in_days", 1));
        String saToken = created.get("token").asString();
        assertThat(http().get(EXPORT, saToken).status()).isEqualTo(200);
        db.write(() -> db.sql().sql("UPDATE service_accounts SET expires_ts = ? WHERE id = ?")
                .params(System.currentTimeMillis() - 1, created.get("id").asString()).update());
        MatrixHttp.Response expired = http().get(EXPORT, saToken);
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.errcode()).isEqualTo("M_UNKNOWN_TOKEN");
    }

    @Test
    void revocationTakesEffectOnTheVeryNextRequest() {
        String operator = newUser("sarevoke", true);
        PortalClient client = portal(operator);
        String portalToken = portalApiToken(client);
        JsonNode byApi = create(portalToken, Map.of("name", "revoked by API", "permissions", List.of("audit.export"),
                "tenants", List.of("*"), "expires_in_days", 1));
        String first = byApi.get("token").asString();
        assertThat(http().get(EXPORT, first).status()).isEqualTo(200);
        MatrixHttp.Response revoked = http().send("DELETE", API + "/" + byApi.get("id").asString(), portalToken, null);
        assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);
        assertThat(http().get(EXPORT, first).status()).isEqualTo(401);
        assertThat(auditOf(operator)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("DELETE /_bollwerk/admin/v1/service-accounts/{serviceAccountId}");
            assertThat(e.target()).isEqualTo("serviceAccountId=" + byApi.get("id").asString());
        });

        JsonNode byPortal = create(portalToken, Map.of("name", "revoked in portal", "permissions", List.of("audit.export"),
                "tenants", List.of("*"), "expires_in_days", 1));
        String second = byPortal.get("token").asString();
        assertThat(http().get(EXPORT, second).status()).isEqualTo(200);
        client.open("/admin/service-accounts");
        client.submit("/admin/service-accounts/revoke", Map.of("id", byPortal.get("id").asString()));
        assertThat(http().get(EXPORT, second).status()).isEqualTo(401);
        assertThat(client.open("/admin/service-accounts").body()).contains("revoked in portal");
    }

    @Test
    void aServiceAccountLosesWhatItsCreatorLoses() {
        String operator = newUser("sacreator", true);
        String portalToken = portalApiToken(portal(operator));
        String saToken = create(portalToken, Map.of("name", "orphan", "permissions", List.of("audit.export"),
                "tenants", List.of("*"), "expires_in_days", 1)).get("token").asString();
        assertThat(http().get(EXPORT, saToken).status()).isEqualTo(200);
        accounts.setAdmin(operator, false);
        assertThat(http().get(EXPORT, saToken).status()).isEqualTo(403);
    }
}
