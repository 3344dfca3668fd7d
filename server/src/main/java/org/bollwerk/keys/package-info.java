/**
 * Encryption at rest with keys the organisation holds (envelope encryption): per-tenant, versioned
 * AES-256-GCM data keys, stored only wrapped by a key-encryption key (KEK) from a provider (a key file).
 * Features encrypt their content columns and files through {@link org.bollwerk.keys.AtRestCipher}, binding
 * each value to its row with associated data. Operators rotate and shred keys through the admin API.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Keys (encryption at rest)")
package org.bollwerk.keys;
