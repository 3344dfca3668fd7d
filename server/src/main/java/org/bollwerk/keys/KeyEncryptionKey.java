package org.bollwerk.keys;

import java.security.GeneralSecurityException;
import java.util.Set;

/**
 * A provider of the key-encryption key (KEK) that wraps the data keys: a key file ({@link KeyFileKek}) or a
 * key inside an HSM ({@link Pkcs11Kek}). Each KEK has a public fingerprint (its ID) stored beside every data
 * key it wrapped, so the server can tell a missing or wrong key from a damaged database.
 */
interface KeyEncryptionKey {
    /** Where the key comes from, for messages to the operator (names the setting, never the secret). */
    String source();

    /** False when the key does not exist (the caller refuses to start if data keys need it). */
    boolean present();

    String currentId();

    boolean knows(String kekId);

    byte[] wrap(byte[] dataKey, byte[] aad);

    byte[] unwrap(String kekId, byte[] wrapped, byte[] aad) throws GeneralSecurityException;

    /** Whether {@link #stageNext} can create a new KEK (an HSM key is rotated in the HSM instead). */
    boolean rotatable();

    /** Creates the next KEK beside the current one; returns its ID. */
    String stageNext();

    byte[] wrapWith(String kekId, byte[] dataKey, byte[] aad);

    /** After a rotation (or at start): makes the KEK the database uses current, drops one it never used. */
    void settle(Set<String> idsInUse);

    /** What the operator should do with the previous KEK after a rotation (for the audit log). */
    String retiredNote(String oldId);
}
