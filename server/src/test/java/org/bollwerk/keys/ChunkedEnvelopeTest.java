package org.bollwerk.keys;

import org.junit.jupiter.api.Test;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkedEnvelopeTest {
    private static final int CHUNK = 16;
    private static final int TAG = 16;
    private static final byte[] AAD = "media\0localhost/abc\0".getBytes(StandardCharsets.UTF_8);

    private static SecretKey key() throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        return generator.generateKey();
    }

    private static byte[] plaintext(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    private static byte[] open(SecretKey key, byte[] sealed, byte[] aad) throws IOException {
        InputStream in = new ByteArrayInputStream(sealed);
        ChunkedEnvelope.Header header = ChunkedEnvelope.readHeader(in);
        try (InputStream plain = ChunkedEnvelope.opening(in, key, header, aad)) {
            return plain.readAllBytes();
        }
    }

    private static int headerLength(byte[] sealed) throws IOException {
        return ChunkedEnvelope.readHeader(new ByteArrayInputStream(sealed)).bytes().length;
    }

    /** The sealed bytes with the chunks in {@code order} (indices into the original's chunks). */
    private static byte[] rechunk(byte[] sealed, int... order) throws IOException {
        int header = headerLength(sealed);
        int size = CHUNK + TAG;
        byte[] out = Arrays.copyOf(sealed, header);
        for (int index : order) {
            int from = header + index * size;
            byte[] chunk = Arrays.copyOfRange(sealed, from, Math.min(sealed.length, from + size));
            byte[] joined = Arrays.copyOf(out, out.length + chunk.length);
            System.arraycopy(chunk, 0, joined, out.length, chunk.length);
            out = joined;
        }
        return out;
    }

    @Test
    void valuesOfEveryLengthAroundTheChunkSizeReadBackUnchanged() throws Exception {
        SecretKey key = key();
        for (int length : new int[]{0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 5}) {
            byte[] plain = plaintext(length);
            byte[] sealed = ChunkedEnvelope.sealAll(key, "acme", 3, plain, AAD, CHUNK);
            assertThat(open(key, sealed, AAD)).as("length %d", length).isEqualTo(plain);
            ChunkedEnvelope.Header header = ChunkedEnvelope.readHeader(new ByteArrayInputStream(sealed));
            assertThat(header.tenantId()).isEqualTo("acme");
            assertThat(header.keyVersion()).isEqualTo(3);
            assertThat(sealed[0]).isEqualTo(ChunkedEnvelope.FORMAT);
        }
    }

    @Test
    void twoSealsOfTheSameContentShareNoCiphertext() throws Exception {
        SecretKey key = key();
        byte[] plain = new byte[4 * CHUNK];
        byte[] a = ChunkedEnvelope.sealAll(key, "acme", 1, plain, AAD, CHUNK);
        byte[] b = ChunkedEnvelope.sealAll(key, "acme", 1, plain, AAD, CHUNK);
        int header = headerLength(a);
        assertThat(Arrays.copyOfRange(a, header, header + CHUNK)).isNotEqualTo(Arrays.copyOfRange(b, header, header + CHUNK));
    }

    @Test
    void reorderedDroppedOrCutOffChunksFailAuthentication() throws Exception {
        SecretKey key = key();
        byte[] sealed = ChunkedEnvelope.sealAll(key, "acme", 1, plaintext(4 * CHUNK + 3), AAD, CHUNK);  // 5 chunks
        assertThat(open(key, rechunk(sealed, 0, 1, 2, 3, 4), AAD)).hasSize(4 * CHUNK + 3);
        assertThatThrownBy(() -> open(key, rechunk(sealed, 1, 0, 2, 3, 4), AAD)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> open(key, rechunk(sealed, 0, 2, 3, 4), AAD)).isInstanceOf(IOException.class);
        // cut off at a chunk boundary: the new last chunk was not sealed as the final one
        assertThatThrownBy(() -> open(key, rechunk(sealed, 0, 1, 2), AAD)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> open(key, rechunk(sealed, 0, 1, 2, 3, 4, 4), AAD)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> open(key, Arrays.copyOf(sealed, sealed.length - 1), AAD)).isInstanceOf(IOException.class);
    }

    @Test
    void aValueMovedToAnotherFileOrAlteredOrSplicedDoesNotDecrypt() throws Exception {
        SecretKey key = key();
        byte[] sealed = ChunkedEnvelope.sealAll(key, "acme", 1, plaintext(3 * CHUNK), AAD, CHUNK);
        assertThatThrownBy(() -> open(key, sealed, "media\0localhost/other\0".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
        byte[] altered = sealed.clone();
        altered[altered.length - TAG - 1] ^= 1;
        assertThatThrownBy(() -> open(key, altered, AAD)).isInstanceOf(IOException.class);
        byte[] otherVersion = sealed.clone();
        otherVersion[2 + 4 + 3] ^= 1;  // the key version in the header ("acme" is 4 bytes)
        assertThatThrownBy(() -> open(key, otherVersion, AAD)).isInstanceOf(IOException.class);
        // the first chunk of another value of the same key and row
        byte[] other = ChunkedEnvelope.sealAll(key, "acme", 1, plaintext(3 * CHUNK), AAD, CHUNK);
        byte[] spliced = sealed.clone();
        int header = headerLength(sealed);
        System.arraycopy(other, header, spliced, header, CHUNK + TAG);
        assertThatThrownBy(() -> open(key, spliced, AAD)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> open(key(), sealed, AAD)).isInstanceOf(IOException.class);
    }

    @Test
    void aHeaderDeclaringAHugeChunkIsRefusedBeforeAnythingIsAllocated() throws Exception {
        byte[] sealed = ChunkedEnvelope.sealAll(key(), "acme", 1, plaintext(10), AAD, CHUNK);
        byte[] damaged = sealed.clone();
        damaged[2 + 4 + 4] = 0x7f;  // chunk size, highest byte
        assertThatThrownBy(() -> ChunkedEnvelope.readHeader(new ByteArrayInputStream(damaged)))
                .isInstanceOf(IOException.class).hasMessageContaining("chunk size");
    }
}
