package org.bollwerk.search;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** SQL for {@code search_tokens} and {@code search_index_position}, which this feature owns. */
@Repository
class SearchIndexStore {
    /** Rows per INSERT statement (4 parameters each, well below SQLite's parameter limit). */
    private static final int ROWS_PER_INSERT = 250;
    private final Db db;

    SearchIndexStore(Db db) {
        this.db = db;
    }

    /** One word of one event's field, the word as its keyed hash. */
    record Token(long hash, long streamOrdering, int field, long roomRef) {
    }

    /** An event that matched every query word. */
    record Candidate(long streamOrdering, long roomRef) {
    }

    /** The rooms of one tenant to search, with the query words hashed under that tenant's search key. */
    record TenantScope(List<Long> roomRefs, List<Long> hashes) {
    }

    /** How a room appears in the index: 64 bits of SHA-256 of its ID (8 bytes a row instead of ~40). */
    static long roomRef(String roomId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(roomId.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    long position() {
        return db.sql().sql("SELECT position FROM search_index_position WHERE id = 1").query(Long.class).single();
    }

    /** Inside a write: moves the position forward (never back, should two indexers overlap). */
    void advance(long to) {
        db.sql().sql("UPDATE search_index_position SET position = ? WHERE id = 1 AND position < ?").params(to, to).update();
    }

    /** Inside a write; a token already present (an indexer run repeated after a crash) is left as it is. */
    void insert(List<Token> tokens) {
        for (int from = 0; from < tokens.size(); from += ROWS_PER_INSERT) {
            List<Token> chunk = tokens.subList(from, Math.min(tokens.size(), from + ROWS_PER_INSERT));
            String values = String.join(",", Collections.nCopies(chunk.size(), "(?, ?, ?, ?)"));
            List<Object> params = new ArrayList<>(chunk.size() * 4);
            for (Token t : chunk) {
                params.add(t.hash());
                params.add(t.streamOrdering());
                params.add(t.field());
                params.add(t.roomRef());
            }
            db.sql().sql("INSERT INTO search_tokens (token_hash, stream_ordering, field, room_ref) VALUES " + values
                    + " ON CONFLICT DO NOTHING").params(params).update();
        }
    }

    /** Inside a write: removes every token of the events (redacted, expired). */
    void deleteEvents(Collection<Long> streamOrderings) {
        for (Long ordering : streamOrderings) {
            db.sql().sql("DELETE FROM search_tokens WHERE stream_ordering = ?").param(ordering).update();
        }
    }

    /**
     * Events (newest first, below {@code beforeExclusive}) whose fields contain every query word of their
     * scope. Per scope, the rarest word's rows are walked newest first along the primary key, each checked for
     * the other words by a key lookup, so a common word costs no more than the page it fills.
     */
    List<Candidate> candidates(List<TenantScope> scopes, Collection<Integer> fields, long beforeExclusive, int limit) {
        List<Candidate> all = new ArrayList<>();
        for (TenantScope scope : scopes) {
            List<Object> params = new ArrayList<>();
            String sql = matching(scope, fields, beforeExclusive, params) + " ORDER BY t.stream_ordering DESC LIMIT ?";
            params.add(limit);
            all.addAll(db.sql().sql(sql).params(params).query((rs, n) -> new Candidate(rs.getLong(1), rs.getLong(2))).list());
        }
        if (scopes.size() > 1) all.sort(Comparator.comparingLong(Candidate::streamOrdering).reversed());
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }

    /** How many events match, counting at most {@code cap} (the spec's count is approximate). */
    int count(List<TenantScope> scopes, Collection<Integer> fields, int cap) {
        int total = 0;
        for (TenantScope scope : scopes) {
            List<Object> params = new ArrayList<>();
            String sql = "SELECT COUNT(*) FROM (" + matching(scope, fields, Long.MAX_VALUE, params) + " LIMIT ?) m";
            params.add(cap);
            total += db.sql().sql(sql).params(params).query(Integer.class).single();
        }
        return Math.min(total, cap);
    }

    private String matching(TenantScope scope, Collection<Integer> fields, long beforeExclusive, List<Object> params) {
        List<Long> others = new ArrayList<>(scope.hashes());
        Long driver = rarest(scope.hashes());
        others.remove(driver);
        StringBuilder sql = new StringBuilder("SELECT t.stream_ordering, t.room_ref FROM search_tokens t WHERE t.token_hash = ?"
                + " AND t.stream_ordering < ? AND t.field IN (" + marks(fields.size()) + ") AND t.room_ref IN ("
                + marks(scope.roomRefs().size()) + ")");
        params.add(driver);
        params.add(beforeExclusive);
        params.addAll(fields);
        params.addAll(scope.roomRefs());
        for (Long other : others) {
            sql.append(" AND EXISTS (SELECT 1 FROM search_tokens o WHERE o.token_hash = ? AND o.stream_ordering = t.stream_ordering)");
            params.add(other);
        }
        return sql.toString();
    }

    /** The word with the fewest rows (counted up to a bound, so a common word costs little to rule out). */
    private Long rarest(List<Long> hashes) {
        if (hashes.size() == 1) return hashes.get(0);
        Long rarest = null;
        int fewest = Integer.MAX_VALUE;
        for (Long hash : hashes) {
            int rows = db.sql().sql("SELECT COUNT(*) FROM (SELECT 1 FROM search_tokens WHERE token_hash = ? LIMIT 5000) c")
                    .param(hash).query(Integer.class).single();
            if (rows < fewest) {
                fewest = rows;
                rarest = hash;
            }
        }
        return rarest;
    }

    private static String marks(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }

    /** Rows and bytes of the index, for the benchmark and the operator. */
    long rows() {
        return db.sql().sql("SELECT COUNT(*) FROM search_tokens").query(Long.class).single();
    }

}
