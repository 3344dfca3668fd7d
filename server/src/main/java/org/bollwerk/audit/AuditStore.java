package org.bollwerk.audit;

import org.bollwerk.storage.Db;
import org.bollwerk.storage.Dialect;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** SQL for admin_audit, audit_chain_head and audit_checkpoints, which this feature owns. */
@Repository
class AuditStore {
    static final String COLUMNS = "id, ts, actor, role, action, target, tenant_id, client_ip, status, outcome, detail, "
            + "seq, prev_hash, hash";
    private final Db db;

    AuditStore(Db db) {
        this.db = db;
    }

    /** The chain's head and anchor. */
    record Head(long seq, long entryId, String hash, long anchorSeq, String anchorHash) {
    }

    record StoredCheckpoint(long seq, long entryId, String hash, long ts, String keyId, String signedJson) {
    }

    static AuditEntry entry(ResultSet rs, int n) throws SQLException {
        return new AuditEntry(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9), rs.getString(10), rs.getString(11),
                rs.getLong(12), rs.getString(13), rs.getString(14));
    }

    private static Head headRow(ResultSet rs, int n) throws SQLException {
        return new Head(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5));
    }

    Head head() {
        return db.sql().sql("SELECT seq, entry_id, hash, anchor_seq, anchor_hash FROM audit_chain_head WHERE id = 1")
                .query(AuditStore::headRow).single();
    }

    /**
     * The head, locked until the write commits: on PostgreSQL a row lock, so appends of several nodes queue up
     * here and each sees the head the previous one left (SQLite has one writer anyway). Only inside a write.
     */
    Head lockHead() {
        String lock = db.dialect() == Dialect.POSTGRESQL ? " FOR UPDATE" : "";
        return db.sql().sql("SELECT seq, entry_id, hash, anchor_seq, anchor_hash FROM audit_chain_head WHERE id = 1" + lock)
                .query(AuditStore::headRow).single();
    }

    void moveHead(long seq, long entryId, String hash) {
        db.sql().sql("UPDATE audit_chain_head SET seq = ?, entry_id = ?, hash = ? WHERE id = 1")
                .params(seq, entryId, hash).update();
    }

    void moveAnchor(long seq, String hash) {
        db.sql().sql("UPDATE audit_chain_head SET anchor_seq = ?, anchor_hash = ? WHERE id = 1").params(seq, hash).update();
    }

    long maxId() {
        return db.sql().sql("SELECT COALESCE(MAX(id), 0) FROM admin_audit").query(Long.class).single();
    }

    void insert(AuditEntry e) {
        db.sql().sql("INSERT INTO admin_audit (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(e.id(), e.ts(), e.actor(), e.role(), e.action(), e.target(), e.tenantId(), e.clientIp(),
                        e.status(), e.outcome(), e.detail(), e.seq(), e.prevHash(), e.hash())
                .update();
    }

    /** Rows written before the chain existed, oldest first. */
    List<AuditEntry> unchained() {
        return db.sql().sql("SELECT " + COLUMNS + " FROM admin_audit WHERE hash IS NULL ORDER BY id").query(AuditStore::entry).list();
    }

    void chain(long id, long seq, String prevHash, String hash) {
        db.sql().sql("UPDATE admin_audit SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?").params(seq, prevHash, hash, id)
                .update();
    }

    Optional<AuditEntry> bySeq(long seq) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM admin_audit WHERE seq = ?").param(seq).query(AuditStore::entry).optional();
    }

    /** Entries with {@code afterSeq < seq <= toSeq} in chain order, at most {@code limit}. */
    List<AuditEntry> chainPage(long afterSeq, long toSeq, int limit) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM admin_audit WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?")
                .params(afterSeq, toSeq, limit).query(AuditStore::entry).list();
    }

    /** Newest first; every filter is optional (null). {@code target} and {@code action} match parts. */
    List<AuditEntry> search(AuditQuery q, String tenantId, int limit) {
        return db.sql().sql("SELECT " + COLUMNS + " FROM admin_audit WHERE id < ? "
                        + "AND (CAST(? AS TEXT) IS NULL OR tenant_id = ?) "
                        + "AND (CAST(? AS BIGINT) IS NULL OR ts >= ?) "
                        + "AND (CAST(? AS BIGINT) IS NULL OR ts < ?) "
                        + "AND (CAST(? AS TEXT) IS NULL OR actor = ?) "
                        + "AND (CAST(? AS TEXT) IS NULL OR action LIKE ? ESCAPE '\\') "
                        + "AND (CAST(? AS TEXT) IS NULL OR target LIKE ? ESCAPE '\\') "
                        + "AND (CAST(? AS TEXT) IS NULL OR outcome = ?) "
                        + "ORDER BY id DESC LIMIT ?")
                .params(q.beforeId() == null ? Long.MAX_VALUE : q.beforeId(), tenantId, tenantId, q.from(), q.from(),
                        q.to(), q.to(), q.actor(), q.actor(), q.action(), contains(q.action()), q.target(),
                        contains(q.target()), q.outcome(), q.outcome(), limit)
                .query(AuditStore::entry).list();
    }

    private static String contains(String text) {
        if (text == null) return null;
        return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }

    /** Deletes the chain's prefix up to {@code seq} (retention). */
    int deleteUpTo(long seq) {
        return db.sql().sql("DELETE FROM admin_audit WHERE seq <= ?").param(seq).update();
    }

    /** The highest seq older than {@code cutoff}, such that everything up to it is older too. */
    long lastSeqBefore(long cutoff) {
        Long firstYoung = db.sql().sql("SELECT MIN(seq) FROM admin_audit WHERE ts >= ?").param(cutoff)
                .query(Long.class).optional().orElse(null);
        if (firstYoung != null) return firstYoung - 1;
        return db.sql().sql("SELECT COALESCE(MAX(seq), 0) FROM admin_audit").query(Long.class).single();
    }

    // ---- checkpoints

    private static StoredCheckpoint checkpoint(ResultSet rs, int n) throws SQLException {
        return new StoredCheckpoint(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getString(6));
    }

    /** @return false when this seq was checkpointed already (by another node) */
    boolean insertCheckpoint(StoredCheckpoint c) {
        return db.sql().sql("INSERT INTO audit_checkpoints (seq, entry_id, hash, ts, key_id, signed_json) "
                        + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING")
                .params(c.seq(), c.entryId(), c.hash(), c.ts(), c.keyId(), c.signedJson()).update() == 1;
    }

    Optional<StoredCheckpoint> checkpointAt(long seq) {
        return db.sql().sql("SELECT seq, entry_id, hash, ts, key_id, signed_json FROM audit_checkpoints WHERE seq = ?")
                .param(seq).query(AuditStore::checkpoint).optional();
    }

    Optional<StoredCheckpoint> latestCheckpoint() {
        return db.sql().sql("SELECT seq, entry_id, hash, ts, key_id, signed_json FROM audit_checkpoints "
                + "ORDER BY seq DESC LIMIT 1").query(AuditStore::checkpoint).optional();
    }

    /** Checkpoints up to {@code toSeq}, oldest first. */
    List<StoredCheckpoint> checkpoints(long toSeq) {
        return db.sql().sql("SELECT seq, entry_id, hash, ts, key_id, signed_json FROM audit_checkpoints WHERE seq <= ? "
                + "ORDER BY seq").param(toSeq).query(AuditStore::checkpoint).list();
    }

    /** Newest first, before {@code beforeSeq}. */
    List<StoredCheckpoint> recentCheckpoints(long beforeSeq, int limit) {
        return db.sql().sql("SELECT seq, entry_id, hash, ts, key_id, signed_json FROM audit_checkpoints WHERE seq < ? "
                + "ORDER BY seq DESC LIMIT ?").params(beforeSeq, limit).query(AuditStore::checkpoint).list();
    }
}
