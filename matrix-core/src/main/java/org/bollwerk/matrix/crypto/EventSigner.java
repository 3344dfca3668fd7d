package org.bollwerk.matrix.crypto;

import org.bouncycastle.math.ec.rfc8032.Ed25519;

import java.security.PublicKey;
import java.util.List;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.RoomVersion;
import org.bollwerk.matrix.UnpaddedBase64;
import org.bollwerk.matrix.event.Redaction;
import org.bollwerk.matrix.json.CanonicalJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Ed25519 signatures on JSON objects and events (spec appendix "Signing JSON", server-server
 * "Signing events").
 *
 * <p>To finish a PDU: {@code EventHashes.addContentHash(pdu)}, then {@link #signEvent}, then compute
 * the event ID with {@code EventIds.referenceId} (the ID covers the signature-free redacted event,
 * so order between signing and ID does not matter, but the hash must come first).
 */
public final class EventSigner {

    private static final List<String> UNSIGNED_KEYS = List.of("signatures", "unsigned");

    private EventSigner() {}

    /**
     * Signs an event: the signature covers the canonical JSON of the <em>redacted</em> event without
     * {@code signatures} and {@code unsigned}, so it survives redaction. Adds
     * {@code signatures.{serverName}.{keyId}} to {@code pdu} (existing signatures are kept) and
     * returns {@code pdu}.
     */
    public static ObjectNode signEvent(ObjectNode pdu, RoomVersion version, String serverName, SigningKey key) {
        byte[] signature = sign(signedBytes(Redaction.redact(pdu, version)), key);
        addSignature(pdu, serverName, key.keyId(), signature);
        return pdu;
    }

    /**
     * Signs a plain JSON object (server keys, device keys …): the signature covers the canonical JSON
     * without {@code signatures} and {@code unsigned}. Adds it to {@code json} and returns {@code json}.
     */
    public static ObjectNode signJson(ObjectNode json, String serverName, SigningKey key) {
        addSignature(json, serverName, key.keyId(), sign(signedBytes(json), key));
        return json;
    }

    /**
     * Whether {@code pdu} carries a valid signature by {@code serverName} with key {@code keyId}.
     * Missing or malformed signatures answer {@code false}; nothing here throws for bad input except
     * {@code M_BAD_JSON} when the event cannot be canonical JSON at all.
     */
    public static boolean verifyEvent(ObjectNode pdu, RoomVersion version, String serverName, String keyId,
            PublicKey publicKey) {
        return verify(Redaction.redact(pdu, version), pdu, serverName, keyId, publicKey);
    }

    /** Verifies a plain JSON object signed with {@link #signJson}. */
    public static boolean verifyJson(ObjectNode json, String serverName, String keyId, PublicKey publicKey) {
        return verify(json, json, serverName, keyId, publicKey);
    }

    private static boolean verify(ObjectNode covered, ObjectNode holder, String serverName, String keyId,
            PublicKey publicKey) {
        JsonNode encoded = holder.path("signatures").path(serverName).path(keyId);
        if (!encoded.isString() || !keyId.startsWith("ed25519:")) {
            return false;
        }
        byte[] signature;
        try {
            signature = UnpaddedBase64.decode(encoded.stringValue());
        } catch (MatrixException e) {
            return false;
        }
        if (signature.length != Ed25519.SIGNATURE_SIZE) return false;
        byte[] raw = UnpaddedBase64.decode(SigningKey.encodePublicKey(publicKey));
        byte[] data = signedBytes(covered);
        return Ed25519.verify(signature, 0, raw, 0, data, 0, data.length);
    }

    private static byte[] signedBytes(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        copy.remove(UNSIGNED_KEYS);
        return CanonicalJson.encode(copy);
    }

    /** Bouncy Castle's RFC 8032 Ed25519 (deterministic, so the same signatures as the JDK's). */
    private static byte[] sign(byte[] data, SigningKey key) {
        byte[] signature = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(key.seed(), 0, key.rawPublicKey(), 0, data, 0, data.length, signature, 0);
        return signature;
    }

    private static void addSignature(ObjectNode json, String serverName, String keyId, byte[] signature) {
        JsonNode existing = json.get("signatures");
        ObjectNode signatures = existing instanceof ObjectNode object ? object : json.putObject("signatures");
        JsonNode forServer = signatures.get(serverName);
        ObjectNode serverSignatures = forServer instanceof ObjectNode object ? object : signatures.putObject(serverName);
        serverSignatures.put(keyId, UnpaddedBase64.encode(signature));
    }
}
