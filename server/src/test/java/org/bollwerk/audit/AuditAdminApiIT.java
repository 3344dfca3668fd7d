package org.bollwerk.audit;

import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/** The audit API as operators, tenant admins and ordinary users meet it, on a real server and database. */
class AuditAdminApiIT extends TenantTestBase {
    private static final String AUDIT = "/_bollwerk/admin/v1/audit";

    @TempDir
    Path dir;

    private JsonNode search(String query) {
        Response response = http.get(AUDIT + "?" + query, adminToken);
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("entries");
    }

    private static List<String> field(JsonNode entries, String name) {
        List<String> values = new ArrayList<>();
        entries.forEach(e -> values.add(e.path(name).asString(null)));
        return values;
    }

    @Test
    void searchFiltersByActorActionTargetTenantOutcomeAndTime() {
        long start = System.currentTimeMillis();
        String tenant = uniqueTenantId("aud");
        String domain = newTenant(tenant);
        TenantUser alice = newUser("alice", domain);
        assertThat(http.get(TENANTS, alice.token()).status()).isEqualTo(403);
        assertThat(http.send("PUT", USERS + encode(alice.userId()), adminToken, Map.of("locked", true)).status()).isEqualTo(200);
        assertThat(http.send("PUT", TENANTS + "/" + tenant + "/roles/auditor", adminToken,
                Map.of("permissions", List.of("audit.read"))).status()).isEqualTo(200);

        JsonNode byTarget = search("target=" + encode(alice.userId()) + "&from=" + start);
        assertThat(field(byTarget, "action")).contains("PUT /_synapse/admin/v2/users/{userId}");
        assertThat(field(byTarget, "target")).allMatch(t -> t.contains(alice.userId()));
        assertThat(field(byTarget, "detail")).contains("locked=true");

        JsonNode byAction = search("action=" + encode("/roles/{role}") + "&tenant_id=" + tenant);
        assertThat(byAction).hasSize(1);
        assertThat(byAction.get(0).get("detail").asString()).isEqualTo("permissions=[audit.read]");
        assertThat(byAction.get(0).get("hash").asString()).hasSize(64);

        JsonNode refused = search("outcome=refused&actor=" + encode(alice.userId()));
        assertThat(refused).hasSize(1);
        assertThat(refused.get(0).get("action").asString()).isEqualTo("GET /_bollwerk/admin/v1/tenants");
        assertThat(search("actor=" + encode(alice.userId()) + "&outcome=ok")).isEmpty();

        assertThat(search("from=" + (System.currentTimeMillis() + 3_600_000))).isEmpty();
        assertThat(search("to=" + start + "&target=" + encode(alice.userId()))).isEmpty();
        assertThat(search("tenant_id=" + tenant + "&limit=2")).hasSize(2);

        refused(http.get(AUDIT + "?outcome=maybe", adminToken), 400, "M_INVALID_PARAM");
        refused(http.get(AUDIT + "?from=10&to=5", adminToken), 400, "M_INVALID_PARAM");
        assertThat(http.get(AUDIT + "?from=yesterday", adminToken).status()).isEqualTo(400);
    }

    @Test
    void everyReadOfTheAuditLogIsRecorded() {
        search("limit=1");
        JsonNode reads = search("action=" + encode("GET " + AUDIT) + "&actor=" + encode("@admin:localhost") + "&limit=5");
        assertThat(reads).isNotEmpty();
        assertThat(reads.get(0).get("outcome").asString()).isEqualTo("ok");
    }

    @Test
    void anExportVerifiesOfflineAndCheckpointsAreSignedOnDemand() throws IOException {
        newTenant(uniqueTenantId("exp"));
        Response checkpoint = http.send("POST", AUDIT + "/checkpoints", adminToken, null);
        assertThat(checkpoint.status()).as(checkpoint.text()).isEqualTo(200);
        JsonNode signed = checkpoint.json().get("signed");
        assertThat(signed.get("seq").asLong()).isEqualTo(checkpoint.json().get("seq").asLong()).isPositive();
        assertThat(signed.path("signatures").path("localhost").isObject()).isTrue();
        assertThat(http.get(AUDIT + "/checkpoints?limit=1", adminToken).json().get("checkpoints").get(0).get("seq").asLong())
                .isEqualTo(signed.get("seq").asLong());

        Response verified = http.send("POST", AUDIT + "/verify", adminToken, Map.of("checkpoints", List.of(signed)));
        assertThat(verified.status()).as(verified.text()).isEqualTo(200);
        assertThat(verified.json().get("ok").asBoolean()).as(verified.text()).isTrue();
        assertThat(verified.json().get("checkpoints_matched").asInt()).isPositive();
        assertThat(http.send("POST", AUDIT + "/verify", adminToken, null).json().get("ok").asBoolean()).isTrue();
        refused(http.send("POST", AUDIT + "/verify", adminToken, Map.of("checkpoints", "all")), 400, "M_INVALID_PARAM");

        Response export = http.get(AUDIT + "/export", adminToken);
        assertThat(export.status()).isEqualTo(200);
        assertThat(export.contentType()).startsWith("application/x-ndjson");
        Path file = dir.resolve("export.jsonl");
        Files.writeString(file, export.text());
        assertThat(Files.readAllLines(file).getFirst()).contains("\"type\":\"bollwerk.audit.export\"", "public_keys");
        AuditChainIT.Cli cli = AuditChainIT.cli(file);
        assertThat(cli.code()).as(cli.out()).isZero();
        assertThat(cli.out()).startsWith("OK:");
    }

    @Test
    void onlyOperatorsExportCheckpointAndVerifyAndOrdinaryUsersSeeNothing() {
        String tenant = uniqueTenantId("own");
        String domain = newTenant(tenant);
        TenantUser tenantAdmin = newUser("tadmin", domain);
        assertThat(http.send("PUT", TENANTS + "/" + tenant + "/roles/tenant_admin/members/" + encode(tenantAdmin.userId()),
                adminToken, null).status()).isEqualTo(200);
        TenantUser plain = newUser("plain", domain);

        for (TenantUser user : List.of(tenantAdmin, plain)) {
            refused(http.get(AUDIT + "/export", user.token()), 403, "M_FORBIDDEN");
            refused(http.send("POST", AUDIT + "/checkpoints", user.token(), null), 403, "M_FORBIDDEN");
            refused(http.get(AUDIT + "/checkpoints", user.token()), 403, "M_FORBIDDEN");
            refused(http.send("POST", AUDIT + "/verify", user.token(), null), 403, "M_FORBIDDEN");
        }
        refused(http.get(AUDIT, plain.token()), 403, "M_FORBIDDEN");
        JsonNode own = http.get(AUDIT + "?limit=1000", tenantAdmin.token()).json().get("entries");
        assertThat(own).isNotEmpty();
        own.forEach(e -> assertThat(e.get("tenant_id").asString()).isEqualTo(tenant));
        assertThat(http.get(AUDIT, null).status()).isEqualTo(401);

        JsonNode refusals = search("actor=" + encode(plain.userId()) + "&outcome=refused");
        assertThat(field(refusals, "action")).contains("GET " + AUDIT + "/export", "POST " + AUDIT + "/verify");
    }
}
