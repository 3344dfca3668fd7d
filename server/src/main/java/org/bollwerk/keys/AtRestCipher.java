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
    private final KeyFileKek kek;
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
        this.kek = KeyFileKek.open(file, existing.isEmpty() && auditKeys.all().isEmpty());
        if (!kek.present()) {
            throw new IllegalStateException("Encryption at rest: the " + kek.source() + " does not exist, but the database "
                    + "holds " + existing.size() + " data key(s) wrapped by KEK " + kekIds(existing)
                    + ". Restore the key file from your key backup (or point bollwerk.keys.kek-file at it). "
                    + "Bollwerk does not create a new key over existing data.");
        }
        Set<String> kekIdsInUse = existing.stream().map(DataKeyStore.WrappedKey::kekId)
                .collect(Collectors.toCollection(java.util.HashSet::new));
        auditKeys.all().forEach(k -> kekIdsInUse.add(k.kekId()));
        kek.settle(kekIdsInUse);
        if (file.startsWith(dataDir)) {
            log.warn("Encryption at rest: the key-encryption key is inside the data directory ({}); a copy of the data "
                    + "directory (backup, stolen disk) then includes the key. Move it elsewhere and set "
                    + "bollwerk.keys.kek-file (BOLLWERK_KEYS_KEK_FILE).", file);
        }
        loadAll(existing);
        if (!cache.containsKey(Tenant.DEFAULT_ID)) keysFor(Tenant.DEFAULT_ID);
        log.info("Encryption at rest: {} tenant key set(s) unlocked with KEK {} from {}", cache.size(), kek.currentId(),
                kek.source());
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
        audit.info("kek-rotate old={} new={} rewrapped={} by={} (the old key file is kept as {}.retired-{}; destroy it "
                + "once no backup needs it)", old, next, count, actor, kek.file().getFileName(), old);
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
        TenantKeys keys = keysFor(header.tenantId());
        if (keys.shredded()) throw shredded(header.tenantId(), null);
        SecretKey key = keys.versions().get(header.keyVersion());
        if (key == null) {  // created by another node since we loaded: read again
            cache.remove(header.tenantId());
            key = keysFor(header.tenantId()).versions().get(header.keyVersion());
            if (key == null) throw new KeyUnavailableException("No data key version " + header.keyVersion()
                    + " for tenant " + header.tenantId(), false, null);
        }
        try {
            return Envelope.open(key, blob, header, aad);
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException("Stored value failed authentication (altered, or moved from another row)",
                    false, e);
        }
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
