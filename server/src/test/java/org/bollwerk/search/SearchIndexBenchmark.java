package org.bollwerk.search;

import org.bollwerk.keys.SearchTokenHasher;
import org.bollwerk.storage.Db;
import org.bollwerk.storage.Dialect;
import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/**
 * Size and speed of the search index (docs/benchmarks.md, "Search index"). Not part of the build: runs only
 * with {@code -Dbollwerk.bench.search=<messages>}, e.g.
 * {@code bin/with-jdk ./mvnw -B -o -q -pl matrix-core,server -am test -Dtest=SearchIndexBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dbollwerk.bench.search=1000000} (add the PostgreSQL flags of the
 * README to measure PostgreSQL).
 *
 * <p>Part 1 indexes that many synthetic messages (5–25 words each from a 20,000-word vocabulary with Zipf
 * frequencies, like natural language) into {@code search_tokens} exactly as the indexer does — real keyed
 * hashes, same SQL, 1,000 messages per write — and measures the write rate, the index size and the time of
 * the index lookup for rare, medium and common words and a two-word query. Part 2 sends
 * {@code bollwerk.bench.search.real} (default 5,000) real messages through the API, lets the indexer catch up
 * and times whole {@code /search} requests (lookup, decryption, visibility, ranking) by rank and by recency.
 */
@EnabledIfSystemProperty(named = "bollwerk.bench.search", matches = "\\d+")
class SearchIndexBenchmark extends TenantTestBase {
    private static final int VOCABULARY = 20_000;
    private static final long SYNTHETIC_BASE = 1_000_000_000_000L;

    @Autowired
    Db db;
    @Autowired
    SearchIndexStore store;
    @Autowired
    SearchTokenHasher hasher;
    @Autowired
    SearchIndexer indexer;

    @Test
    void measure() throws Exception {
        int messages = Integer.getInteger("bollwerk.bench.search");
        int real = Integer.getInteger("bollwerk.bench.search.real", 5_000);
        String tenant = uniqueTenantId("bench");
        String domain = newTenant(tenant);
        TenantUser alice = newUser("alice", domain);
        String roomId = ok(http.send("POST", V3 + "/createRoom", alice.token(), Map.of("preset", "public_chat")))
                .get("room_id").asString();
        String[] words = vocabulary();
        double[] cumulative = zipf(VOCABULARY);
        Random random = new Random(42);
        System.out.printf("%n== search index benchmark: %,d synthetic messages, %,d real, %s%n", messages, real, db.dialect());

        // ---- part 1: the index at scale
        long sizeBefore = indexBytes();
        long rows = 0;
        long started = System.nanoTime();
        SearchTokenHasher.Hasher h = hasher.forTenant(tenant);
        long roomRef = SearchIndexStore.roomRef(roomId);
        for (int from = 0; from < messages; from += 1000) {
            List<SearchIndexStore.Token> tokens = new ArrayList<>();
            for (int i = from; i < Math.min(messages, from + 1000); i++) {
                for (String token : SearchTokens.distinct(sentence(words, cumulative, random))) {
                    tokens.add(new SearchIndexStore.Token(h.hash(token), SYNTHETIC_BASE + i, SearchField.BODY.code, roomRef));
                }
            }
            rows += tokens.size();
            db.write(() -> store.insert(tokens));
            if ((from / 1000) % 100 == 99) System.out.printf("  %,d messages indexed%n", from + 1000);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long size = indexBytes() - sizeBefore;
        System.out.printf("indexed %,d messages (%,d index rows, %.1f per message) in %.1f s: %,.0f messages/s%n",
                messages, rows, rows / (double) messages, seconds, messages / seconds);
        System.out.printf("index size: %,d bytes = %.1f MiB = %.0f bytes per message, %.0f per row%n",
                size, size / 1048576.0, size / (double) messages, size / (double) rows);
        List<SearchIndexStore.TenantScope> scope;
        for (int[] rank : new int[][]{{VOCABULARY - 1}, {2000}, {200}, {20}, {1}, {300, 400}}) {
            List<Long> hashes = Arrays.stream(rank).mapToObj(r -> h.hash(words[r - 1 < 0 ? 0 : r - 1])).toList();
            scope = List.of(new SearchIndexStore.TenantScope(List.of(roomRef), hashes));
            List<SearchIndexStore.TenantScope> s = scope;
            long[] lookup = time(20, () -> store.candidates(s, List.of(0), Long.MAX_VALUE, RoomEventSearch.RANK_WINDOW));
            long[] count = time(5, () -> store.count(s, List.of(0), 10_000));
            int found = store.candidates(s, List.of(0), Long.MAX_VALUE, RoomEventSearch.RANK_WINDOW).size();
            System.out.printf("lookup word rank(s) %s: %d candidates (of max %d), p50 %.1f ms, max %.1f ms; count p50 %.1f ms%n",
                    Arrays.toString(rank), found, RoomEventSearch.RANK_WINDOW, lookup[0] / 1e6, lookup[1] / 1e6, count[0] / 1e6);
        }

        // ---- part 2: whole requests over real, encrypted messages
        String realRoom = ok(http.send("POST", V3 + "/createRoom", alice.token(), Map.of("preset", "public_chat")))
                .get("room_id").asString();
        long sendStarted = System.nanoTime();
        try (var pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> sends = new ArrayList<>();
            for (int i = 0; i < real; i++) {
                String body = sentence(words, cumulative, new Random(i));
                sends.add(pool.submit(() -> ok(http.send("PUT", V3 + "/rooms/" + encode(realRoom) + "/send/m.room.message/"
                        + UUID.randomUUID(), alice.token(), Map.of("msgtype", "m.text", "body", body)))));
            }
            for (Future<?> f : sends) f.get();
        }
        System.out.printf("sent %,d real messages in %.1f s%n", real, (System.nanoTime() - sendStarted) / 1e9);
        long indexStarted = System.nanoTime();
        indexer.catchUp();
        System.out.printf("indexer caught up on them in %.1f s%n", (System.nanoTime() - indexStarted) / 1e9);
        for (String word : List.of(words[0], words[49], words[999], words[9999])) {
            for (String order : List.of("rank", "recent")) {
                Map<String, Object> body = Map.of("search_categories", Map.of("room_events", Map.of("search_term", word,
                        "order_by", order, "filter", Map.of("rooms", List.of(realRoom)))));
                int[] results = new int[2];
                long[] t = time(10, () -> {
                    var rooms = ok(http.send("POST", V3 + "/search", alice.token(), body)).get("search_categories").get("room_events");
                    results[0] = rooms.get("results").size();
                    results[1] = rooms.get("count").asInt();
                });
                System.out.printf("/search '%s' by %s: %d results of %d, p50 %.1f ms, max %.1f ms%n", word, order,
                        results[0], results[1], t[0] / 1e6, t[1] / 1e6);
            }
        }
        db.write(() -> db.sql().sql("DELETE FROM search_tokens WHERE stream_ordering >= ?").param(SYNTHETIC_BASE).update());
    }

    private long indexBytes() {
        if (db.dialect() == Dialect.POSTGRESQL) {
            return db.sql().sql("SELECT pg_total_relation_size('search_tokens')").query(Long.class).single();
        }
        db.sql().sql("PRAGMA wal_checkpoint(TRUNCATE)").query((rs, n) -> 0).list();
        return db.sql().sql("SELECT SUM(pgsize) FROM dbstat WHERE name IN "
                + "('search_tokens', 'search_tokens_event')").query(Long.class).single();
    }

    /** p50 and max nanoseconds of {@code runs} runs (after one warm-up). */
    private static long[] time(int runs, Runnable work) {
        work.run();
        long[] samples = new long[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            work.run();
            samples[i] = System.nanoTime() - t;
        }
        Arrays.sort(samples);
        return new long[]{samples[runs / 2], samples[runs - 1]};
    }

    /** Pseudo-words "w0".."w19999" spelled as letters so the tokenizer keeps each one whole. */
    private static String[] vocabulary() {
        String[] words = new String[VOCABULARY];
        for (int i = 0; i < VOCABULARY; i++) {
            StringBuilder w = new StringBuilder();
            int n = i;
            do {
                w.append((char) ('a' + n % 26));
                n /= 26;
            } while (n > 0);
            words[i] = w.append("x").toString();
        }
        return words;
    }

    private static double[] zipf(int n) {
        double[] cumulative = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / (i + 1);
            cumulative[i] = sum;
        }
        for (int i = 0; i < n; i++) cumulative[i] /= sum;
        return cumulative;
    }

    private static String sentence(String[] words, double[] cumulative, Random random) {
        int length = 5 + random.nextInt(21);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int index = Arrays.binarySearch(cumulative, random.nextDouble());
            if (index < 0) index = -index - 1;
            s.append(words[Math.min(index, words.length - 1)]).append(' ');
        }
        return s.toString();
    }

    private static tools.jackson.databind.JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }
}
