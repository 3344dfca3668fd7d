package org.bollwerk.keys;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EnvelopeTest {
    private static final byte[] TEXT = "secret message".getBytes(StandardCharsets.UTF_8);

    private static SecretKey key() throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        return generator.generateKey();
    }

    @Test
    void aValueDecryptsWithItsKeyAndAssociatedData() throws Exception {
        SecretKey key = key();
        byte[] blob = Envelope.seal(key, "acme", 7, TEXT, "row-1".getBytes());
        Envelope.Header header = Envelope.header(blob);
        assertThat(header.tenantId()).isEqualTo("acme");
        assertThat(header.keyVersion()).isEqualTo(7);
        assertThat(Envelope.open(key, blob, header, "row-1".getBytes())).isEqualTo(TEXT);
        assertThat(new String(blob, StandardCharsets.ISO_8859_1)).doesNotContain("secret");
    }

    @Test
    void aValueMovedToAnotherRowDoesNotDecrypt() throws Exception {
        SecretKey key = key();
        byte[] blob = Envelope.seal(key, "acme", 1, TEXT, "row-1".getBytes());
        assertThatThrownBy(() -> Envelope.open(key, blob, Envelope.header(blob), "row-2".getBytes()))
                .isInstanceOf(javax.crypto.AEADBadTagException.class);
    }

    @Test
    void aChangedHeaderOrCiphertextDoesNotDecrypt() throws Exception {
        SecretKey key = key();
        byte[] blob = Envelope.seal(key, "acme", 1, TEXT, null);
        byte[] otherVersion = blob.clone();
        otherVersion[2 + 4 + 3] ^= 1;  // last byte of the key version
        assertThatThrownBy(() -> Envelope.open(key, otherVersion, Envelope.header(otherVersion), null))
                .isInstanceOf(GeneralSecurityException.class);
        byte[] flipped = blob.clone();
        flipped[flipped.length - 1] ^= 1;
        assertThatThrownBy(() -> Envelope.open(key, flipped, Envelope.header(flipped), null))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void twoEncryptionsOfTheSameValueDiffer() throws Exception {
        SecretKey key = key();
        assertThat(Envelope.seal(key, "t", 1, TEXT, null)).isNotEqualTo(Envelope.seal(key, "t", 1, TEXT, null));
    }

    @Test
    void plainJsonIsNotTakenForAnEncryptedValue() {
        assertThat(Envelope.isEnvelope("{\"type\":\"m.room.message\"}".getBytes())).isFalse();
        assertThatThrownBy(() -> Envelope.header("{}".getBytes())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeyFileIsCreatedOnceWithOwnerOnlyPermissions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys/kek.key");
        KeyFileKek first = KeyFileKek.open(file, true);
        assertThat(first.present()).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        KeyFileKek again = KeyFileKek.open(file, true);
        assertThat(again.currentId()).isEqualTo(first.currentId());
        byte[] wrapped = first.wrap(new byte[32], "aad".getBytes());
        assertThat(again.unwrap(first.currentId(), wrapped, "aad".getBytes())).isEqualTo(new byte[32]);
    }

    @Test
    void aMissingKeyFileIsNotCreatedWhenThatIsNotAllowed(@TempDir Path dir) {
        Path file = dir.resolve("kek.key");
        assertThat(KeyFileKek.open(file, false).present()).isFalse();
        assertThat(file).doesNotExist();
    }

    @Test
    void aMalformedKeyFileIsRefusedWithItsPath(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kek.key");
        Files.writeString(file, "not a key");
        assertThatThrownBy(() -> KeyFileKek.open(file, true)).hasMessageContaining(file.toString())
                .hasMessageContaining("malformed");
    }

    @Test
    void aCommittedRotationReplacesTheKeyFileAndKeepsTheOldOneAside(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kek.key");
        KeyFileKek kek = KeyFileKek.open(file, true);
        String old = kek.currentId();
        String next = kek.stageNext();
        assertThat(dir.resolve("kek.key.next")).exists();
        kek.settle(Set.of(next));
        assertThat(kek.currentId()).isEqualTo(next);
        assertThat(KeyFileKek.open(file, false).currentId()).isEqualTo(next);
        assertThat(dir.resolve("kek.key.retired-" + old)).exists();
        assertThat(dir.resolve("kek.key.next")).doesNotExist();
    }

    @Test
    void anUncommittedRotationFoundAtStartIsDropped(@TempDir Path dir) {
        Path file = dir.resolve("kek.key");
        KeyFileKek kek = KeyFileKek.open(file, true);
        String old = kek.currentId();
        kek.stageNext();
        KeyFileKek restarted = KeyFileKek.open(file, false);
        restarted.settle(Set.of(old));
        assertThat(restarted.currentId()).isEqualTo(old);
        assertThat(dir.resolve("kek.key.next")).doesNotExist();
    }
}
