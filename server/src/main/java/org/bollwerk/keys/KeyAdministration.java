package org.bollwerk.keys;

import org.bollwerk.storage.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The operator's actions on the at-rest keys (used by the admin API): status, rotation of a tenant's data key
 * or of the key-encryption key, and shredding. Each is audited; they run one at a time.
 */
@Service
public class KeyAdministration {
    private static final Logger audit = LoggerFactory.getLogger("bollwerk.audit");

    private final Db db;
    private final DataKeyStore store;
    private final AuditKeyStore auditKeys;
    private final KeyWrapping wrapping;
    private final DataKeyRing ring;

    KeyAdministration(Db db, DataKeyStore store, AuditKeyStore auditKeys, KeyWrapping wrapping, DataKeyRing ring) {
        this.db = db;
        this.store = store;
        this.auditKeys = auditKeys;
        this.wrapping = wrapping;
        this.ring = ring;
    }

    public record TenantKeyStatus(String tenantId, int currentVersion, List<Integer> versions, boolean shredded) {
    }

    public String kekId() {
        return wrapping.kekId();
    }

    public String kekSource() {
        return wrapping.kek().source();
    }

    public List<TenantKeyStatus> status() {
        Map<String, List<DataKeyStore.WrappedKey>> byTenant = new TreeMap<>(store.all().stream()
                .collect(Collectors.groupingBy(DataKeyStore.WrappedKey::tenantId)));
        return byTenant.entrySet().stream().map(e -> {
            List<Integer> versions = e.getValue().stream().map(DataKeyStore.WrappedKey::version).toList();
            boolean shredded = e.getValue().stream().allMatch(k -> DataKeyStore.SHREDDED.equals(k.state()));
            return new TenantKeyStatus(e.getKey(), versions.getLast(), versions, shredded);
        }).toList();
    }

    /** Creates and caches a new tenant's data keys right after the tenant was created. */
    public void prepareTenant(String tenantId) {
        ring.prepare(tenantId);
    }

    /** Creates the tenant's next data key version; new data uses it, older data stays readable. */
    public synchronized int rotateDataKey(String tenantId, String actor) {
        if (ring.keysFor(tenantId).shredded()) throw AtRestCipher.shredded(tenantId);
        int version = db.write(() -> {
            int next = store.ofTenant(tenantId).stream().mapToInt(DataKeyStore.WrappedKey::version).max().orElse(0) + 1;
            ring.create(tenantId, next);
            return next;
        });
        ring.reload(tenantId);
        audit.info("key-rotate tenant={} version={} by={}", tenantId, version, actor);
        return version;
    }

    /** Generates a new key-encryption key and re-wraps all data keys under it (no data is re-encrypted); returns how many. */
    public synchronized int rotateKek(String actor) {
        KeyEncryptionKey kek = wrapping.kek();
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
                    byte[] raw = wrapping.unwrapDataKey(k);
                    store.rewrap(k.tenantId(), k.version(),
                            kek.wrapWith(next, raw, KeyWrapping.dataKeyAad(k.tenantId(), k.version())), next);
                    Arrays.fill(raw, (byte) 0);
                    n++;
                }
                for (AuditKeyStore.StoredKey k : auditKeys.all()) {
                    byte[] aad = KeyWrapping.auditKeyAad(k.keyId());
                    byte[] raw = wrapping.unwrap(k.kekId(), k.wrapped(), aad, "audit key " + k.keyId());
                    auditKeys.rewrap(k.keyId(), kek.wrapWith(next, raw, aad), next);
                    Arrays.fill(raw, (byte) 0);
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

    /** Destroys all data keys of the tenant (audited): its encrypted data becomes unreadable for good. */
    public synchronized int shred(String tenantId, String actor) {
        int count = db.write(() -> store.shred(tenantId));
        ring.markShredded(tenantId);
        audit.warn("key-shred tenant={} versions={} by={}: the tenant's encrypted data is now unreadable", tenantId,
                count, actor);
        return count;
    }
}
