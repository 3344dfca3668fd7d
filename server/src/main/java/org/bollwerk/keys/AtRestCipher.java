package org.bollwerk.keys;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.Tenant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Encrypts and decrypts values at rest under the tenant's current data key (envelope encryption).
 * Every value carries its tenant and key version ({@link Envelope}); the caller's associated data binds it
 * to its row, so a value copied into another row does not decrypt. Unwrapped data keys are cached in
 * memory, so encrypting costs one AES-GCM operation and no database access.
 *
 * <p>At start the server refuses to run when the database holds data keys but the key-encryption key is
 * missing or wrong; it never creates keys over existing ones.
 */
@Service
public class AtRestCipher {
    private static final Logger log = LoggerFactory.getLogger(AtRestCipher.class);
    private static final Logger audit = LoggerFactory.getLogger("bollwerk.audit");
    /** Prefix of encrypted values kept in text columns. */
    static final String TEXT_PREFIX = "enc1:";

    private final Db db;
    private final DataKeyStore store;
    private final KeyEncryptionKey kek;
    private final AuditKeyStore auditKeys;
    private final ConcurrentHashMap<String, TenantKeys> cache = new ConcurrentHashMap<>();

    /** A tenant's unwrapped keys: the version that encrypts new data, and all readable versions. */
    private record TenantKeys(int current, Map<Integer, SecretKey> versions, boolean shredded) {
    }

    AtRestCipher(Db db, DataKeyStore store, AuditKeyStore auditKeys, BollwerkProperties props, KeysProperties keys) {
        this.db = db;
        this.store = store;
        this.auditKeys = auditKeys;
        Path dataDir = props.dataDir().toAbsolutePath().normalize();
        Path file = keys.kekFile().isBlank() ? dataDir.resolve("keys").resolve("kek.key")
                : Path.of(keys.kekFile()).toAbsolutePath().normalize();
        List<DataKeyStore.WrappedKey> existing = store.all();
        List<AuditKeyStore.StoredKey> auditSigningKeys = auditKeys.all();
        this.kek = switch (keys.provider()) {
            case "file" -> openKeyFile(file, dataDir, existing, auditSigningKeys);
            case "pkcs11" -> openPkcs11(keys.pkcs11(), file, existing, auditSigningKeys);
            default -> throw new IllegalStateException("Encryption at rest: bollwerk.keys.provider (BOLLWERK_KEYS_PROVIDER) "
                    + "must be 'file' or 'pkcs11'");
        };
        loadAll(store.all());
        if (!cache.containsKey(Tenant.DEFAULT_ID)) keysFor(Tenant.DEFAULT_ID);
        log.info("Encryption at rest: {} tenant key set(s) unlocked with KEK {} from {}", cache.size(), kek.currentId(),
                kek.source());
    }

    private static KeyFileKek openKeyFile(Path file, Path dataDir, List<DataKeyStore.WrappedKey> existing,
                                          List<AuditKeyStore.StoredKey> auditSigningKeys) {
        KeyFileKek fileKek = KeyFileKek.open(file, existing.isEmpty() && auditSigningKeys.isEmpty());
        if (!fileKek.present()) {
            throw new IllegalStateException("Encryption at rest: the " + fileKek.source() + " does not exist, but the database "
                    + "holds " + existing.size() + " data key(s) wrapped by KEK " + kekIds(existing)
                    + ". Restore the key file from your key backup (or point bollwerk.keys.kek-file at it). "
                    + "Bollwerk does not create a new key over existing data.");
        }
        Set<String> kekIdsInUse = existing.stream().map(DataKeyStore.WrappedKey::kekId)
                .collect(Collectors.toCollection(java.util.HashSet::new));
        auditSigningKeys.forEach(k -> kekIdsInUse.add(k.kekId()));
        fileKek.settle(kekIdsInUse);
        if (file.startsWith(dataDir)) {
            log.warn("Encryption at rest: the key-encryption key is inside the data directory ({}); a copy of the data "
                    + "directory (backup, stolen disk) then includes the key. Move it elsewhere and set "
                    + "bollwerk.keys.kek-file (BOLLWERK_KEYS_KEK_FILE).", file);
        }
        return fileKek;
    }

    /**
     * The HSM key; created on the token only while no data key is wrapped by an HSM key. Data keys still
     * wrapped by a key file (a server moving from the file to an HSM) are re-wrapped into the HSM here.
     */
    private Pkcs11Kek openPkcs11(KeysProperties.Pkcs11 config, Path file, List<DataKeyStore.WrappedKey> existing,
                                 List<AuditKeyStore.StoredKey> auditSigningKeys) {
        Pkcs11Kek hsm = Pkcs11Kek.open(config);
        List<AuditKeyStore.StoredKey> auditInFile = auditSigningKeys.stream()
                .filter(k -> !k.kekId().startsWith(Pkcs11Kek.ID_PREFIX)).toList();
        boolean auditInHsm = auditSigningKeys.size() > auditInFile.size();
        List<DataKeyStore.WrappedKey> live = existing.stream().filter(k -> k.wrapped() != null).toList();
        List<DataKeyStore.WrappedKey> inHsm = live.stream().filter(k -> k.kekId().startsWith(Pkcs11Kek.ID_PREFIX)).toList();
        List<DataKeyStore.WrappedKey> inFile = live.stream().filter(k -> !k.kekId().startsWith(Pkcs11Kek.ID_PREFIX)).toList();
        if (!hsm.present()) {
            if (!inHsm.isEmpty() || auditInHsm) {
                throw new IllegalStateException("Encryption at rest: the " + hsm.source() + " does not exist, but the "
                        + "database holds " + inHsm.size() + " data key(s) wrapped by HSM KEK " + kekIds(inHsm)
                        + ". Check the slot, token and key label, or restore the token from its backup. "
                        + "Bollwerk does not create a new key over existing data; nothing was changed.");
            }
            boolean move = !inFile.isEmpty() || !auditInFile.isEmpty();
            KeyFileKek legacy = move ? requireKeyFile(file, inFile, auditInFile, hsm) : null;
            hsm.create();
            log.info("Encryption at rest: created the key-encryption key {} in the {}", hsm.currentId(), hsm.source());
            if (legacy != null) moveIntoHsm(legacy, hsm, inFile, auditInFile);
        } else if (!inFile.isEmpty() || !auditInFile.isEmpty()) {
            moveIntoHsm(requireKeyFile(file, inFile, auditInFile, hsm), hsm, inFile, auditInFile);
        }
        return hsm;
    }

    private static KeyFileKek requireKeyFile(Path file, List<DataKeyStore.WrappedKey> inFile,
                                             List<AuditKeyStore.StoredKey> auditInFile, Pkcs11Kek hsm) {
        KeyFileKek legacy = KeyFileKek.open(file, false);
        if (!legacy.present() || inFile.stream().anyMatch(k -> !legacy.knows(k.kekId()))
                || auditInFile.stream().anyMatch(k -> !legacy.knows(k.kekId()))) {
            throw new IllegalStateException("Encryption at rest: " + inFile.size() + " data key(s) are wrapped by KEK "
                    + kekIds(inFile) + ", which is not the " + hsm.source() + ". To move them into the HSM, the "
                    + legacy.source() + " must hold that key. Nothing was changed.");
        }
        return legacy;
    }

    /**
     * Re-wraps data keys and the audit signing key from the key file into the HSM in one transaction
     * (the data is not touched).
     */
    private void moveIntoHsm(KeyFileKek legacy, Pkcs11Kek hsm, List<DataKeyStore.WrappedKey> keys,
                             List<AuditKeyStore.StoredKey> auditInFile) {
        int moved = db.write(() -> {
            int n = 0;
            for (DataKeyStore.WrappedKey k : keys) {
                byte[] raw;
                try {
                    raw = legacy.unwrap(k.kekId(), k.wrapped(), wrapAad(k.tenantId(), k.version()));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("Encryption at rest: the data key " + k.tenantId() + "/v" + k.version()
                            + " cannot be unwrapped with the " + legacy.source() + ". Nothing was changed.", e);
                }
                store.rewrap(k.tenantId(), k.version(), hsm.wrap(raw, wrapAad(k.tenantId(), k.version())), hsm.currentId());
                java.util.Arrays.fill(raw, (byte) 0);
                n++;
            }
            for (AuditKeyStore.StoredKey k : auditInFile) {
                byte[] raw;
                try {
                    raw = legacy.unwrap(k.kekId(), k.wrapped(), auditKeyAad(k.keyId()));
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("Encryption at rest: the audit signing key " + k.keyId()
                            + " cannot be unwrapped with the " + legacy.source() + ". Nothing was changed.", e);
                }
                auditKeys.rewrap(k.keyId(), hsm.wrap(raw, auditKeyAad(k.keyId())), hsm.currentId());
                java.util.Arrays.fill(raw, (byte) 0);
                n++;
            }
            return n;
        });
        audit.warn("kek-migrate from={} to={} rewrapped={}: data keys moved from the {} into the {}; back up the token, "
                + "then destroy the key file", kekIds(keys), hsm.currentId(), moved, legacy.source(), hsm.source());
    }

    // ---- the API features use

    /** Encrypts {@code plaintext} for {@code tenantId}, bound to {@code associatedData} (e.g. the row's ID). */
    public byte[] encrypt(String tenantId, byte[] plaintext, byte[] associatedData) {
        TenantKeys keys = keysFor(tenantId);
        if (keys.shredded()) throw shredded(tenantId, null);
        return Envelope.seal(keys.versions().get(keys.current()), tenantId, keys.current(), plaintext, associatedData);
    }

    /** Decrypts a value of {@code tenantId}; refuses values of other tenants. */
    public byte[] decrypt(String tenantId, byte[] blob, byte[] associatedData) {
        Envelope.Header header = header(blob);
        if (!header.tenantId().equals(tenantId)) {
            throw new KeyUnavailableException("Encrypted value belongs to another tenant", false, null);
        }
        return open(blob, header, associatedData);
    }

    /** Decrypts a value whatever its tenant (the tenant is authenticated as part of the value). */
    public byte[] decrypt(byte[] blob, byte[] associatedData) {
        return open(blob, header(blob), associatedData);
    }

    /** Whether a stored value is in the encrypted format (values written before encryption was enabled are not). */
    public static boolean isEncrypted(byte[] stored) {
        return Envelope.isEnvelope(stored);
    }

    public byte[] encrypt(String tenantId, String plaintext, String associatedData) {
        return encrypt(tenantId, plaintext.getBytes(StandardCharsets.UTF_8), utf8(associatedData));
    }

    /** For text columns: the encrypted value as {@code enc1:<base64>}; null stays null. */
    public String encryptText(String tenantId, String plaintext, String associatedData) {
        if (plaintext == null) return null;
        return TEXT_PREFIX + Base64.getEncoder().withoutPadding().encodeToString(encrypt(tenantId, plaintext, associatedData));
    }

    /** Reverses {@link #encryptText}; text without the prefix (stored before encryption) is returned as it is. */
    public String decryptText(String stored, String associatedData) {
        if (stored == null || !stored.startsWith(TEXT_PREFIX)) return stored;
        byte[] blob = Base64.getDecoder().decode(stored.substring(TEXT_PREFIX.length()));
        return new String(decrypt(blob, utf8(associatedData)), StandardCharsets.UTF_8);
    }

    /**
     * For the re-encryption job: the value re-encrypted under its tenant's current data key version, or
     * {@code null} when it already is (or its tenant's keys were shredded: it can no longer be read). A plain
     * value (stored before encryption at rest existed) is encrypted for {@code tenantId}.
     */
    public byte[] reencrypt(String tenantId, byte[] stored, byte[] associatedData) {
        if (stored == null) return null;
        if (!isEncrypted(stored)) return encrypt(tenantId, stored, associatedData);
        Envelope.Header header = header(stored);
        TenantKeys keys = keysFor(header.tenantId());
        if (keys.shredded() || header.keyVersion() == keys.current()) return null;
        return encrypt(header.tenantId(), open(stored, header, associatedData), associatedData);
    }

    /** {@link #reencrypt} for text columns ({@link #encryptText}); {@code null} when nothing is to change. */
    public String reencryptText(String tenantId, String stored, String associatedData) {
        if (stored == null) return null;
        byte[] blob = stored.startsWith(TEXT_PREFIX) ? Base64.getDecoder().decode(stored.substring(TEXT_PREFIX.length()))
                : stored.getBytes(StandardCharsets.UTF_8);
        byte[] fresh = reencrypt(tenantId, blob, utf8(associatedData));
        return fresh == null ? null : TEXT_PREFIX + Base64.getEncoder().withoutPadding().encodeToString(fresh);
    }

    // ---- streams (large values such as media files: never held in memory as a whole)

    /**
     * Encrypts what is written to the returned stream into {@code sink}, chunk by chunk ({@link ChunkedEnvelope}),
     * for {@code tenantId} and bound to {@code associatedData}. Closing the stream writes the final chunk and
     * closes {@code sink}; a stream not closed is not readable (its end cannot be authenticated).
     */
    public OutputStream encryptingStream(String tenantId, byte[] associatedData, OutputStream sink) throws IOException {
        TenantKeys keys = keysFor(tenantId);
        if (keys.shredded()) throw shredded(tenantId, null);
        return ChunkedEnvelope.sealing(sink, keys.versions().get(keys.current()), tenantId, keys.current(), associatedData,
                ChunkedEnvelope.DEFAULT_CHUNK_BYTES);
    }

    /**
     * The plaintext of a stored stream whatever its tenant. Reads both the chunked format and single values
     * ({@link #encrypt}, as media files were stored before): those are small enough to be opened at once.
     * A chunk that fails authentication makes {@code read} throw an {@link IOException}.
     *
     * @throws KeyUnavailableException when the value is in no known format or its key is gone
     */
    public InputStream decryptingStream(InputStream stored, byte[] associatedData) throws IOException {
        PushbackInputStream in = new PushbackInputStream(stored, 1);
        int format = in.read();
        if (format >= 0) in.unread(format);
        if (format == ChunkedEnvelope.FORMAT) {
            ChunkedEnvelope.Header header;
            try {
                header = ChunkedEnvelope.readHeader(in);
            } catch (IOException e) {
                throw new KeyUnavailableException("Stored value is not readable: " + e.getMessage(), false, e);
            }
            return ChunkedEnvelope.opening(in, key(header.tenantId(), header.keyVersion()), header, associatedData);
        }
        byte[] blob = in.readAllBytes();
        in.close();
        return new ByteArrayInputStream(decrypt(blob, associatedData));
    }

    /**
     * For the re-encryption job: copies a stored stream into {@code fresh} encrypted under its tenant's newest
     * data key version, in the chunked format. Returns false, having written nothing, when it already is (or
     * its tenant's keys were shredded). A single value ({@link #encrypt}) is always rewritten in the chunked
     * format; a plain one is encrypted for {@code tenantId}.
     */
    public boolean reencrypt(String tenantId, InputStream stored, OutputStream fresh, byte[] associatedData)
            throws IOException {
        PushbackInputStream in = new PushbackInputStream(stored, 1);
        int format = in.read();
        if (format >= 0) in.unread(format);
        InputStream plain;
        String owner;
        if (format == ChunkedEnvelope.FORMAT) {
            ChunkedEnvelope.Header header = ChunkedEnvelope.readHeader(in);
            TenantKeys keys = keysFor(header.tenantId());
            if (keys.shredded() || header.keyVersion() == keys.current()) return false;
            owner = header.tenantId();
            plain = ChunkedEnvelope.opening(in, key(owner, header.keyVersion()), header, associatedData);
        } else {
            byte[] blob = in.readAllBytes();
            if (isEncrypted(blob)) {
                Envelope.Header header = header(blob);
                if (keysFor(header.tenantId()).shredded()) return false;
                owner = header.tenantId();
                plain = new ByteArrayInputStream(open(blob, header, associatedData));
            } else {
                owner = tenantId;
                plain = new ByteArrayInputStream(blob);
            }
        }
        try (OutputStream out = encryptingStream(owner, associatedData, fresh)) {
            plain.transferTo(out);
        }
        return true;
    }

    /** The data key version a stored value (single or chunked) is encrypted with; 0 for a plain value. */
    public static int keyVersionOf(byte[] stored) {
        if (stored != null && stored.length > 0 && stored[0] == ChunkedEnvelope.FORMAT) {
            try {
                return ChunkedEnvelope.readHeader(new ByteArrayInputStream(stored)).keyVersion();
            } catch (IOException e) {
                throw new IllegalArgumentException("damaged chunked value", e);
            }
        }
        return isEncrypted(stored) ? Envelope.header(stored).keyVersion() : 0;
    }

    public static byte[] utf8(String text) {
        return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
    }

    // ---- operator actions (admin API)

    record KeyStatus(String tenantId, int currentVersion, List<Integer> versions, boolean shredded) {
    }

    String kekId() {
        return kek.currentId();
    }

    String kekSource() {
        return kek.source();
    }

    List<KeyStatus> status() {
        Map<String, List<DataKeyStore.WrappedKey>> byTenant = new TreeMap<>(store.all().stream()
                .collect(Collectors.groupingBy(DataKeyStore.WrappedKey::tenantId)));
        return byTenant.entrySet().stream().map(e -> {
            List<Integer> versions = e.getValue().stream().map(DataKeyStore.WrappedKey::version).toList();
            boolean shredded = e.getValue().stream().allMatch(k -> DataKeyStore.SHREDDED.equals(k.state()));
            return new KeyStatus(e.getKey(), versions.getLast(), versions, shredded);
        }).toList();
    }

    /** Creates the tenant's next data key version; new values use it, older ones stay readable. */
    synchronized int rotateDataKey(String tenantId, String actor) {
        TenantKeys keys = keysFor(tenantId);
        if (keys.shredded()) throw shredded(tenantId, null);
        int version = db.write(() -> {
            int next = store.ofTenant(tenantId).stream().mapToInt(DataKeyStore.WrappedKey::version).max().orElse(0) + 1;
            insertKey(tenantId, next);
            return next;
        });
        cache.remove(tenantId);
        keysFor(tenantId);
        audit.info("key-rotate tenant={} version={} by={}", tenantId, version, actor);
        return version;
    }

    /** Generates a new KEK and re-wraps every data key under it (no data is re-encrypted); returns the count. */
    synchronized int rotateKek(String actor) {
        if (!kek.rotatable()) {
            throw new UnsupportedOperationException("The key-encryption key is in an HSM (" + kek.source() + "); rotate it "
                    + "there: create a new key on the token and restart with its label");
        }
        String old = kek.currentId();
        String next = kek.stageNext();
        int count;
        try {
            count = db.write(() -> {
                int n = 0;
                for (DataKeyStore.WrappedKey k : store.all()) {
                    if (k.wrapped() == null) continue;
                    byte[] raw = unwrap(k);
                    store.rewrap(k.tenantId(), k.version(), kek.wrapWith(next, raw, wrapAad(k.tenantId(), k.version())), next);
                    java.util.Arrays.fill(raw, (byte) 0);
                    n++;
                }
                for (AuditKeyStore.StoredKey k : auditKeys.all()) {
                    byte[] raw = unwrapSecret(k.kekId(), k.wrapped(), auditKeyAad(k.keyId()), "audit key " + k.keyId());
                    auditKeys.rewrap(k.keyId(), kek.wrapWith(next, raw, auditKeyAad(k.keyId())), next);
                    java.util.Arrays.fill(raw, (byte) 0);
                    n++;
                }
                return n;
            });
        } catch (RuntimeException e) {
            kek.settle(Set.of(old));  // nothing changed in the database: drop the staged key
            throw e;
        }
        kek.settle(Set.of(next));
        audit.info("kek-rotate old={} new={} rewrapped={} by={} ({})", old, next, count, actor, kek.retiredNote(old));
        return count;
    }

    /** Destroys all data keys of a tenant: everything encrypted for it becomes unreadable, for good. */
    synchronized int shred(String tenantId, String actor) {
        int count = db.write(() -> store.shred(tenantId));
        cache.put(tenantId, new TenantKeys(0, Map.of(), true));
        audit.warn("key-shred tenant={} versions={} by={}: the tenant's encrypted data is now unreadable", tenantId,
                count, actor);
        return count;
    }

    // ---- other secrets the KEK wraps (the audit signing key)

    byte[] wrapSecret(byte[] raw, byte[] aad) {
        return kek.wrap(raw, aad);
    }

    byte[] unwrapSecret(String kekId, byte[] wrapped, byte[] aad, String what) {
        if (!kek.knows(kekId)) {
            throw new IllegalStateException("Encryption at rest: wrong key-encryption key. The " + kek.source()
                    + " holds KEK " + kek.currentId() + ", but " + what + " is wrapped by KEK " + kekId
                    + ". Restore the matching key file; nothing was changed.");
        }
        try {
            return kek.unwrap(kekId, wrapped, aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption at rest: " + what + " cannot be unwrapped with the "
                    + kek.source() + " (wrong or damaged key, or altered database). Nothing was changed.", e);
        }
    }

    static byte[] auditKeyAad(String keyId) {
        return ("bollwerk audit signing key|" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    // ---- internals

    private Envelope.Header header(byte[] blob) {
        try {
            return Envelope.header(blob);
        } catch (IllegalArgumentException e) {
            throw new KeyUnavailableException("Stored value is not readable: " + e.getMessage(), false, e);
        }
    }

    private byte[] open(byte[] blob, Envelope.Header header, byte[] aad) {
        SecretKey key = key(header.tenantId(), header.keyVersion());
        try {
            return Envelope.open(key, blob, header, aad);
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException("Stored value failed authentication (altered, or moved from another row)",
                    false, e);
        }
    }

    private SecretKey key(String tenantId, int version) {
        TenantKeys keys = keysFor(tenantId);
        if (keys.shredded()) throw shredded(tenantId, null);
        SecretKey key = keys.versions().get(version);
        if (key == null) {  // created by another node since we loaded: read again
            cache.remove(tenantId);
            key = keysFor(tenantId).versions().get(version);
            if (key == null) throw new KeyUnavailableException("No data key version " + version
                    + " for tenant " + tenantId, false, null);
        }
        return key;
    }

    private static KeyUnavailableException shredded(String tenantId, Throwable cause) {
        return new KeyUnavailableException("The keys of tenant " + tenantId + " were shredded; its data is unreadable",
                true, cause);
    }

    /**
     * Creates (if needed) and caches a tenant's data keys, outside any write: called when a tenant is
     * created, so its first writes and reads find the keys in memory instead of loading them inside a
     * write (uncacheable there) or inside a row mapper (a second pooled connection).
     */
    void prepare(String tenantId) {
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalStateException("prepare tenant keys outside a transaction");
        }
        keysFor(tenantId);
    }

    private TenantKeys keysFor(String tenantId) {
        TenantKeys keys = cache.get(tenantId);
        if (keys != null) return keys;
        List<DataKeyStore.WrappedKey> rows = store.ofTenant(tenantId);
        if (rows.isEmpty()) {
            db.write(() -> {
                if (store.ofTenant(tenantId).isEmpty()) insertKey(tenantId, 1);
            });
            rows = store.ofTenant(tenantId);
        }
        TenantKeys loaded = unwrapAll(tenantId, rows);
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // Inside a write the rows may not be committed yet (and group commit may roll back this write
            // alone, to its savepoint): use them, but cache only what is read outside a transaction.
            return loaded;
        }
        cache.putIfAbsent(tenantId, loaded);
        return cache.get(tenantId);
    }

    private void insertKey(String tenantId, int version) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            byte[] raw = generator.generateKey().getEncoded();
            store.insert(tenantId, version, kek.wrap(raw, wrapAad(tenantId, version)), kek.currentId(),
                    System.currentTimeMillis());
            java.util.Arrays.fill(raw, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key generation is not available", e);
        }
    }

    private void loadAll(List<DataKeyStore.WrappedKey> rows) {
        Map<String, List<DataKeyStore.WrappedKey>> byTenant = new LinkedHashMap<>();
        for (DataKeyStore.WrappedKey row : rows) byTenant.computeIfAbsent(row.tenantId(), t -> new java.util.ArrayList<>()).add(row);
        byTenant.forEach((tenant, list) -> cache.put(tenant, unwrapAll(tenant, list)));
    }

    private TenantKeys unwrapAll(String tenantId, List<DataKeyStore.WrappedKey> rows) {
        Map<Integer, SecretKey> versions = new HashMap<>();
        int current = 0;
        for (DataKeyStore.WrappedKey row : rows) {
            if (row.wrapped() == null) continue;
            byte[] raw = unwrap(row);
            versions.put(row.version(), new SecretKeySpec(raw, "AES"));
            java.util.Arrays.fill(raw, (byte) 0);
            current = Math.max(current, row.version());
        }
        return new TenantKeys(current, Map.copyOf(versions), versions.isEmpty());
    }

    private byte[] unwrap(DataKeyStore.WrappedKey row) {
        if (!kek.knows(row.kekId())) {
            throw new IllegalStateException("Encryption at rest: wrong key-encryption key. The " + kek.source()
                    + " holds KEK " + kek.currentId() + ", but the data key " + row.tenantId() + "/v" + row.version()
                    + " is wrapped by KEK " + row.kekId() + ". Restore the matching key file; nothing was changed.");
        }
        try {
            return kek.unwrap(row.kekId(), row.wrapped(), wrapAad(row.tenantId(), row.version()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption at rest: the data key " + row.tenantId() + "/v" + row.version()
                    + " cannot be unwrapped with the " + kek.source() + " (wrong or damaged key, or altered database). "
                    + "Nothing was changed.", e);
        }
    }

    private static byte[] wrapAad(String tenantId, int version) {
        return ("bollwerk data key|" + tenantId + "|" + version).getBytes(StandardCharsets.UTF_8);
    }

    private static String kekIds(List<DataKeyStore.WrappedKey> rows) {
        return rows.stream().map(DataKeyStore.WrappedKey::kekId).distinct().collect(Collectors.joining(", "));
    }
}
