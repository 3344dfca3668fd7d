package org.bollwerk.web;

import org.bollwerk.testsupport.MatrixHttp;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminListenerIT {
    static final int ADMIN_PORT = freePort();

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("bollwerk.admin-listener.port", () -> ADMIN_PORT);
    }

    @LocalServerPort
    int port;

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void adminPathsAnswerOnlyOnTheAdminListenerWhileTheClientApiAnswersOnBoth() {
        MatrixHttp publicPort = new MatrixHttp(port);
        MatrixHttp adminPort = new MatrixHttp(ADMIN_PORT);
        MatrixHttp.Response hidden = publicPort.get("/_synapse/admin/v1/server_version", null);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.errcode()).isEqualTo("M_UNRECOGNIZED");
        assertThat(publicPort.get("/_bollwerk/admin/v1/tenants", "any").status()).isEqualTo(404);
        assertThat(publicPort.get("/_bollwerk/actuator/health", null).status()).isEqualTo(404);
        assertThat(adminPort.get("/_synapse/admin/v1/server_version", null).status()).isEqualTo(200);
        assertThat(adminPort.get("/_bollwerk/admin/v1/tenants", null).errcode()).isEqualTo("M_MISSING_TOKEN");
        assertThat(publicPort.get("/_matrix/client/versions", null).status()).isEqualTo(200);
        assertThat(adminPort.get("/_matrix/client/versions", null).status()).isEqualTo(200);
    }
}
