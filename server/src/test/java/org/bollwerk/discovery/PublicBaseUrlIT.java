package org.bollwerk.discovery;

import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties =
        "bollwerk.public-base-url=https://matrix.example.org/")
@DirtiesContext
class PublicBaseUrlIT {
    @TempDir
    static Path dataDir;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.register(registry, dataDir);
    }

    @LocalServerPort
    int port;

    @Test
    void aConfiguredPublicBaseUrlIsAnnouncedWithoutItsTrailingSlash() {
        assertThat(new MatrixHttp(port).get("/.well-known/matrix/client", null).json()
                .get("m.homeserver").get("base_url").asString()).isEqualTo("https://matrix.example.org");
    }
}
