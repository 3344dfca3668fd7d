package org.bollwerk.admin;

import org.bollwerk.account.Requester;
import org.bollwerk.keys.KeyAdministration;
import org.bollwerk.keys.ReencryptionJob;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operator actions on the at-rest keys: status, data key rotation, KEK rotation (re-wrapping) and
 * crypto-shredding. Server admins only; every change is written to the {@code bollwerk.audit} log.
 */
@RestController
class KeyAdminController {
    private static final String BASE = "/_bollwerk/admin/v1/keys";
    private final KeyAdministration cipher;
    private final ReencryptionJob reencryption;

    KeyAdminController(KeyAdministration cipher, ReencryptionJob reencryption) {
        this.cipher = cipher;
        this.reencryption = reencryption;
    }

    /** Progress of the background re-encryption job: {@code {state, done, total, sources}}. */
    @GetMapping(BASE + "/reencryption")
    Map<String, Object> reencryption(Requester requester) {
        AdminAccess.requireAdmin(requester);
        return json(reencryption.progress());
    }

    /**
     * Starts re-encrypting all stored data under each tenant's newest data key version (after a rotation),
     * in the background; answers at once with the progress. A run already going on is not restarted.
     */
    @PostMapping(BASE + "/reencryption")
    Map<String, Object> startReencryption(Requester requester) {
        AdminAccess.requireAdmin(requester);
        return json(reencryption.start(requester.userId()));
    }

    private static Map<String, Object> json(ReencryptionJob.Progress progress) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", progress.state());
        json.put("done", progress.done());
        json.put("total", progress.total());
        json.put("sources", progress.sources().stream().map(s -> {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("source", s.source());
            source.put("state", s.state());
            source.put("done", s.done());
            source.put("total", s.total());
            if (s.error() != null) source.put("error", s.error());
            return source;
        }).toList());
        return json;
    }

    @GetMapping(BASE)
    Map<String, Object> status(Requester requester) {
        AdminAccess.requireAdmin(requester);
        List<Map<String, Object>> tenants = cipher.status().stream().map(s -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("tenant_id", s.tenantId());
            json.put("current_version", s.currentVersion());
            json.put("versions", s.versions());
            json.put("shredded", s.shredded());
            return json;
        }).toList();
        return Map.of("kek", Map.of("id", cipher.kekId(), "source", cipher.kekSource()), "tenants", tenants);
    }

    /** New data key version for the tenant: new data is encrypted with it, old data stays readable. */
    @PostMapping(BASE + "/tenants/{tenantId}/rotate")
    Map<String, Object> rotate(Requester requester, @PathVariable String tenantId) {
        AdminAccess.requireAdmin(requester);
        requireKnownTenant(tenantId);
        int version = cipher.rotateDataKey(tenantId, requester.userId());
        AdminAccess.noteDetail("data key rotated to version " + version);
        return Map.of("tenant_id", tenantId, "current_version", version);
    }

    /** New key-encryption key; all data keys are re-wrapped under it (the data itself is not touched). */
    @PostMapping(BASE + "/kek/rotate")
    Map<String, Object> rotateKek(Requester requester) {
        AdminAccess.requireAdmin(requester);
        int count;
        try {
            count = cipher.rotateKek(requester.userId());
        } catch (UnsupportedOperationException e) {
            throw MatrixException.invalidParam(e.getMessage());
        }
        AdminAccess.noteDetail("KEK rotated to " + cipher.kekId() + ", " + count + " keys re-wrapped");
        return Map.of("kek_id", cipher.kekId(), "rewrapped_keys", count);
    }

    /** Destroys the tenant's data keys. The body must repeat the tenant ID: {@code {"confirm": "<tenantId>"}}. */
    @PostMapping(BASE + "/tenants/{tenantId}/shred")
    Map<String, Object> shred(Requester requester, @PathVariable String tenantId, @RequestBody JsonNode body) {
        AdminAccess.requireAdmin(requester);
        requireKnownTenant(tenantId);
        String confirm = JsonBody.string(body, "confirm", true);
        if (!tenantId.equals(confirm)) {
            throw MatrixException.invalidParam("Shredding destroys all data of the tenant for good; "
                    + "repeat the tenant ID in \"confirm\"");
        }
        int shredded = cipher.shred(tenantId, requester.userId());
        AdminAccess.noteDetail("shredded " + shredded + " data key version(s)");
        return Map.of("tenant_id", tenantId, "shredded_versions", shredded);
    }

    private void requireKnownTenant(String tenantId) {
        if (cipher.status().stream().noneMatch(s -> s.tenantId().equals(tenantId))) {
            throw MatrixException.notFound("No keys for tenant " + (tenantId.length() > 64 ? tenantId.substring(0, 64) : tenantId));
        }
    }
}
