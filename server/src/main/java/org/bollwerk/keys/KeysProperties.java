package org.bollwerk.keys;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Encryption at rest ({@code bollwerk.keys.*}, env {@code BOLLWERK_KEYS_*}).
 *
 * @param provider where the key-encryption key lives: {@code file} (default) or {@code pkcs11} (an HSM)
 * @param kekFile  the key-encryption key file; empty = {@code <data-dir>/keys/kek.key}. Keep it outside
 *                 the data directory (and out of its backups) so a stolen copy of the data reveals nothing.
 *                 With {@code pkcs11}, data keys still wrapped by this file are re-wrapped into the HSM at start.
 * @param pkcs11   the HSM, when {@code provider=pkcs11}
 */
@ConfigurationProperties("bollwerk.keys")
public record KeysProperties(@DefaultValue("file") KekProvider provider, @DefaultValue("") String kekFile,
                             @DefaultValue Pkcs11 pkcs11) {

    /** Where the key-encryption key lives; bound case-insensitively ({@code file}, {@code pkcs11}). */
    public enum KekProvider { FILE, PKCS11 }

    /**
     * @param library       the PKCS#11 module, e.g. {@code /usr/lib/softhsm/libsofthsm2.so}
     * @param slot          the slot ID ({@code softhsm2-util --show-slots}); empty = use {@code slotListIndex}
     * @param slotListIndex index into the list of slots with a token, when no slot ID is given
     * @param pin           the user PIN (better: {@code pinFile}); never logged
     * @param pinFile       a file holding the user PIN (one line)
     * @param keyLabel      the label of the AES key on the token; created on the first start of an empty server
     */
    public record Pkcs11(@DefaultValue("") String library, @DefaultValue("") String slot,
                         @DefaultValue("0") int slotListIndex, @DefaultValue("") String pin,
                         @DefaultValue("") String pinFile, @DefaultValue("bollwerk-kek") String keyLabel) {
        @Override
        public String toString() {
            return "Pkcs11[library=" + library + ", slot=" + slot + ", slotListIndex=" + slotListIndex
                    + ", keyLabel=" + keyLabel + "]";  // never the PIN
        }
    }
}
