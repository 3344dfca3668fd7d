package org.bollwerk.keys;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Encryption at rest ({@code bollwerk.keys.*}, env {@code BOLLWERK_KEYS_*}).
 *
 * @param kekFile the key-encryption key file; empty = {@code <data-dir>/keys/kek.key}. Keep it outside
 *                the data directory (and out of its backups) so a stolen copy of the data reveals nothing.
 */
@ConfigurationProperties("bollwerk.keys")
public record KeysProperties(@DefaultValue("") String kekFile) {
}
