package org.bollwerk.keys;

import org.bollwerk.matrix.crypto.EventSigner;
import org.bollwerk.matrix.crypto.SigningKey;
import org.bollwerk.matrix.json.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit signing key survives restarts and KEK rotation, and is useless without the KEK. */
class AuditSigningKeyIT {

    @Test
    void theKeyIsCreatedOnceKeptWrappedAndRewrappedWhenTheKekRotates(@TempDir Path dir) throws Exception {
        String keyId;
        String publicKey;
        String[] db;
        try (ConfigurableApplicationContext first = KeyStartupIT.start(dir)) {
            AuditSigningKey key = first.getBean(AuditSigningKey.class);
            assertThat(key.createdAtThisStart()).isTrue();
            keyId = key.keyId();
            publicKey = key.publicKeyBase64();
            ObjectNode signed = key.sign(Json.MAPPER.createObjectNode().put("seq", 1));
            assertThat(EventSigner.verifyJson(signed, key.signerName(), keyId, SigningKey.decodePublicKey(publicKey))).isTrue();
            db = KeyStartupIT.sameDatabase(first);
            first.getBean(KeyAdministration.class).rotateKek("@admin:localhost");
        }
        try (ConfigurableApplicationContext second = KeyStartupIT.start(dir, db)) {
            AuditSigningKey key = second.getBean(AuditSigningKey.class);
            assertThat(key.createdAtThisStart()).isFalse();
            assertThat(key.keyId()).isEqualTo(keyId);
            assertThat(key.publicKeyBase64()).isEqualTo(publicKey);
            assertThat(key.publicKeys()).containsEntry(keyId, publicKey);
        }
        Path kek = dir.resolve("keys/kek.key");
        Files.move(kek, dir.resolve("kek.away"));
        assertThatThrownBy(() -> KeyStartupIT.start(dir, db).close()).hasStackTraceContaining("Restore the key file");
    }
}
