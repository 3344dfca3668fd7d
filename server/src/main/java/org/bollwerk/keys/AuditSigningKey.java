package org.bollwerk.keys;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.crypto.EventSigner;
import org.bollwerk.matrix.crypto.SigningKey;
import org.bollwerk.storage.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The organisation's Ed25519 key that signs audit-log checkpoints. Generated on first start and stored
 * like the data keys: the seed only wrapped by the key-encryption key, so a copy of the database alone
 * cannot sign. The private key never leaves this class; callers get signatures and the public key.
 */
@Service
public class AuditSigningKey {
    private static final Logger log = LoggerFactory.getLogger(AuditSigningKey.class);
    private final String serverName;
    private final SigningKey key;
    private final boolean createdAtThisStart;
    private final java.util.Map<String, String> publicKeys = new java.util.LinkedHashMap<>();

    AuditSigningKey(Db db, AuditKeyStore store, KeyWrapping wrapping, BollwerkProperties props) {
        this.serverName = props.serverName();
        List<AuditKeyStore.StoredKey> stored = store.all();
        boolean created = false;
        if (stored.isEmpty()) {
            SigningKey fresh = SigningKey.generate();
            byte[] seed = org.bollwerk.matrix.UnpaddedBase64.decode(fresh.seedBase64());
            byte[] wrapped = wrapping.wrap(seed, KeyWrapping.auditKeyAad(fresh.keyId()));
            java.util.Arrays.fill(seed, (byte) 0);
            created = db.write(() -> store.insertFirst(fresh.keyId(), fresh.publicKeyBase64(), wrapped,
                    wrapping.kekId(), System.currentTimeMillis()));
            if (created) log.info("Audit log: created the checkpoint signing key {}", fresh.keyId());
            stored = store.all();
        }
        this.createdAtThisStart = created;
        stored.forEach(k -> publicKeys.put(k.keyId(), k.publicKey()));
        AuditKeyStore.StoredKey current = stored.getLast();
        byte[] seed = wrapping.unwrap(current.kekId(), current.wrapped(), KeyWrapping.auditKeyAad(current.keyId()),
                "the audit signing key " + current.keyId());
        this.key = SigningKey.fromSeed(current.keyId(), seed);
        java.util.Arrays.fill(seed, (byte) 0);
        if (!key.publicKeyBase64().equals(current.publicKey())) {
            throw new IllegalStateException("Audit signing key " + current.keyId() + ": the stored public key does not "
                    + "match the private key (altered database). Nothing was changed.");
        }
    }

    /** Whether this node generated the key at this start (the first start), so that it can be audited. */
    public boolean createdAtThisStart() {
        return createdAtThisStart;
    }

    /** The name checkpoints are signed under ({@code signatures.<name>.<key id>}): the server name. */
    public String signerName() {
        return serverName;
    }

    public String keyId() {
        return key.keyId();
    }

    /** The raw 32-byte public key, unpadded base64 (as Matrix publishes keys). */
    public String publicKeyBase64() {
        return key.publicKeyBase64();
    }

    /** Every audit key ever used (key ID to public key), so exports verify older checkpoints too. */
    public java.util.Map<String, String> publicKeys() {
        return java.util.Collections.unmodifiableMap(publicKeys);
    }

    /** Adds the signature over the canonical JSON of {@code json} (without signatures/unsigned); returns it. */
    public ObjectNode sign(ObjectNode json) {
        return EventSigner.signJson(json, serverName, key);
    }
}
