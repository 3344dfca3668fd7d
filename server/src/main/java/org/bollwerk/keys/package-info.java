/**
 * Encryption at rest with keys the organisation holds (envelope encryption): per-tenant, versioned
 * AES-256-GCM data keys, stored only wrapped by a key-encryption key (KEK) from a provider — a key file or a
 * non-extractable key in an HSM reached through PKCS#11. Features encrypt their content columns and files
 * through {@link org.bollwerk.keys.AtRestCipher}, binding each value to its row with associated data, and
 * offer their stored values to the {@link org.bollwerk.keys.ReencryptionJob} as a
 * {@link org.bollwerk.keys.ReencryptionSource}. Operators rotate, re-encrypt and shred through the admin API.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Keys (encryption at rest)", allowedDependencies = {
        "cluster", "config", "storage", "tenant"})
package org.bollwerk.keys;
