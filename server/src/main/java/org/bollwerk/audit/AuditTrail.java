package org.bollwerk.audit;

import org.bollwerk.keys.AuditSigningKey;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Records administrative actions in the admin_audit table, which this feature owns, and reads them back.
 * Every entry is chained to its predecessor by a SHA-256 hash ({@link AuditChain}); appends take the chain
 * head under a lock inside the write, so the chain never forks, not even with several nodes on PostgreSQL.
 * Signed checkpoints, export, verification and retention live here too (see docs/audit-log.md).
 */
@Service
public class AuditTrail {
    private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
    private static final int MAX_TEXT = 512;
    private static final int MAX_DETAIL = 4096;
    private static final int PAGE = 1000;
    /** The actor of entries the server itself makes (retention, checkpoints it had to refuse). */
    public static final String SYSTEM = "system";

    private final Db db;
    private final AuditStore store;
    private final AuditSigningKey signingKey;

    AuditTrail(Db db, AuditStore store, AuditSigningKey signingKey) {
        this.db = db;
        this.store = store;
        this.signingKey = signingKey;
        chainLegacyRows();
        if (signingKey.createdAtThisStart()) {
            record(SYSTEM, null, "keys.audit_signing_key.created", signingKey.keyId(), null, null, 200,
                    "public key " + signingKey.publicKeyBase64());
        }
    }

    public void record(String actor, String role, String action, String target, String tenantId, String clientIp,
                       int status) {
        record(actor, role, action, target, tenantId, clientIp, status, null);
    }

    /** As {@link #record(String, String, String, String, String, String, int)}, with what changed in {@code detail}. */
    public void record(String actor, String role, String action, String target, String tenantId, String clientIp,
                       int status, String detail) {
        String outcome = status < 400 ? "ok" : status == 401 || status == 403 ? "refused" : "failed";
        long now = System.currentTimeMillis();
        db.write(() -> {
            AuditStore.Head head = store.lockHead();
            long id = Math.max(head.entryId(), store.maxId()) + 1;
            AuditEntry unhashed = new AuditEntry(id, now, cut(actor, MAX_TEXT), cut(role, MAX_TEXT), cut(action, MAX_TEXT),
                    cut(target, MAX_TEXT), cut(tenantId, MAX_TEXT), cut(clientIp, MAX_TEXT), status, outcome,
                    cut(detail, MAX_DETAIL), head.seq() + 1, head.hash(), null);
            AuditEntry entry = withHash(unhashed);
            store.insert(entry);
            store.moveHead(entry.seq(), entry.id(), entry.hash());
        });
    }

    /** The newest entries first, optionally of one tenant, before entry {@code beforeId} (null: from the newest). */
    public List<AuditEntry> recent(String tenantId, Long beforeId, int limit) {
        return search(new AuditQuery(null, null, null, null, null, null, beforeId), tenantId, limit);
    }

    /**
     * Entries matching {@code query}, newest first, of one tenant ({@code tenantId}) or all (null). Callers that
     * show the result to a person record that read with {@link #record} (the admin API does so for every call).
     */
    public List<AuditEntry> search(AuditQuery query, String tenantId, int limit) {
        return store.search(query, tenantId, limit);
    }

    // ---- checkpoints

    /** A signed checkpoint: the exact JSON that was signed, and the fields it vouches for. */
    public record Checkpoint(long seq, long entryId, String hash, long ts, String keyId, String signedJson) {
    }

    /**
     * Signs the current head (seq, entry ID, hash, time), unless it is signed already: idempotent, so several
     * nodes doing it on the same schedule store one checkpoint. Refuses to sign a head whose entries since
     * the previous checkpoint do not verify. Empty if nothing was ever recorded.
     */
    public Optional<Checkpoint> checkpoint() {
        AuditStore.Head head = store.head();
        if (head.seq() == 0 || head.seq() == head.anchorSeq()) {
            return store.latestCheckpoint().map(AuditTrail::checkpoint);
        }
        return Optional.of(checkpointAt(head.seq(), head.entryId(), head.hash()));
    }

    private Checkpoint checkpointAt(long seq, long entryId, String hash) {
        Optional<AuditStore.StoredCheckpoint> existing = store.checkpointAt(seq);
        if (existing.isPresent()) return checkpoint(existing.get());
        AuditVerifier.Result sinceLast = verifySegment(seq);
        if (!sinceLast.ok()) {
            throw new IllegalStateException("Audit log: refusing to sign a checkpoint at seq " + seq + ": "
                    + sinceLast.problem());
        }
        long now = System.currentTimeMillis();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("type", AuditChain.CHECKPOINT_TYPE);
        body.put("server_name", signingKey.signerName());
        body.put("seq", seq);
        body.put("entry_id", entryId);
        body.put("hash", hash);
        body.put("ts", now);
        String signed = Json.write(signingKey.sign(body));
        db.write(() -> store.insertCheckpoint(new AuditStore.StoredCheckpoint(seq, entryId, hash, now, signingKey.keyId(),
                signed)));
        return checkpoint(store.checkpointAt(seq).orElseThrow());
    }

    /** Signed checkpoints, newest first, before {@code beforeSeq} (null: from the newest). */
    public List<Checkpoint> checkpoints(Long beforeSeq, int limit) {
        return store.recentCheckpoints(beforeSeq == null ? Long.MAX_VALUE : beforeSeq, limit).stream()
                .map(AuditTrail::checkpoint).toList();
    }

    private static Checkpoint checkpoint(AuditStore.StoredCheckpoint c) {
        return new Checkpoint(c.seq(), c.entryId(), c.hash(), c.ts(), c.keyId(), c.signedJson());
    }

    /** Checks the entries after the latest checkpoint up to {@code toSeq} (before signing the next one). */
    private AuditVerifier.Result verifySegment(long toSeq) {
        AuditStore.Head head = store.head();
        Optional<AuditStore.StoredCheckpoint> last = store.latestCheckpoint().filter(c -> c.seq() >= head.anchorSeq());
        AuditVerifier.Anchor from = last.map(c -> new AuditVerifier.Anchor(c.seq(), c.hash()))
                .orElse(new AuditVerifier.Anchor(head.anchorSeq(), head.anchorHash()));
        List<ObjectNode> checkpoints = last.map(c -> List.of(Json.parseObject(c.signedJson().getBytes(
                java.nio.charset.StandardCharsets.UTF_8)))).orElse(List.of());
        if (from.seq() > 0 && checkpoints.isEmpty()) {
            // no checkpoint at the anchor (a fresh chain): the verifier would ask for one
            checkpoints = store.checkpointAt(from.seq()).map(c -> List.of(Json.parseObject(c.signedJson()
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)))).orElse(List.of());
        }
        return verifier().verify(from, entryLines(from.seq(), toSeq), checkpoints);
    }

    // ---- verification and export

    /** Public keys and signer name of this server, for verifying its checkpoints. */
    public AuditVerifier verifier() {
        return new AuditVerifier(signingKey.signerName(), signingKey.publicKeys());
    }

    /**
     * Verifies the whole stored chain from its anchor to its head against the stored checkpoints and
     * {@code trusted} ones kept elsewhere (signed checkpoint JSON, e.g. from an earlier export).
     */
    public AuditVerifier.Result verify(List<? extends JsonNode> trusted) {
        AuditStore.Head head = store.head();
        List<JsonNode> checkpoints = new ArrayList<>(trusted);
        for (AuditStore.StoredCheckpoint c : store.checkpoints(Long.MAX_VALUE)) {
            checkpoints.add(Json.parseObject(c.signedJson().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        AuditVerifier.Result result = verifier().verify(new AuditVerifier.Anchor(head.anchorSeq(), head.anchorHash()),
                entryLines(head.anchorSeq(), head.seq()), checkpoints);
        if (result.ok() && result.lastSeq() != head.seq()) {
            return new AuditVerifier.Result(false, result.entries(), result.firstSeq(), result.lastSeq(),
                    result.checkpointsMatched(), result.lastSeq() + 1, head.entryId(), "entries seq " + (result.lastSeq() + 1)
                    + ".." + head.seq() + " missing: the chain head names seq " + head.seq(), result.notes());
        }
        return result;
    }

    /**
     * Writes the chain as JSON Lines: a header (server name, public keys, anchor, head), every entry in
     * chain order, then every signed checkpoint. Enough to verify offline with {@link AuditVerifyCli}.
     */
    public void export(Writer out) {
        AuditStore.Head head = store.head();
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("type", AuditChain.EXPORT_TYPE);
        header.put("version", 1);
        header.put("server_name", signingKey.signerName());
        header.put("exported_ts", System.currentTimeMillis());
        ObjectNode keys = header.putObject("public_keys");
        signingKey.publicKeys().forEach(keys::put);
        header.putObject("anchor").put("seq", head.anchorSeq()).put("hash", head.anchorHash());
        header.putObject("head").put("seq", head.seq()).put("entry_id", head.entryId()).put("hash", head.hash());
        try {
            out.write(Json.write(header));
            out.write('\n');
            Iterator<ObjectNode> entries = entryLines(head.anchorSeq(), head.seq());
            while (entries.hasNext()) {
                out.write(Json.write(entries.next()));
                out.write('\n');
            }
            for (AuditStore.StoredCheckpoint c : store.checkpoints(head.seq())) {
                out.write(c.signedJson());
                out.write('\n');
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the audit export", e);
        }
    }

    /** Entries with {@code afterSeq < seq <= toSeq} as export lines, read page by page. */
    private Iterator<ObjectNode> entryLines(long afterSeq, long toSeq) {
        return new Iterator<>() {
            private List<AuditEntry> page = List.of();
            private int index;
            private long after = afterSeq;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (index < page.size()) return true;
                if (done) return false;
                page = store.chainPage(after, toSeq, PAGE);
                index = 0;
                if (page.size() < PAGE) done = true;
                if (!page.isEmpty()) after = page.getLast().seq();
                return !page.isEmpty();
            }

            @Override
            public ObjectNode next() {
                if (!hasNext()) throw new NoSuchElementException();
                return AuditChain.json(page.get(index++));
            }
        };
    }

    // ---- retention

    /**
     * Deletes the entries older than {@code retentionDays} (a prefix of the chain). A signed checkpoint is made
     * at the last deleted entry first and becomes the chain's anchor, so what remains still verifies. The
     * deletion is itself recorded. Returns how many entries were deleted.
     */
    public int applyRetention(int retentionDays) {
        if (retentionDays <= 0) return 0;
        long cutoff = System.currentTimeMillis() - retentionDays * 86_400_000L;
        AuditStore.Head head = store.head();
        long lastOld = Math.min(store.lastSeqBefore(cutoff), head.seq());
        if (lastOld <= head.anchorSeq()) return 0;
        AuditEntry anchor = store.bySeq(lastOld).orElseThrow();
        checkpointAt(anchor.seq(), anchor.id(), anchor.hash());
        int deleted = db.write(() -> {
            AuditStore.Head locked = store.lockHead();
            if (locked.anchorSeq() >= anchor.seq()) return 0;  // another node was first
            int n = store.deleteUpTo(anchor.seq());
            store.moveAnchor(anchor.seq(), anchor.hash());
            return n;
        });
        if (deleted > 0) {
            log.info("Audit log retention: deleted {} entries up to seq {} (older than {} days)", deleted, anchor.seq(),
                    retentionDays);
            record(SYSTEM, null, "audit.retention", "seq<=" + anchor.seq(), null, null, 200,
                    "deleted " + deleted + " entries older than " + retentionDays + " days; new anchor seq "
                            + anchor.seq() + " hash " + anchor.hash());
        }
        return deleted;
    }

    // ---- internals

    /** Chains rows written before the chain existed (V52 rows), in id order, once. */
    private void chainLegacyRows() {
        int chained = db.write(() -> {
            AuditStore.Head head = store.lockHead();
            List<AuditEntry> rows = store.unchained();
            if (rows.isEmpty()) return 0;
            long seq = head.seq();
            String prev = head.hash();
            long id = head.entryId();
            for (AuditEntry row : rows) {
                AuditEntry linked = withHash(new AuditEntry(row.id(), row.ts(), row.actor(), row.role(), row.action(),
                        row.target(), row.tenantId(), row.clientIp(), row.status(), row.outcome(), row.detail(), ++seq,
                        prev, null));
                store.chain(row.id(), linked.seq(), linked.prevHash(), linked.hash());
                prev = linked.hash();
                id = Math.max(id, row.id());
            }
            store.moveHead(seq, id, prev);
            return rows.size();
        });
        if (chained > 0) log.info("Audit log: chained {} entries recorded before the hash chain existed", chained);
    }

    private static AuditEntry withHash(AuditEntry e) {
        return new AuditEntry(e.id(), e.ts(), e.actor(), e.role(), e.action(), e.target(), e.tenantId(), e.clientIp(),
                e.status(), e.outcome(), e.detail(), e.seq(), e.prevHash(), AuditChain.hash(e));
    }

    private static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max);
    }
}
