package org.bollwerk.keys;

import org.bollwerk.storage.Db;
import org.bollwerk.tenant.Tenant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tenants' data keys, unwrapped and cached in memory, so encrypting costs one AES-GCM operation and no
 * database access. All keys are unwrapped at start (so a wrong KEK stops the start); a tenant's first key
 * is created when it is first needed.
 */
@Component
class DataKeyRing {
    private static final Logger log = LoggerFactory.getLogger(DataKeyRing.class);

    private final Db db;
    private final DataKeyStore store;
    private final KeyWrapping wrapping;
    private final ConcurrentHashMap<String, TenantKeys> cache = new ConcurrentHashMap<>();

    /** A tenant's unwrapped keys: the version that encrypts new data, and all readable versions. */
    record TenantKeys(int current, Map<Integer, SecretKey> versions, boolean shredded) {
    }

    DataKeyRing(Db db, DataKeyStore store, KeyWrapping wrapping) {
        this.db = db;
        this.store = store;
        this.wrapping = wrapping;
        Map<String, List<DataKeyStore.WrappedKey>> byTenant = new LinkedHashMap<>();
        for (DataKeyStore.WrappedKey row : store.all()) {
            byTenant.computeIfAbsent(row.tenantId(), t -> new ArrayList<>()).add(row);
        }
        byTenant.forEach((tenant, rows) -> cache.put(tenant, unwrapAll(rows)));
        if (!cache.containsKey(Tenant.DEFAULT_ID)) keysFor(Tenant.DEFAULT_ID);
        log.info("Encryption at rest: {} tenant key set(s) unlocked with KEK {} from {}", cache.size(),
                wrapping.kekId(), wrapping.kek().source());
    }

    TenantKeys keysFor(String tenantId) {
        TenantKeys keys = cache.get(tenantId);
        if (keys != null) return keys;
        List<DataKeyStore.WrappedKey> rows = store.ofTenant(tenantId);
        if (rows.isEmpty()) {
            db.write(() -> {
                if (store.ofTenant(tenantId).isEmpty()) create(tenantId, 1);
            });
            rows = store.ofTenant(tenantId);
        }
        TenantKeys loaded = unwrapAll(rows);
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // Inside a write the rows may not be committed yet (and group commit may roll back this write
            // alone, to its savepoint): use them, but cache only what is read outside a transaction.
            return loaded;
        }
        cache.putIfAbsent(tenantId, loaded);
        return cache.get(tenantId);
    }

    /** The key of one version; read again when another node created it since we loaded. Null if there is none. */
    SecretKey version(String tenantId, int version) {
        SecretKey key = keysFor(tenantId).versions().get(version);
        if (key != null) return key;
        cache.remove(tenantId);
        return keysFor(tenantId).versions().get(version);
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

    /** Generates data key {@code version} of the tenant and stores it wrapped (inside the caller's write). */
    void create(String tenantId, int version) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES");
            generator.init(256);
            byte[] raw = generator.generateKey().getEncoded();
            store.insert(tenantId, version, wrapping.wrap(raw, KeyWrapping.dataKeyAad(tenantId, version)),
                    wrapping.kekId(), System.currentTimeMillis());
            Arrays.fill(raw, (byte) 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES key generation is not available", e);
        }
    }

    /** Drops the cached keys of a tenant after its keys changed; they are read again when next needed. */
    void reload(String tenantId) {
        cache.remove(tenantId);
        keysFor(tenantId);
    }

    void markShredded(String tenantId) {
        cache.put(tenantId, new TenantKeys(0, Map.of(), true));
    }

    private TenantKeys unwrapAll(List<DataKeyStore.WrappedKey> rows) {
        Map<Integer, SecretKey> versions = new HashMap<>();
        int current = 0;
        for (DataKeyStore.WrappedKey row : rows) {
            if (row.wrapped() == null) continue;
            byte[] raw = wrapping.unwrapDataKey(row);
            versions.put(row.version(), new SecretKeySpec(raw, "AES"));
            Arrays.fill(raw, (byte) 0);
            current = Math.max(current, row.version());
        }
        return new TenantKeys(current, Map.copyOf(versions), versions.isEmpty());
    }
}
