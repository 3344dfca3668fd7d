package org.bollwerk.keys;

import org.springframework.stereotype.Service;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keyed hashes of search tokens, so the search index holds no words (docs/adr/0011-search-index.md). Each
 * tenant has its own search key, derived with HMAC-SHA256 from the tenant's first data key: equal words give
 * equal hashes within a tenant (that is what makes the index searchable) and unrelated ones across tenants.
 * Rotating the data key does not change the search key (version 1 stays readable until the tenant's keys are
 * shredded); shredding makes the index unusable, like the data it points to.
 */
@Service
public class SearchTokenHasher {
    private static final byte[] LABEL = "bollwerk search-token key v1".getBytes(StandardCharsets.UTF_8);
    private final DataKeyRing ring;
    private final ConcurrentHashMap<String, SecretKey> searchKeys = new ConcurrentHashMap<>();

    SearchTokenHasher(DataKeyRing ring) {
        this.ring = ring;
    }

    /** Hashes tokens of one tenant; not thread-safe (holds one {@link Mac}), cheap to make. */
    public final class Hasher {
        private final Mac mac;

        private Hasher(SecretKey key) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(key);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        }

        /** The first 64 bits of HMAC-SHA256(tenant search key, token): collisions are filtered on decryption. */
        public long hash(String token) {
            return ByteBuffer.wrap(mac.doFinal(token.getBytes(StandardCharsets.UTF_8))).getLong();
        }
    }

    /**
     * A hasher for the tenant's tokens.
     *
     * @throws KeyUnavailableException when the tenant's keys were shredded
     */
    public Hasher forTenant(String tenantId) {
        if (ring.keysFor(tenantId).shredded()) {
            searchKeys.remove(tenantId);
            throw AtRestCipher.shredded(tenantId);
        }
        return new Hasher(searchKeys.computeIfAbsent(tenantId, this::derive));
    }

    private SecretKey derive(String tenantId) {
        DataKeyRing.TenantKeys keys = ring.keysFor(tenantId);
        if (keys.shredded()) throw AtRestCipher.shredded(tenantId);
        int first = keys.versions().keySet().stream().mapToInt(Integer::intValue).min().orElseThrow();
        byte[] raw = keys.versions().get(first).getEncoded();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(raw, "HmacSHA256"));
            mac.update(LABEL);
            mac.update((byte) 0);
            byte[] derived = mac.doFinal(tenantId.getBytes(StandardCharsets.UTF_8));
            SecretKey key = new SecretKeySpec(derived, "HmacSHA256");
            Arrays.fill(derived, (byte) 0);
            return key;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
