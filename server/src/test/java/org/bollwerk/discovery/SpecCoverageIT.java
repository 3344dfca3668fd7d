package org.bollwerk.discovery;

import org.bollwerk.testsupport.ClientApiTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How much of the Matrix client-server API Bollwerk routes, measured against the spec's own operation list
 * ({@code spec/client-server-operations.txt}), and that {@code /versions} advertises exactly the versions whose
 * required operations are all routed (ADR 0012). The report is printed and kept in {@code docs/spec-coverage.md};
 * this test fails when that file is stale — regenerate it with
 * {@code -Dbollwerk.spec-coverage.write=true} (or {@code BOLLWERK_SPEC_COVERAGE_WRITE=true}).
 */
class SpecCoverageIT extends ClientApiTestBase {
    private static final Path REPORT = Path.of("..", "docs", "spec-coverage.md");

    /**
     * Paths under {@code /_matrix/client/unstable} that clients in use still call (older js-sdk, as in Cinny:
     * cross-signing set-up) or that the unstable features of {@code /versions} announce. Synapse keeps them.
     */
    static final List<String> UNSTABLE_ALIASES = List.of(
            "POST /_matrix/client/unstable/keys/device_signing/upload",
            "POST /_matrix/client/unstable/keys/signatures/upload",
            "POST /_matrix/client/unstable/keys/upload",
            "POST /_matrix/client/unstable/keys/query",
            "POST /_matrix/client/unstable/keys/claim",
            "GET /_matrix/client/unstable/keys/changes",
            "GET /_matrix/client/unstable/uk.half-shot.msc2666/user/mutual_rooms",
            "GET /_matrix/client/unstable/im.nheko.summary/rooms/{roomIdOrAlias}/summary",
            "GET /_matrix/client/unstable/im.nheko.summary/summary/{roomIdOrAlias}",
            "GET /_matrix/client/unstable/org.matrix.msc4143/rtc/transports");

    @Autowired
    private ApplicationContext context;

    @Test
    void versionsAdvertisesExactlyTheVersionsWhoseRequiredOperationsAreRouted() {
        List<SpecVersions.Operation> operations = SpecVersions.operations();
        List<RequestMappingInfo> routes = SpecVersions.routes(context);
        List<String> complete = new ArrayList<>();
        for (int minor = 1; minor <= SpecVersions.LATEST_MINOR; minor++) {
            if (missing(operations, routes, minor).isEmpty()) complete.add("v1." + minor);
        }
        JsonNode answer = ok(http.get("/_matrix/client/versions", null));
        List<String> advertised = new ArrayList<>();
        answer.path("versions").forEach(v -> advertised.add(v.asString()));
        assertThat(advertised).as("/versions (what is missing per version: docs/spec-coverage.md)").isEqualTo(complete);
    }

    @Test
    void theRouteCheckSeesRoutesAsTheRouterDoes() {
        List<RequestMappingInfo> routes = SpecVersions.routes(context);
        assertThat(SpecVersions.isRouted(op("GET", "/_matrix/client/v3/sync"), routes)).isTrue();
        assertThat(SpecVersions.isRouted(op("PUT", "/_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}"), routes)).isTrue();
        // the method matters, and so does every segment
        assertThat(SpecVersions.isRouted(op("DELETE", "/_matrix/client/v3/sync"), routes)).isFalse();
        assertThat(SpecVersions.isRouted(op("GET", "/_matrix/client/v3/no/such/thing"), routes)).isFalse();
        // a variable in the spec may be served by a literal route and by one with another variable name
        assertThat(SpecVersions.isRouted(op("GET", "/_matrix/client/v3/profile/{userId}/{keyName}"), routes)).isTrue();
    }

    @Test
    void unstableAliasesThatClientsStillCallAreServed() {
        List<RequestMappingInfo> routes = SpecVersions.routes(context);
        for (String alias : UNSTABLE_ALIASES) {
            String[] parts = alias.split(" ");
            assertThat(SpecVersions.isRouted(op(parts[0], parts[1]), routes)).as(alias).isTrue();
        }
        // and over HTTP: the cross-signing upload of older js-sdk reaches user-interactive auth, not a 404
        User alice = newUser("alice");
        var response = http.send("POST", "/_matrix/client/unstable/keys/device_signing/upload", alice.token(), Map.of());
        assertThat(response.status()).as(response.text()).isIn(200, 401);
    }

    @Test
    void theCoverageReportInDocsIsCurrent() throws IOException {
        String report = report(SpecVersions.operations(), SpecVersions.routes(context));
        System.out.println(report.lines().limit(12).reduce("", (a, b) -> a + b + "\n"));
        boolean write = Boolean.getBoolean("bollwerk.spec-coverage.write")
                || "true".equals(System.getenv("BOLLWERK_SPEC_COVERAGE_WRITE"));
        if (write) Files.writeString(REPORT, report, StandardCharsets.UTF_8);
        String stored = Files.exists(REPORT) ? Files.readString(REPORT, StandardCharsets.UTF_8) : "";
        assertThat(stored).as("docs/spec-coverage.md is stale: run SpecCoverageIT with -Dbollwerk.spec-coverage.write=true")
                .isEqualTo(report);
    }

    private static SpecVersions.Operation op(String method, String path) {
        return new SpecVersions.Operation(method, path, "test", 1, null, null);
    }

    private static List<SpecVersions.Operation> missing(List<SpecVersions.Operation> operations,
                                                        List<RequestMappingInfo> routes, int minor) {
        return operations.stream().filter(op -> op.requiredIn(minor) && !SpecVersions.isRouted(op, routes)).toList();
    }

    static String report(List<SpecVersions.Operation> operations, List<RequestMappingInfo> routes) {
        int latest = SpecVersions.LATEST_MINOR;
        List<SpecVersions.Operation> current = operations.stream().filter(op -> op.listedIn(latest)).toList();
        long routed = current.stream().filter(op -> SpecVersions.isRouted(op, routes)).count();
        List<SpecVersions.Operation> required = current.stream().filter(op -> op.requiredIn(latest)).toList();
        long requiredRouted = required.stream().filter(op -> SpecVersions.isRouted(op, routes)).count();
        StringBuilder out = new StringBuilder();
        out.append("# Client-server API coverage\n\n");
        out.append("Generated by `SpecCoverageIT` from the spec's operation list (`server/src/main/resources/")
                .append(SpecVersions.OPERATIONS).append("`, made by `bin/spec-operations`) and the routes of the ")
                .append("server; the test fails when this file is stale. What counts as required: ")
                .append("[ADR 0012](adr/0012-versions-from-routes.md).\n\n");
        out.append(String.format("**Spec v1.%d: %d of %d operations routed (%.1f %%); %d of %d required operations routed.**%n%n",
                latest, routed, current.size(), 100.0 * routed / current.size(), requiredRouted, required.size()));
        out.append("## Versions\n\n| version | required operations | routed | advertised in `/versions` | missing |\n|---|---|---|---|---|\n");
        for (int minor = 1; minor <= latest; minor++) {
            int version = minor;
            List<SpecVersions.Operation> needed = operations.stream().filter(op -> op.requiredIn(version)).toList();
            List<SpecVersions.Operation> absent = missing(operations, routes, minor);
            out.append("| v1.").append(minor).append(" | ").append(needed.size()).append(" | ")
                    .append(needed.size() - absent.size()).append(" | ").append(absent.isEmpty() ? "yes" : "no").append(" | ")
                    .append(String.join(", ", absent.stream().map(op -> "`" + op + "`").toList())).append(" |\n");
        }
        out.append("\n## Operations of v1.").append(latest).append("\n\n| operation | since | routed | note |\n|---|---|---|---|\n");
        Map<String, String> rows = new TreeMap<>();
        for (SpecVersions.Operation op : current) {
            String note = op.exclusion() != null ? "not required: " + op.exclusion()
                    : op.deprecated() != null && op.deprecated() <= latest ? "deprecated since v1." + op.deprecated() : "";
            rows.put(op.path() + " " + op.method(), "| `" + op + "` | v1." + op.added() + " | "
                    + (SpecVersions.isRouted(op, routes) ? "yes" : "**no**") + " | " + note + " |\n");
        }
        rows.values().forEach(out::append);
        out.append("\n## Unstable aliases served\n\nPaths under `/_matrix/client/unstable` that clients still call ")
                .append("(checked by `SpecCoverageIT`):\n\n");
        UNSTABLE_ALIASES.forEach(alias -> out.append("- `").append(alias).append("`\n"));
        return out.toString();
    }
}
