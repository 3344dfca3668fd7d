package org.bollwerk.search;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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
    record Token(long hash, long streamOrdering, int field, String roomId) {
    }

    /** An event that matched every query word. */
    record Candidate(long streamOrdering, String roomId) {
    }

    /** The rooms of one tenant to search, with the query words hashed under that tenant's search key. */
    record TenantScope(List<String> roomIds, List<Long> hashes) {
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
                params.add(t.roomId());
            }
            db.sql().sql("INSERT INTO search_tokens (token_hash, stream_ordering, field, room_id) VALUES " + values
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
     * Events (newest first, below {@code beforeExclusive}) whose fields contain all {@code words} query words:
     * within each scope, an event must carry {@code words} distinct hashes of that scope.
     */
    List<Candidate> candidates(List<TenantScope> scopes, int words, Collection<Integer> fields, long beforeExclusive,
                               int limit) {
        List<Object> params = new ArrayList<>();
        String sql = matching(scopes, words, fields, beforeExclusive, params) + " ORDER BY stream_ordering DESC LIMIT ?";
        params.add(limit);
        return db.sql().sql(sql).params(params).query((rs, n) -> new Candidate(rs.getLong(1), rs.getString(2))).list();
    }

    /** How many events match, counting at most {@code cap} (the spec's count is approximate). */
    int count(List<TenantScope> scopes, int words, Collection<Integer> fields, int cap) {
        List<Object> params = new ArrayList<>();
        String sql = "SELECT COUNT(*) FROM (" + matching(scopes, words, fields, Long.MAX_VALUE, params) + " LIMIT ?) m";
        params.add(cap);
        return db.sql().sql(sql).params(params).query(Integer.class).single();
    }

    private static String matching(List<TenantScope> scopes, int words, Collection<Integer> fields, long beforeExclusive,
                                   List<Object> params) {
        List<String> ors = new ArrayList<>();
        for (TenantScope scope : scopes) {
            ors.add("(token_hash IN (" + marks(scope.hashes().size()) + ") AND room_id IN (" + marks(scope.roomIds().size()) + "))");
            params.addAll(scope.hashes());
            params.addAll(scope.roomIds());
        }
        params.addAll(fields);
        params.add(beforeExclusive);
        params.add(words);
        return "SELECT stream_ordering, room_id FROM search_tokens WHERE (" + String.join(" OR ", ors) + ")"
                + " AND field IN (" + marks(fields.size()) + ") AND stream_ordering < ?"
                + " GROUP BY stream_ordering, room_id HAVING COUNT(DISTINCT token_hash) = ?";
    }

    private static String marks(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }

    /** Rows and bytes of the index, for the benchmark and the operator. */
    long rows() {
        return db.sql().sql("SELECT COUNT(*) FROM search_tokens").query(Long.class).single();
    }

}
