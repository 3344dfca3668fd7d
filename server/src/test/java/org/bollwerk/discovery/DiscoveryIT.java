package org.bollwerk.discovery;

import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.bollwerk.testsupport.RawHttp;
import org.bollwerk.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bollwerk.admin.user=discovery-admin", "bollwerk.admin.password=discovery-admin-pw",
        "bollwerk.support.admin-email=helpdesk@example.org", "bollwerk.support.security-email=security@example.org",
        "bollwerk.support.page=https://intranet.example.org/messenger",
        "bollwerk.livekit.service-url=https://rtc.example.org/livekit/jwt"})
@DirtiesContext
class DiscoveryIT {
    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry, dataDir);
    }

    @LocalServerPort
    int port;

    @Test
    void wellKnownPointsClientsAtTheUrlTheyCameIn() {
        Response response = new MatrixHttp(port).get("/.well-known/matrix/client", null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("m.homeserver").get("base_url").asString())
                .isEqualTo("http://127.0.0.1:" + port);
    }

    @Test
    void wellKnownAnnouncesTheLiveKitFocusAndTheSupportContacts() {
        Response client = new MatrixHttp(port).get("/.well-known/matrix/client", null);
        assertThat(client.json().get("org.matrix.msc4143.rtc_foci").get(0).get("livekit_service_url").asString())
                .isEqualTo("https://rtc.example.org/livekit/jwt");
        Response support = new MatrixHttp(port).get("/.well-known/matrix/support", null);
        assertThat(support.status()).isEqualTo(200);
        assertThat(support.json().get("support_page").asString()).isEqualTo("https://intranet.example.org/messenger");
        assertThat(support.json().get("contacts").get(0).get("role").asString()).isEqualTo("m.role.admin");
        assertThat(support.json().get("contacts").get(0).get("email_address").asString()).isEqualTo("helpdesk@example.org");
        assertThat(support.json().get("contacts").get(1).get("role").asString()).isEqualTo("m.role.security");
    }

    @Test
    void wellKnownNamesOnlyOurOwnHostsAndNeverEchoesAForeignHostHeader() {
        RawHttp raw = new RawHttp(port);
        for (String host : List.of("evil.example", "evil.example:8448", "localhost.evil.example", "127.0.0.1.evil.example",
                "[2001:db8::1]:80", "xn--80ak6aa92e.com")) {
            RawHttp.Response r = raw.send("GET", "/.well-known/matrix/client", java.util.Map.of("Host", host), null);
            assertThat(r.status()).as(host).isEqualTo(200);
            assertThat(r.text()).as(host).doesNotContain("evil").doesNotContain("2001:db8").doesNotContain("xn--")
                    .contains("\"base_url\":\"https://localhost\"");
        }
        RawHttp.Response ours = raw.send("GET", "/.well-known/matrix/client", java.util.Map.of("Host", "localhost:" + port), null);
        assertThat(ours.text()).contains("\"base_url\":\"http://localhost:" + port + "\"");
    }

    @Test
    void versionsListsSpecVersionsAndTheUnstableFeaturesThatAreServed() {
        Response response = new MatrixHttp(port).get("/_matrix/client/versions", null);
        assertThat(response.status()).isEqualTo(200);
        List<String> versions = new ArrayList<>();
        response.json().get("versions").forEach(v -> versions.add(v.asString()));
        // which ones exactly is derived from the routes and checked by SpecCoverageIT
        assertThat(versions).allMatch(v -> v.matches("v1\\.\\d+"));
        assertThat(response.json().get("unstable_features").get("uk.tcpip.msc4133.stable").asBoolean()).isTrue();
        assertThat(response.json().get("unstable_features").get("uk.half-shot.msc2666.query_mutual_rooms").asBoolean()).isTrue();
        assertThat(response.json().get("unstable_features").get("org.matrix.msc3266").asBoolean()).isTrue();
    }

    @Test
    void capabilitiesNeedATokenAndListRoomVersionsAndAccountChanges() {
        MatrixHttp http = new MatrixHttp(port);
        Response anonymous = http.get("/_matrix/client/v3/capabilities", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.errcode()).isEqualTo("M_MISSING_TOKEN");

        String token = http.login("discovery-admin", "discovery-admin-pw");
        JsonNode capabilities = http.get("/_matrix/client/v3/capabilities", token).json().get("capabilities");
        assertThat(capabilities.get("m.change_password").get("enabled").asBoolean()).isTrue();
        assertThat(capabilities.get("m.room_versions").get("default").asString()).isEqualTo("10");
        assertThat(capabilities.get("m.room_versions").get("available").get("11").asString()).isEqualTo("stable");
        assertThat(capabilities.get("m.set_displayname").get("enabled").asBoolean()).isTrue();
        assertThat(capabilities.get("m.set_avatar_url").get("enabled").asBoolean()).isTrue();
        assertThat(capabilities.get("m.3pid_changes").get("enabled").asBoolean()).isFalse();
        assertThat(http.get("/_matrix/client/r0/capabilities", token).status()).isEqualTo(200);
    }

    @Test
    void healthAnswersOkAsPlainText() {
        Response response = new MatrixHttp(port).get("/health", null);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.text()).isEqualTo("OK");
        assertThat(response.contentType()).startsWith("text/plain");
    }
}
