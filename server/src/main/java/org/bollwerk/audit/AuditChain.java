package org.bollwerk.audit;

import org.bollwerk.matrix.json.CanonicalJson;
import org.bollwerk.matrix.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The chain's rules, shared by the server and the offline verifier. An entry's hash is the lower-case hex
 * SHA-256 of the Matrix canonical JSON of exactly the fields in {@link #HASHED_FIELDS} (absent values as
 * {@code null}), which include the predecessor's hash ({@code prev_hash}) and the entry's place
 * ({@code seq}). The first entry's predecessor is the all-zero {@link #GENESIS} hash.
 */
public final class AuditChain {
    public static final String GENESIS = "0".repeat(64);
    public static final String ENTRY_TYPE = "bollwerk.audit.entry";
    public static final String CHECKPOINT_TYPE = "bollwerk.audit.checkpoint";
    public static final String EXPORT_TYPE = "bollwerk.audit.export";
    static final List<String> HASHED_FIELDS = List.of("seq", "id", "ts", "actor", "role", "action", "target",
            "tenant_id", "client_ip", "status", "outcome", "detail", "prev_hash");

    private AuditChain() {
    }

    /** The entry as one export line: the hashed fields plus {@code type} and {@code hash}. */
    static ObjectNode json(AuditEntry e) {
        ObjectNode line = hashedForm(e);
        line.put("hash", e.hash());
        ObjectNode typed = Json.MAPPER.createObjectNode().put("type", ENTRY_TYPE);
        typed.setAll(line);
        return typed;
    }

    /** The hash an entry must carry, given its fields and predecessor hash. */
    static String hash(AuditEntry e) {
        return hashOf(hashedForm(e));
    }

    /** The hash of an export line, computed over its hashed fields only (others are ignored). */
    static String hashOfLine(JsonNode line) {
        ObjectNode covered = Json.MAPPER.createObjectNode();
        for (String field : HASHED_FIELDS) covered.set(field, line.has(field) ? line.get(field) : covered.nullNode());
        return hashOf(covered);
    }

    private static ObjectNode hashedForm(AuditEntry e) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("seq", e.seq());
        o.put("id", e.id());
        o.put("ts", e.ts());
        o.put("actor", e.actor());
        o.put("role", e.role());
        o.put("action", e.action());
        o.put("target", e.target());
        o.put("tenant_id", e.tenantId());
        o.put("client_ip", e.clientIp());
        o.put("status", e.status());
        o.put("outcome", e.outcome());
        o.put("detail", e.detail());
        o.put("prev_hash", e.prevHash());
        return o;
    }

    private static String hashOf(ObjectNode covered) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CanonicalJson.encode(covered)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
