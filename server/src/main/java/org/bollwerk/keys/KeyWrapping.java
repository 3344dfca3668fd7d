package org.bollwerk.keys;

import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * The keys the key-encryption key wraps — data keys and the audit signing key — each bound by associated data
 * to what it is, so a wrapped key copied to another row does not unwrap. Unwrapping failures name the key and
 * the KEK source for the operator.
 */
@Component
class KeyWrapping {
    private final KeyEncryptionKey kek;

    KeyWrapping(KeyEncryptionKey kek) {
        this.kek = kek;
    }

    KeyEncryptionKey kek() {
        return kek;
    }

    String kekId() {
        return kek.currentId();
    }

    byte[] wrap(byte[] raw, byte[] aad) {
        return kek.wrap(raw, aad);
    }

    byte[] unwrapDataKey(DataKeyStore.WrappedKey row) {
        return unwrap(row.kekId(), row.wrapped(), dataKeyAad(row.tenantId(), row.version()),
                "the data key " + row.tenantId() + "/v" + row.version());
    }

    byte[] unwrap(String kekId, byte[] wrapped, byte[] aad, String what) {
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

    static byte[] dataKeyAad(String tenantId, int version) {
        return ("bollwerk data key|" + tenantId + "|" + version).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] auditKeyAad(String keyId) {
        return ("bollwerk audit signing key|" + keyId).getBytes(StandardCharsets.UTF_8);
    }
}
