package org.bollwerk.web;

import org.bollwerk.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Built-in HTTPS from PEM files: TLS 1.2/1.3 only, forward-secret AEAD suites only, HSTS on every answer. */
// bollwerk.tls.* are read while the environment is prepared, before @DynamicPropertySource applies
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "bollwerk.tls.certificate=target/tls-test/cert.pem", "bollwerk.tls.private-key=target/tls-test/key.pem"})
class TlsIT {
    static {
        TestCertificates.selfSigned(Path.of("target/tls-test")); // before the context starts: the class initialises first
    }

    @LocalServerPort
    int port;

    @Test
    void servesTheApiOverTls13WithHsts() throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(trustAll()).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + port + "/_matrix/client/versions")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("strict-transport-security")).hasValue(SecurityHeaders.STRICT_TRANSPORT_SECURITY);
        assertThat(response.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));
    }

    @Test
    void acceptsTls12OnlyWithForwardSecretAeadSuites() throws Exception {
        assertThat(handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")).isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        for (String weak : new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
                "TLS_RSA_WITH_AES_128_GCM_SHA256"}) {
            assertThatThrownBy(() -> handshake("TLSv1.2", weak)).as(weak).isInstanceOf(IOException.class);
        }
    }

    @Test
    void theServersCipherOrderWins() throws Exception {
        // offered weakest first; the server still picks its own first choice
        assertThat(handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
                .isEqualTo("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    }

    @Test
    void refusesTls11AndOlder() {
        // the JDK disables TLS 1.0/1.1 on the client too; enabling them here shows the server refuses as well
        assertThatThrownBy(() -> handshake("TLSv1.1")).isInstanceOf(IOException.class);
    }

    /** Handshakes with one protocol (and these suites, in this order) offered; returns the negotiated suite. */
    private String handshake(String protocol, String... suites) throws IOException, GeneralSecurityException {
        SSLContext context = trustAll();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setEnabledProtocols(new String[] {protocol});
            if (suites.length > 0) socket.setEnabledCipherSuites(suites);
            socket.startHandshake();
            return socket.getSession().getCipherSuite();
        } catch (IllegalArgumentException e) { // the client's JDK does not offer it at all
            throw new SSLHandshakeException(e.getMessage());
        }
    }

    private static SSLContext trustAll() throws GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }
}
