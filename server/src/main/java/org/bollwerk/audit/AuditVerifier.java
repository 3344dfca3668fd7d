package org.bollwerk.audit;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.crypto.EventSigner;
import org.bollwerk.matrix.crypto.SigningKey;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a run of chained entries against its anchor and against signed checkpoints, and names the first
 * broken or missing entry. Pure (no database, no Spring): the server's verify API and the offline CLI
 * ({@link AuditVerifyCli}) feed it the same JSON lines, so both judge alike.
 *
 * <p>Order of checks: every checkpoint's signature first (an unsigned or wrongly signed one is itself a
 * finding); then the entries in chain order — each must follow its predecessor ({@code seq} + 1), name its
 * hash ({@code prev_hash}) and carry the hash of its own fields — and match every checkpoint at its seq;
 * finally checkpoints beyond the last entry mean entries are missing at the end.
 */
public final class AuditVerifier {

    /** The outcome. {@code brokenSeq}/{@code brokenId} name the first bad or missing entry (null when ok). */
    public record Result(boolean ok, long entries, long firstSeq, long lastSeq, int checkpointsMatched,
                         Long brokenSeq, Long brokenId, String problem, List<String> notes) {
    }

    /** Where the chain starts: seq 0 with {@link AuditChain#GENESIS}, or the last entry retention deleted. */
    public record Anchor(long seq, String hash) {
    }

    private record Checkpoint(long seq, long entryId, String hash) {
    }

    private final String signerName;
    private final Map<String, String> publicKeys;

    /** @param publicKeys key ID ({@code ed25519:...}) to raw public key, unpadded base64 */
    public AuditVerifier(String signerName, Map<String, String> publicKeys) {
        this.signerName = signerName;
        this.publicKeys = publicKeys;
    }

    public Result verify(Anchor anchor, Iterator<? extends JsonNode> entries, List<? extends JsonNode> checkpoints) {
        List<String> notes = new ArrayList<>();
        TreeMap<Long, Checkpoint> bySeq = new TreeMap<>();
        for (JsonNode c : checkpoints) {
            String bad = signatureProblem(c);
            long seq = c.path("seq").asLong(-1);
            if (bad != null) return broken(0, 0, 0, 0, seq, null, "checkpoint at seq " + seq + ": " + bad, notes);
            Checkpoint cp = new Checkpoint(seq, c.path("entry_id").asLong(), c.path("hash").asString(""));
            Checkpoint other = bySeq.putIfAbsent(seq, cp);
            if (other != null && !other.hash().equals(cp.hash())) {
                return broken(0, 0, 0, 0, seq, cp.entryId(), "two validly signed checkpoints disagree on entry seq " + seq
                        + " (the log was forked or rewritten with the signing key)", notes);
            }
        }
        int matched = 0;
        for (Checkpoint cp : bySeq.headMap(anchor.seq(), false).values()) {
            notes.add("checkpoint at seq " + cp.seq() + " predates the retention anchor (seq " + anchor.seq()
                    + "): its entries were deleted by retention and cannot be checked");
        }
        Checkpoint atAnchor = bySeq.get(anchor.seq());
        if (anchor.seq() > 0) {
            if (atAnchor == null) {
                return broken(0, 0, 0, 0, anchor.seq(), null, "the chain starts after seq " + anchor.seq()
                        + " but no signed checkpoint vouches for that anchor", notes);
            }
            if (!atAnchor.hash().equals(anchor.hash())) {
                return broken(0, 0, 0, 0, anchor.seq(), atAnchor.entryId(), "the anchor hash at seq " + anchor.seq()
                        + " differs from its signed checkpoint", notes);
            }
            matched++;
        }

        long expectedSeq = anchor.seq() + 1;
        String prev = anchor.hash();
        long count = 0;
        long first = 0;
        long last = anchor.seq();
        while (entries.hasNext()) {
            JsonNode e = entries.next();
            long seq = e.path("seq").asLong(-1);
            long id = e.path("id").asLong(-1);
            if (count == 0) first = seq;
            if (seq != expectedSeq) {
                String what = seq > expectedSeq
                        ? "entry seq " + expectedSeq + (seq - expectedSeq > 1 ? ".." + (seq - 1) : "") + " missing (next present: seq " + seq + ")"
                        : "entry seq " + seq + " out of order (expected seq " + expectedSeq + ")";
                return broken(count, first, last, matched, expectedSeq, seq > expectedSeq ? null : id, what, notes);
            }
            if (!prev.equals(e.path("prev_hash").asString(""))) {
                return broken(count, first, last, matched, seq, id, "entry seq " + seq + " (id " + id
                        + ") does not link to its predecessor: an entry before it was deleted, reordered or altered", notes);
            }
            String hash = AuditChain.hashOfLine(e);
            if (!hash.equals(e.path("hash").asString(""))) {
                return broken(count, first, last, matched, seq, id, "entry seq " + seq + " (id " + id
                        + ") was altered: its fields do not match its hash", notes);
            }
            Checkpoint cp = bySeq.get(seq);
            if (cp != null) {
                if (!cp.hash().equals(hash)) {
                    return broken(count, first, last, matched, seq, id, "entry seq " + seq + " (id " + id
                            + ") differs from the signed checkpoint: the log up to here was rewritten", notes);
                }
                matched++;
            }
            prev = hash;
            last = seq;
            expectedSeq++;
            count++;
        }
        Map.Entry<Long, Checkpoint> beyond = bySeq.higherEntry(last);
        if (beyond != null) {
            Checkpoint cp = bySeq.lastEntry().getValue();
            return broken(count, first, last, matched, last + 1, null, "entries seq " + (last + 1) + ".." + cp.seq()
                    + " missing: the log ends at seq " + last + " but a signed checkpoint covers seq " + cp.seq()
                    + " (id " + cp.entryId() + ")", notes);
        }
        return new Result(true, count, first, last, matched, null, null, null, notes);
    }

    private static Result broken(long count, long first, long last, int matched, long seq, Long id, String problem,
                                 List<String> notes) {
        return new Result(false, count, first, last, matched, seq, id, problem, notes);
    }

    /** Why the checkpoint's signature does not hold, or null when one known key signed it. */
    private String signatureProblem(JsonNode c) {
        if (!(c instanceof ObjectNode checkpoint) || !AuditChain.CHECKPOINT_TYPE.equals(c.path("type").asString(""))) {
            return "not a checkpoint";
        }
        JsonNode signatures = c.path("signatures").path(signerName);
        if (!signatures.isObject() || signatures.isEmpty()) return "not signed by " + signerName;
        for (String keyId : signatures.propertyNames()) {
            String publicKey = publicKeys.get(keyId);
            if (publicKey == null) continue;
            try {
                PublicKey key = SigningKey.decodePublicKey(publicKey);
                if (EventSigner.verifyJson(checkpoint, signerName, keyId, key)) return null;
            } catch (MatrixException e) {
                return "unreadable: " + e.getMessage();
            }
            return "signature by " + keyId + " is invalid (altered checkpoint)";
        }
        return "signed by an unknown key " + signatures.propertyNames();
    }
}
