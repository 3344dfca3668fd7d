package org.bollwerk.web;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.util.HashMap;
import java.util.Map;

/**
 * Built-in HTTPS from two PEM files: {@code bollwerk.tls.certificate} (the chain, leaf first) and
 * {@code bollwerk.tls.private-key}. Turns them into a Spring SSL bundle that Tomcat serves with TLS 1.2
 * and 1.3 only and forward-secret AEAD suites only, and that reloads when the files change (renewals
 * need no restart). Without them the server speaks plain HTTP, e.g. behind a TLS-terminating proxy.
 * Operators may instead configure Spring's own {@code server.ssl.*}; then this stays out of the way.
 */
public class TlsEnvironment implements EnvironmentPostProcessor {
    static final String BUNDLE = "bollwerk-tls";
    /** TLS 1.3 suites, then TLS 1.2 ECDHE suites with AEAD: forward secrecy and no CBC, RSA key exchange or SHA-1. */
    static final String CIPHERS = String.join(",",
            "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String certificate = environment.getProperty("bollwerk.tls.certificate", "").trim();
        String privateKey = environment.getProperty("bollwerk.tls.private-key", "").trim();
        if (certificate.isEmpty() && privateKey.isEmpty()) return;
        if (certificate.isEmpty() || privateKey.isEmpty()) {
            throw new IllegalStateException("bollwerk.tls.certificate and bollwerk.tls.private-key (BOLLWERK_TLS_CERTIFICATE, "
                    + "BOLLWERK_TLS_PRIVATE_KEY) must be set together; only " + (certificate.isEmpty()
                    ? "bollwerk.tls.private-key" : "bollwerk.tls.certificate") + " is set");
        }
        String prefix = "spring.ssl.bundle.pem." + BUNDLE + ".";
        Map<String, Object> props = new HashMap<>();
        props.put(prefix + "keystore.certificate", location(certificate));
        props.put(prefix + "keystore.private-key", location(privateKey));
        String password = environment.getProperty("bollwerk.tls.private-key-password", "");
        if (!password.isEmpty()) props.put(prefix + "keystore.private-key-password", password);
        props.put(prefix + "reload-on-update", "true");
        props.put(prefix + "options.enabled-protocols", "TLSv1.3,TLSv1.2");
        props.put(prefix + "options.ciphers", CIPHERS);
        props.put("server.ssl.bundle", BUNDLE);
        environment.getPropertySources().addFirst(new MapPropertySource("bollwerk-tls", props));
    }

    private static String location(String value) {
        if (value.startsWith("-----") || value.contains(":")) return value; // inline PEM or file:/classpath: URL
        return "file:" + value;
    }
}
