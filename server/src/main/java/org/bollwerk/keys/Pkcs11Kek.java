package org.bollwerk.keys;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * The key-encryption key inside an HSM, reached through PKCS#11 (the JDK's SunPKCS11 provider): an AES-256
 * key on the token, created sensitive and non-extractable, so the key never leaves the HSM. Data keys are
 * wrapped by AES-GCM encryption inside the HSM, with the same associated data as the key file uses.
 *
 * <p>The KEK's ID is a key check value: the GCM tag of an empty message under a fixed nonce, computed by
 * the HSM. It identifies the key without revealing it, so a different key under the same label is noticed.
 */
final class Pkcs11Kek implements KeyEncryptionKey {
    static final String ID_PREFIX = "p11-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String GCM = "AES/GCM/NoPadding";

    private final String source;
    private final Provider provider;
    private final KeyStore keyStore;
    private final String label;
    private volatile SecretKey key;
    private volatile String id;

    private Pkcs11Kek(String source, Provider provider, KeyStore keyStore, String label) {
        this.source = source;
        this.provider = provider;
        this.keyStore = keyStore;
        this.label = label;
    }

    /** Logs in to the token and looks the key up; a missing key is reported by {@link #present()}. */
    static Pkcs11Kek open(KeysProperties.Pkcs11 config) {
        String source = source(config);
        if (config.library().isBlank()) {
            throw new KeyStartException("Encryption at rest: bollwerk.keys.provider=pkcs11 needs the PKCS#11 library.",
                    "Set bollwerk.keys.pkcs11.library (BOLLWERK_KEYS_PKCS11_LIBRARY) to the module's .so file.");
        }
        if (!Files.isReadable(Path.of(config.library()))) {
            throw new KeyStartException("Encryption at rest: the PKCS#11 library " + config.library()
                    + " does not exist or is not readable.", "Install the HSM's PKCS#11 module or correct "
                    + "bollwerk.keys.pkcs11.library (BOLLWERK_KEYS_PKCS11_LIBRARY).");
        }
        char[] pin = pin(config);
        Provider provider;
        try {
            Provider base = Security.getProvider("SunPKCS11");
            if (base == null) throw new IllegalStateException("this JDK has no SunPKCS11 provider");
            provider = base.configure(providerConfig(config));
        } catch (RuntimeException e) {
            throw new KeyStartException("Encryption at rest: cannot open the " + source + ": " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause().getMessage() + ")" : "") + ".",
                    "Check bollwerk.keys.pkcs11.library and the slot (bollwerk.keys.pkcs11.slot or slot-list-index).", e);
        }
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS11", provider);
            keyStore.load(null, pin);
            Pkcs11Kek kek = new Pkcs11Kek(source, provider, keyStore, config.keyLabel());
            kek.load();
            return kek;
        } catch (IOException | GeneralSecurityException e) {
            throw new KeyStartException("Encryption at rest: cannot log in to the " + source
                    + " (wrong PIN, or no initialised token in that slot?): " + rootMessage(e) + ".",
                    "Check the PIN in bollwerk.keys.pkcs11.pin-file (BOLLWERK_KEYS_PKCS11_PIN_FILE) and the slot; "
                    + "too many wrong PINs may lock the token. Nothing was changed.", e);
        } finally {
            Arrays.fill(pin, '\0');
        }
    }

    /** Generates the AES-256 key on the token (sensitive, non-extractable, a token object under the label). */
    void create() {
        if (key != null) throw new IllegalStateException("The key " + label + " already exists on the token");
        try {
            KeyGenerator generator = KeyGenerator.getInstance("AES", provider);
            generator.init(256, RANDOM);
            keyStore.setEntry(label, new KeyStore.SecretKeyEntry(generator.generateKey()), null);
            load();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Encryption at rest: cannot create the key in the " + source + ": "
                    + rootMessage(e), e);
        }
        if (key == null) throw new IllegalStateException("Encryption at rest: the key created in the " + source
                + " cannot be found again");
    }

    private void load() throws GeneralSecurityException {
        Key found = keyStore.getKey(label, null);
        if (found == null) return;
        if (!(found instanceof SecretKey secret) || !"AES".equalsIgnoreCase(found.getAlgorithm())) {
            throw new IllegalStateException("Encryption at rest: the object '" + label + "' in the " + source
                    + " is not an AES key");
        }
        key = secret;
        id = checkValue(secret);
    }

    /** A fixed nonce is right here and only here: it computes a fingerprint, it never encrypts data. */
    private String checkValue(SecretKey secret) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance(GCM, provider);
        cipher.init(Cipher.ENCRYPT_MODE, secret, new GCMParameterSpec(128, new byte[12]));
        cipher.updateAAD("bollwerk kek id".getBytes(StandardCharsets.US_ASCII));
        return ID_PREFIX + HexFormat.of().formatHex(cipher.doFinal(new byte[0]), 0, 8);
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public boolean present() {
        return key != null;
    }

    @Override
    public String currentId() {
        return id;
    }

    @Override
    public boolean knows(String kekId) {
        return kekId != null && kekId.equals(id);
    }

    @Override
    public byte[] wrap(byte[] dataKey, byte[] aad) {
        try {
            return AesGcm.seal(key, provider, dataKey, aad);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Wrapping a data key in the " + source + " failed: " + rootMessage(e), e);
        }
    }

    @Override
    public byte[] unwrap(String kekId, byte[] wrapped, byte[] aad) throws GeneralSecurityException {
        if (!knows(kekId)) throw new GeneralSecurityException("KEK " + kekId + " is not in the " + source);
        return AesGcm.open(key, provider, wrapped, aad);
    }

    @Override
    public boolean rotatable() {
        return false;
    }

    @Override
    public String stageNext() {
        throw new UnsupportedOperationException("An HSM key is rotated in the HSM: create a key under a new label, "
                + "set bollwerk.keys.pkcs11.key-label and restart");
    }

    @Override
    public byte[] wrapWith(String kekId, byte[] dataKey, byte[] aad) {
        if (!knows(kekId)) throw new IllegalStateException("KEK " + kekId + " is not in the " + source);
        return wrap(dataKey, aad);
    }

    @Override
    public void settle(Set<String> idsInUse) {
        // nothing is staged outside the HSM
    }

    @Override
    public String retiredNote(String oldId) {
        return "the old key stays on the token; delete it once no backup needs it";
    }

    // ---- configuration

    private static String source(KeysProperties.Pkcs11 config) {
        String slot = config.slot().isBlank() ? "slot list index " + config.slotListIndex() : "slot " + config.slot();
        return "PKCS#11 key '" + config.keyLabel() + "' in " + slot + " of " + config.library()
                + " (bollwerk.keys.pkcs11.* / BOLLWERK_KEYS_PKCS11_*)";
    }

    /** The SunPKCS11 configuration, inline; new secret keys are sensitive and never leave the token. */
    static String providerConfig(KeysProperties.Pkcs11 config) {
        for (String value : new String[]{config.library(), config.slot(), config.keyLabel()}) {
            if (value.chars().anyMatch(c -> c == '\n' || c == '\r' || c == '"' || c == '}')) {
                throw new IllegalStateException("Encryption at rest: a bollwerk.keys.pkcs11 setting contains a line break, "
                        + "quote or brace");
            }
        }
        if (!config.slot().isBlank() && !config.slot().matches("\\d{1,19}")) {
            throw new IllegalStateException("Encryption at rest: bollwerk.keys.pkcs11.slot must be a number (the slot ID)");
        }
        String slot = config.slot().isBlank() ? "slotListIndex = " + config.slotListIndex() : "slot = " + config.slot();
        return "--name = Bollwerk\n"
                + "library = \"" + config.library() + "\"\n"
                + slot + "\n"
                + "attributes(*, CKO_SECRET_KEY, *) = {\n  CKA_SENSITIVE = true\n  CKA_EXTRACTABLE = false\n}\n";
    }

    private static char[] pin(KeysProperties.Pkcs11 config) {
        if (!config.pinFile().isBlank()) {
            try {
                return Files.readString(Path.of(config.pinFile()), StandardCharsets.UTF_8).strip().toCharArray();
            } catch (IOException e) {
                throw new KeyStartException("Encryption at rest: cannot read the PKCS#11 PIN file " + config.pinFile() + ".",
                        "Create it readable by the server's user, or correct bollwerk.keys.pkcs11.pin-file.", e);
            }
        }
        if (!config.pin().isEmpty()) return config.pin().toCharArray();
        throw new KeyStartException("Encryption at rest: bollwerk.keys.provider=pkcs11 needs the token's user PIN.",
                "Set bollwerk.keys.pkcs11.pin-file (BOLLWERK_KEYS_PKCS11_PIN_FILE) or BOLLWERK_KEYS_PKCS11_PIN.");
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + root;
    }
}
