package org.bollwerk.keys;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * The streaming format for large values (media files), AES-256-GCM over fixed-size chunks, so neither
 * writing nor reading ever holds more than one chunk in memory:
 * <pre>
 *   0x02 | tenant length (1) | tenant ID (UTF-8) | data key version (4) | chunk size (4) | nonce base (12)
 *   then per chunk: ciphertext (chunk size bytes; the last chunk 0..chunk size) | tag (16)
 * </pre>
 * Each chunk's nonce is the random per-value nonce base XOR its index (the construction TLS 1.3 uses for
 * record nonces), so no nonce repeats within a value and values do not share nonces any more than random
 * nonces would. The associated data of every chunk is the whole header, the chunk index, a final-chunk flag
 * and the caller's associated data: chunks cannot be reordered, dropped, cut off at a chunk boundary, moved
 * between values or rows, nor the value extended, without a chunk failing authentication.
 */
final class ChunkedEnvelope {
    static final byte FORMAT = 0x02;
    static final int DEFAULT_CHUNK_BYTES = 64 * 1024;
    /** Readers refuse larger declared chunks: a damaged header must not make them allocate much. */
    static final int MAX_CHUNK_BYTES = 4 * 1024 * 1024;
    private static final int TAG_BYTES = AesGcm.TAG_BITS / 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChunkedEnvelope() {
    }

    /** Tenant, key version and chunk size of a value, read from its header (authenticated with every chunk). */
    record Header(String tenantId, int keyVersion, int chunkBytes, byte[] nonceBase, byte[] bytes) {
    }

    /** Reads the header, the format byte included; the stream is then at the first chunk. */
    static Header readHeader(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        int format = data.read();
        if (format != FORMAT) throw new IOException("not a chunked encrypted value (unknown format)");
        int tenantLength = data.readUnsignedByte();
        if (tenantLength == 0) throw new IOException("chunked encrypted value has no tenant");
        byte[] tenant = data.readNBytes(tenantLength);
        if (tenant.length < tenantLength) throw new EOFException("chunked encrypted value is truncated");
        int version = data.readInt();
        int chunkBytes = data.readInt();
        if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) throw new IOException("chunked encrypted value has a bad chunk size");
        byte[] nonceBase = new byte[AesGcm.NONCE_BYTES];
        data.readFully(nonceBase);
        return new Header(new String(tenant, StandardCharsets.UTF_8), version, chunkBytes, nonceBase,
                headerBytes(tenant, version, chunkBytes, nonceBase));
    }

    static OutputStream sealing(OutputStream sink, SecretKey key, String tenantId, int keyVersion, byte[] aad,
                                int chunkBytes) throws IOException {
        byte[] tenant = tenantId.getBytes(StandardCharsets.UTF_8);
        if (tenant.length == 0 || tenant.length > 255) throw new IllegalArgumentException("tenant ID must be 1..255 bytes");
        if (chunkBytes < 1 || chunkBytes > MAX_CHUNK_BYTES) throw new IllegalArgumentException("bad chunk size");
        byte[] nonceBase = new byte[AesGcm.NONCE_BYTES];
        RANDOM.nextBytes(nonceBase);
        byte[] header = headerBytes(tenant, keyVersion, chunkBytes, nonceBase);
        sink.write(header);
        return new Sealing(sink, new Chunks(key, header, nonceBase, aad), chunkBytes);
    }

    static InputStream opening(InputStream source, SecretKey key, Header header, byte[] aad) {
        return new Opening(new PushbackInputStream(source, 1), new Chunks(key, header.bytes(), header.nonceBase(), aad),
                header.chunkBytes());
    }

    private static byte[] headerBytes(byte[] tenant, int keyVersion, int chunkBytes, byte[] nonceBase) {
        ByteBuffer header = ByteBuffer.allocate(2 + tenant.length + 4 + 4 + nonceBase.length);
        header.put(FORMAT).put((byte) tenant.length).put(tenant).putInt(keyVersion).putInt(chunkBytes).put(nonceBase);
        return header.array();
    }

    /** Seals and opens the chunks of one value. */
    private static final class Chunks {
        private final SecretKey key;
        private final byte[] header;
        private final byte[] nonceBase;
        private final byte[] aad;
        private final Cipher cipher;
        private long index;

        Chunks(SecretKey key, byte[] header, byte[] nonceBase, byte[] aad) {
            this.key = key;
            this.header = header;
            this.nonceBase = nonceBase;
            this.aad = aad == null ? new byte[0] : aad;
            try {
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM is not available", e);
            }
        }

        /** @return the length written to {@code out} */
        int process(int mode, byte[] in, int length, boolean last, byte[] out) throws GeneralSecurityException {
            if (index == Integer.MAX_VALUE) throw new GeneralSecurityException("too many chunks in one value");
            byte[] nonce = nonceBase.clone();
            for (int i = 0; i < 8; i++) nonce[nonce.length - 1 - i] ^= (byte) (index >>> (8 * i));
            cipher.init(mode, key, new GCMParameterSpec(AesGcm.TAG_BITS, nonce));
            cipher.updateAAD(header);
            cipher.updateAAD(ByteBuffer.allocate(9).putLong(index).put((byte) (last ? 1 : 0)).array());
            cipher.updateAAD(aad);
            index++;
            return cipher.doFinal(in, 0, length, out, 0);
        }
    }

    /** Buffers one chunk; a full chunk is sealed only once more bytes arrive, so the last one is known as such. */
    private static final class Sealing extends OutputStream {
        private final OutputStream sink;
        private final Chunks chunks;
        private final byte[] plain;
        private final byte[] sealed;
        private int filled;
        private boolean closed;

        Sealing(OutputStream sink, Chunks chunks, int chunkBytes) {
            this.sink = sink;
            this.chunks = chunks;
            this.plain = new byte[chunkBytes];
            this.sealed = new byte[chunkBytes + TAG_BYTES];
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) throw new IOException("stream closed");
            while (len > 0) {
                if (filled == plain.length) seal(false);
                int n = Math.min(len, plain.length - filled);
                System.arraycopy(b, off, plain, filled, n);
                filled += n;
                off += n;
                len -= n;
            }
        }

        /** Seals the final chunk (possibly empty) and closes the sink. */
        @Override
        public void close() throws IOException {
            if (closed) return;
            closed = true;
            try {
                seal(true);
            } finally {
                sink.close();
            }
        }

        private void seal(boolean last) throws IOException {
            try {
                int n = chunks.process(Cipher.ENCRYPT_MODE, plain, filled, last, sealed);
                sink.write(sealed, 0, n);
                filled = 0;
            } catch (GeneralSecurityException e) {
                throw new IOException("AES-GCM encryption failed", e);
            }
        }
    }

    /** Hands out a chunk's plaintext only after its tag was verified. */
    private static final class Opening extends InputStream {
        private final PushbackInputStream source;
        private final Chunks chunks;
        private final int chunkBytes;
        private final byte[] sealed;
        private final byte[] plain;
        private int position;
        private int available;
        private boolean finished;

        Opening(PushbackInputStream source, Chunks chunks, int chunkBytes) {
            this.source = source;
            this.chunks = chunks;
            this.chunkBytes = chunkBytes;
            this.sealed = new byte[chunkBytes + TAG_BYTES];
            this.plain = new byte[chunkBytes + TAG_BYTES];
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) return 0;
            while (position == available) {
                if (finished) return -1;
                nextChunk();
            }
            int n = Math.min(len, available - position);
            System.arraycopy(plain, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return available - position;
        }

        private void nextChunk() throws IOException {
            int n = source.readNBytes(sealed, 0, sealed.length);
            boolean last = n < sealed.length;
            if (!last) {
                int next = source.read();
                if (next < 0) last = true;
                else source.unread(next);
            }
            if (n < TAG_BYTES) throw new EOFException("encrypted value is truncated");
            try {
                available = chunks.process(Cipher.DECRYPT_MODE, sealed, n, last, plain);
                position = 0;
                finished = last;
            } catch (AEADBadTagException e) {
                throw new IOException("encrypted value failed authentication (altered, truncated, reordered or "
                        + "moved from another row)", e);
            } catch (GeneralSecurityException e) {
                throw new IOException("AES-GCM decryption failed", e);
            }
            if (available > chunkBytes) throw new IOException("encrypted chunk is too large");
        }

        @Override
        public void close() throws IOException {
            source.close();
        }
    }

    /** For tests: the bytes of a value sealed at once. */
    static byte[] sealAll(SecretKey key, String tenantId, int keyVersion, byte[] plaintext, byte[] aad, int chunkBytes)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream sealing = sealing(out, key, tenantId, keyVersion, aad, chunkBytes)) {
            sealing.write(plaintext);
        }
        return out.toByteArray();
    }
}
