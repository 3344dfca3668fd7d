package org.bollwerk.tenant;

import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.bollwerk.testsupport.TestDatabase;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;
import static org.bollwerk.testsupport.MatrixHttp.uniqueLocalpart;

/**
 * A server with an operator ({@code @admin:localhost}) and helpers to create tenants and their users
 * through the admin API alone, as an operator would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bollwerk.server-name=localhost",
        "bollwerk.admin.user=admin",
        "bollwerk.admin.password=admin-test-password",
        "bollwerk.rate-limit.enabled=false"})
public abstract class TenantTestBase {
    protected static final String TENANTS = "/_bollwerk/admin/v1/tenants";
    protected static final String USERS = "/_synapse/admin/v2/users/";
    protected static final String V3 = "/_matrix/client/v3";

    /**
     * One data directory for the Spring context all subclasses share. Not a {@code @TempDir}: JUnit deletes
     * that after the first class, while the cached context still uses the database file in it.
     */
    private static final Path DATA_DIR = createDataDir();

    private static Path createDataDir() {
        try {
            return java.nio.file.Files.createTempDirectory("bollwerk-tenant-it");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry, DATA_DIR);
    }

    @LocalServerPort
    protected int port;
    protected MatrixHttp http;
    protected String adminToken;

    @BeforeEach
    void logInOperator() {
        http = new MatrixHttp(port);
        adminToken = http.login("admin", "admin-test-password");
    }

    /** A tenant ID (and domain stem) no other test has used. */
    protected static String uniqueTenantId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a tenant with one domain {@code <id>.test} and returns the domain. */
    protected String newTenant(String tenantId) {
        String domain = tenantId + ".test";
        Response created = http.send("POST", TENANTS, adminToken, Map.of("id", tenantId, "name", "Tenant " + tenantId,
                "domains", List.of(domain)));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return domain;
    }

    /** A logged-in user of a tenant, created through the Synapse admin API. */
    public record TenantUser(String userId, String token) {
    }

    protected TenantUser newUser(String prefix, String domain) {
        String userId = "@" + uniqueLocalpart(prefix) + ":" + domain;
        Response created = http.send("PUT", USERS + encode(userId), adminToken, Map.of("password", "pw-" + userId));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        return new TenantUser(userId, http.login(userId, "pw-" + userId));
    }

    protected Response loginResponse(String user, String password) {
        return http.send("POST", V3 + "/login", null, Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", user), "password", password));
    }

    /** Uploads {@code content} as a text file and returns its {@code mxc://} URI. */
    protected String uploadText(TenantUser user, String content) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + port + "/_matrix/media/v3/upload?filename=notes.txt"))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(content))
                .header("Content-Type", "text/plain").header("Authorization", "Bearer " + user.token()).build();
        try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<String> response = client.send(request,
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            return org.bollwerk.matrix.json.Json.MAPPER.readTree(response.body()).get("content_uri").asString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Downloads media through the authenticated client API. */
    protected Response download(TenantUser user, String mxc) {
        return http.get("/_matrix/client/v1/media/download/" + mxc.substring("mxc://".length()), user.token());
    }

    protected static void refused(Response response, int status, String errcode) {
        assertThat(response.status()).as(response.text()).isEqualTo(status);
        assertThat(response.errcode()).as(response.text()).isEqualTo(errcode);
    }
}
