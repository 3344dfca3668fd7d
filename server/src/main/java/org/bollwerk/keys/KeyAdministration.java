package org.bollwerk.keys;

import org.springframework.stereotype.Service;

import java.util.List;

/** The operator's view of the at-rest keys (used by the admin API): status, rotation, shredding. */
@Service
public class KeyAdministration {
    private final AtRestCipher cipher;

    KeyAdministration(AtRestCipher cipher) {
        this.cipher = cipher;
    }

    public record TenantKeyStatus(String tenantId, int currentVersion, List<Integer> versions, boolean shredded) {
    }

    public String kekId() {
        return cipher.kekId();
    }

    public String kekSource() {
        return cipher.kekSource();
    }

    public List<TenantKeyStatus> status() {
        return cipher.status().stream()
                .map(s -> new TenantKeyStatus(s.tenantId(), s.currentVersion(), s.versions(), s.shredded())).toList();
    }

    /** Creates the tenant's next data key version; new data uses it, older data stays readable. */
    public int rotateDataKey(String tenantId, String actor) {
        return cipher.rotateDataKey(tenantId, actor);
    }

    /** Generates a new key-encryption key and re-wraps all data keys under it; returns how many. */
    public int rotateKek(String actor) {
        return cipher.rotateKek(actor);
    }

    /** Destroys all data keys of the tenant (audited): its encrypted data becomes unreadable for good. */
    public int shred(String tenantId, String actor) {
        return cipher.shred(tenantId, actor);
    }
}
