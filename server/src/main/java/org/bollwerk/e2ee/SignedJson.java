package org.bollwerk.e2ee;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.UnpaddedBase64;
import org.bollwerk.matrix.crypto.EventSigner;
import org.bollwerk.matrix.crypto.SigningKey;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.security.PublicKey;
import java.util.Map;

/** Checks on signed key objects (device keys, one-time keys, cross-signing keys): shape and Ed25519 signatures. */
final class SignedJson {
    private SignedJson() {
    }

    /** Whether {@code publicKeyBase64} is a well-formed Ed25519 public key. */
    static boolean isEd25519Key(String publicKeyBase64) {
        try {
            SigningKey.decodePublicKey(publicKeyBase64);
            return true;
        } catch (MatrixException e) {
            return false;
        }
    }

    /**
     * Whether {@code json.signatures[signer][keyId]} is a valid signature by {@code publicKeyBase64} over
     * the canonical JSON of {@code json} without {@code signatures} and {@code unsigned}.
     */
    static boolean verify(ObjectNode json, String signer, String keyId, String publicKeyBase64) {
        PublicKey key;
        try {
            key = SigningKey.decodePublicKey(publicKeyBase64);
        } catch (MatrixException e) {
            return false;
        }
        return EventSigner.verifyJson(json, signer, keyId, key);
    }

    /** The object as it was signed: without {@code signatures} and {@code unsigned}. */
    static ObjectNode signedPart(ObjectNode json) {
        ObjectNode copy = json.deepCopy();
        copy.remove("signatures");
        copy.remove("unsigned");
        return copy;
    }

    /** Adds one signature to {@code json.signatures[signer][keyId]}. */
    static void addSignature(ObjectNode json, String signer, String keyId, String signature) {
        JsonNode signatures = json.get("signatures");
        ObjectNode all = signatures instanceof ObjectNode o ? o : json.putObject("signatures");
        JsonNode bySigner = all.get(signer);
        (bySigner instanceof ObjectNode o ? o : all.putObject(signer)).put(keyId, signature);
    }

    /** The signatures object of a key object must map user IDs to objects of strings. */
    static void requireSignaturesShape(ObjectNode json, String what) {
        JsonNode signatures = json.get("signatures");
        if (signatures == null) return;
        if (!signatures.isObject()) throw MatrixException.badJson(what + ": 'signatures' must be an object");
        for (Map.Entry<String, JsonNode> signer : signatures.properties()) {
            if (!signer.getValue().isObject()) throw MatrixException.badJson(what + ": signatures must be objects");
            for (Map.Entry<String, JsonNode> sig : signer.getValue().properties()) {
                if (!sig.getValue().isString()) throw MatrixException.badJson(what + ": a signature must be a string");
                try {
                    UnpaddedBase64.decode(sig.getValue().asString());
                } catch (MatrixException e) {
                    throw MatrixException.badJson(what + ": a signature must be unpadded base64");
                }
            }
        }
    }
}
