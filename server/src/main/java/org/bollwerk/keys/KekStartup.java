package org.bollwerk.keys;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.storage.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Opens the key-encryption key at start, from the configured provider, and refuses to run when the database
 * holds keys but the KEK is missing or wrong; it never creates a KEK over existing keys. A server moving from
 * the key file to an HSM has its wrapped keys re-wrapped into the HSM here.
 */
@Configuration(proxyBeanMethods = false)
class KekStartup {
    private static final Logger log = LoggerFactory.getLogger(KekStartup.class);
    private static final Logger audit = LoggerFactory.getLogger("bollwerk.audit");

    @Bean
    KeyEncryptionKey keyEncryptionKey(Db db, DataKeyStore store, AuditKeyStore auditKeys, BollwerkProperties props,
                                      KeysProperties keys) {
        Path dataDir = props.dataDir().toAbsolutePath().normalize();
        Path file = keys.kekFile().isBlank() ? dataDir.resolve("keys").resolve("kek.key")
                : Path.of(keys.kekFile()).toAbsolutePath().normalize();
        List<DataKeyStore.WrappedKey> existing = store.all();
        List<AuditKeyStore.StoredKey> auditSigningKeys = auditKeys.all();
        return switch (keys.provider()) {
            case FILE -> openKeyFile(file, dataDir, existing, auditSigningKeys);
            case PKCS11 -> openPkcs11(db, store, auditKeys, keys.pkcs11(), file, existing, auditSigningKeys);
        };
    }

    private static KeyFileKek openKeyFile(Path file, Path dataDir, List<DataKeyStore.WrappedKey> existing,
                                          List<AuditKeyStore.StoredKey> auditSigningKeys) {
        KeyFileKek fileKek = KeyFileKek.open(file, existing.isEmpty() && auditSigningKeys.isEmpty());
        if (!fileKek.present()) {
            throw new KeyStartException("Encryption at rest: the " + fileKek.source() + " does not exist, but the database "
                    + "holds " + existing.size() + " data key(s) wrapped by KEK " + kekIds(existing) + ".",
                    "Restore the key file from your key backup (or point bollwerk.keys.kek-file at it). "
                    + "Bollwerk does not create a new key over existing data.");
        }
        Set<String> kekIdsInUse = existing.stream().map(DataKeyStore.WrappedKey::kekId)
                .collect(Collectors.toCollection(HashSet::new));
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
    private static Pkcs11Kek openPkcs11(Db db, DataKeyStore store, AuditKeyStore auditKeys, KeysProperties.Pkcs11 config,
                                        Path file, List<DataKeyStore.WrappedKey> existing,
                                        List<AuditKeyStore.StoredKey> auditSigningKeys) {
        Pkcs11Kek hsm = Pkcs11Kek.open(config);
        List<AuditKeyStore.StoredKey> auditInFile = auditSigningKeys.stream()
                .filter(k -> !k.kekId().startsWith(Pkcs11Kek.ID_PREFIX)).toList();
        boolean auditInHsm = auditSigningKeys.size() > auditInFile.size();
        List<DataKeyStore.WrappedKey> live = existing.stream().filter(k -> k.wrapped() != null).toList();
        List<DataKeyStore.WrappedKey> inHsm = live.stream().filter(k -> k.kekId().startsWith(Pkcs11Kek.ID_PREFIX)).toList();
        List<DataKeyStore.WrappedKey> inFile = live.stream().filter(k -> !k.kekId().startsWith(Pkcs11Kek.ID_PREFIX)).toList();
        HsmMove move = new HsmMove(db, store, auditKeys, hsm, inFile, auditInFile);
        if (!hsm.present()) {
            if (!inHsm.isEmpty() || auditInHsm) {
                throw new KeyStartException("Encryption at rest: the " + hsm.source() + " does not exist, but the "
                        + "database holds " + inHsm.size() + " data key(s) wrapped by HSM KEK " + kekIds(inHsm) + ".",
                        "Check the slot, token and key label, or restore the token from its backup. "
                        + "Bollwerk does not create a new key over existing data; nothing was changed.");
            }
            KeyFileKek legacy = move.needed() ? move.requireKeyFile(file) : null;
            hsm.create();
            log.info("Encryption at rest: created the key-encryption key {} in the {}", hsm.currentId(), hsm.source());
            if (legacy != null) move.from(legacy);
        } else if (move.needed()) {
            move.from(move.requireKeyFile(file));
        }
        return hsm;
    }

    /** Keys still wrapped by the key file, to be re-wrapped into the HSM in one transaction (the data is not touched). */
    private record HsmMove(Db db, DataKeyStore store, AuditKeyStore auditKeys, Pkcs11Kek hsm,
                           List<DataKeyStore.WrappedKey> inFile, List<AuditKeyStore.StoredKey> auditInFile) {

        boolean needed() {
            return !inFile.isEmpty() || !auditInFile.isEmpty();
        }

        KeyFileKek requireKeyFile(Path file) {
            KeyFileKek legacy = KeyFileKek.open(file, false);
            if (!legacy.present() || inFile.stream().anyMatch(k -> !legacy.knows(k.kekId()))
                    || auditInFile.stream().anyMatch(k -> !legacy.knows(k.kekId()))) {
                throw new KeyStartException("Encryption at rest: " + inFile.size() + " data key(s) are wrapped by KEK "
                        + kekIds(inFile) + ", which is not the " + hsm.source() + ".", "To move them into the HSM, the "
                        + legacy.source() + " must hold that key. Nothing was changed.");
            }
            return legacy;
        }

        void from(KeyFileKek legacy) {
            int moved = db.write(() -> {
                int n = 0;
                for (DataKeyStore.WrappedKey k : inFile) {
                    byte[] aad = KeyWrapping.dataKeyAad(k.tenantId(), k.version());
                    byte[] raw = unwrap(legacy, k.kekId(), k.wrapped(), aad, "the data key " + k.tenantId() + "/v" + k.version());
                    store.rewrap(k.tenantId(), k.version(), hsm.wrap(raw, aad), hsm.currentId());
                    Arrays.fill(raw, (byte) 0);
                    n++;
                }
                for (AuditKeyStore.StoredKey k : auditInFile) {
                    byte[] aad = KeyWrapping.auditKeyAad(k.keyId());
                    byte[] raw = unwrap(legacy, k.kekId(), k.wrapped(), aad, "the audit signing key " + k.keyId());
                    auditKeys.rewrap(k.keyId(), hsm.wrap(raw, aad), hsm.currentId());
                    Arrays.fill(raw, (byte) 0);
                    n++;
                }
                return n;
            });
            audit.warn("kek-migrate from={} to={} rewrapped={}: data keys moved from the {} into the {}; back up the token, "
                    + "then destroy the key file", kekIds(inFile), hsm.currentId(), moved, legacy.source(), hsm.source());
        }

        private static byte[] unwrap(KeyFileKek legacy, String kekId, byte[] wrapped, byte[] aad, String what) {
            try {
                return legacy.unwrap(kekId, wrapped, aad);
            } catch (GeneralSecurityException e) {
                throw new KeyStartException("Encryption at rest: " + what + " cannot be unwrapped with the "
                        + legacy.source() + ".", "Point bollwerk.keys.kek-file at the key file that wrapped it. Nothing was changed.", e);
            }
        }
    }

    private static String kekIds(List<DataKeyStore.WrappedKey> rows) {
        return rows.stream().map(DataKeyStore.WrappedKey::kekId).distinct().collect(Collectors.joining(", "));
    }
}
