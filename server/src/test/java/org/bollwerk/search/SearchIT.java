package org.bollwerk.search;

import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantTestBase;
import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/** {@code POST /search} over real rooms, on both databases: what is found, in which order, and what never is. */
class SearchIT extends TenantTestBase {
    private static final String SEARCH = V3 + "/search";

    @Autowired
    SearchIndexer indexer;
    @Autowired
    Db db;

    @Test
    void findsMessagesOfTheUsersRoomsNewestFirstOrBestRankedWithHighlights() {
        String domain = newTenant(uniqueTenantId("srch"));
        TenantUser alice = newUser("alice", domain);
        TenantUser bob = newUser("bob", domain);
        String shared = publicRoom(alice, "Planning");
        join(bob, shared);
        String alicesOwn = publicRoom(alice, "Private notes");
        String first = message(alice, shared, "The quarterly budget review is on Monday");
        message(bob, shared, "Lunch anyone?");
        String best = message(bob, shared, "Budget, budget, BUDGET!");
        message(alice, alicesOwn, "my budget secrets");
        String newest = message(alice, shared, "Ｂｕｄｇｅｔ approved by the board after a long discussion");
        indexer.catchUp();

        JsonNode recent = roomEvents(search(bob, Map.of("search_term", "budget", "order_by", "recent")));
        assertThat(eventIds(recent)).containsExactly(newest, best, first);
        assertThat(recent.get("count").asInt()).isEqualTo(3);
        assertThat(strings(recent.get("highlights"))).contains("budget", "Budget", "BUDGET");
        // full-width letters match their plain spelling (NFKC); the result shows the message as it was sent
        assertThat(recent.get("results").get(0).get("result").get("content").get("body").asString()).startsWith("Ｂｕｄｇｅｔ");
        assertThat(recent.has("next_batch")).isFalse();

        JsonNode ranked = roomEvents(search(bob, Map.of("search_term", "budget")));
        assertThat(eventIds(ranked).get(0)).isEqualTo(best);
        assertThat(eventIds(ranked)).containsExactlyInAnyOrder(newest, best, first);
        double topRank = ranked.get("results").get(0).get("rank").asDouble();
        assertThat(ranked.get("results").get(2).get("rank").asDouble()).isLessThan(topRank);

        // all words must occur; alice also finds her own room's message
        assertThat(eventIds(roomEvents(search(bob, Map.of("search_term", "budget monday"))))).containsExactly(first);
        assertThat(eventIds(roomEvents(search(alice, Map.of("search_term", "budget", "order_by", "recent")))))
                .hasSize(4);
        assertThat(roomEvents(search(bob, Map.of("search_term", "nothing-like-this"))).get("results")).isEmpty();
        // room names and topics are searchable through keys
        JsonNode names = roomEvents(search(alice, Map.of("search_term", "planning", "keys", List.of("content.name"))));
        assertThat(names.get("results")).hasSize(1);
        assertThat(names.get("results").get(0).get("result").get("type").asString()).isEqualTo("m.room.name");
        assertThat(roomEvents(search(alice, Map.of("search_term", "planning", "keys", List.of("content.body"))))
                .get("results")).isEmpty();
    }

    @Test
    void pagesThroughResultsWithAnOpaqueNextBatchAndRefusesAForgedOne() {
        String domain = newTenant(uniqueTenantId("page"));
        TenantUser alice = newUser("alice", domain);
        String roomId = publicRoom(alice, "Log");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 7; i++) sent.add(message(alice, roomId, "deploy number " + i + " deploy".repeat(i % 3)));
        indexer.catchUp();

        for (String order : List.of("recent", "rank")) {
            Set<String> seen = new LinkedHashSet<>();
            String next = null;
            int pages = 0;
            do {
                Map<String, Object> body = Map.of("search_term", "deploy", "order_by", order, "filter", Map.of("limit", 3));
                JsonNode page = roomEvents(next == null ? search(alice, body)
                        : http.send("POST", SEARCH + "?next_batch=" + encode(next), alice.token(), categories(body)));
                assertThat(page.get("results").size()).isLessThanOrEqualTo(3);
                for (String id : eventIds(page)) assertThat(seen.add(id)).as("no result twice").isTrue();
                next = page.has("next_batch") ? page.get("next_batch").asString() : null;
                pages++;
            } while (next != null && pages < 10);
            assertThat(seen).as(order).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(pages).isEqualTo(3);
        }
        Map<String, Object> body = categories(Map.of("search_term", "deploy", "order_by", "recent"));
        for (String forged : List.of("garbage", "s1.", "s1.aaaa", "s1." + java.util.Base64.getUrlEncoder().encodeToString("k:1".getBytes()))) {
            refused(http.send("POST", SEARCH + "?next_batch=" + encode(forged), alice.token(), body), 400, "M_INVALID_PARAM");
        }
    }

    @Test
    void filtersGroupingsStateAndContextFollowTheRequest() {
        String domain = newTenant(uniqueTenantId("filt"));
        TenantUser alice = newUser("alice", domain);
        TenantUser bob = newUser("bob", domain);
        String general = publicRoom(alice, "General");
        String random = publicRoom(alice, "Random");
        join(bob, general);
        join(bob, random);
        String before = message(alice, general, "good morning");
        String fromAlice = message(alice, general, "release candidate ready");
        String after = message(bob, general, "thanks");
        String fromBob = message(bob, random, "release notes drafted");
        ok(http.send("PUT", V3 + "/rooms/" + encode(random) + "/send/org.example.note/t1", bob.token(),
                Map.of("body", "release of a custom event type")));
        indexer.catchUp();

        assertThat(eventIds(roomEvents(search(bob, Map.of("search_term", "release", "filter", Map.of("rooms", List.of(general)))))))
                .containsExactly(fromAlice);
        assertThat(eventIds(roomEvents(search(bob, Map.of("search_term", "release", "filter", Map.of("not_rooms", List.of(general)))))))
                .containsExactly(fromBob);
        assertThat(eventIds(roomEvents(search(bob, Map.of("search_term", "release", "filter",
                Map.of("senders", List.of(alice.userId()))))))).containsExactly(fromAlice);
        assertThat(eventIds(roomEvents(search(bob, Map.of("search_term", "release", "filter",
                Map.of("types", List.of("m.room.message"))))))).containsExactlyInAnyOrder(fromAlice, fromBob);
        assertThat(eventIds(roomEvents(search(bob, Map.of("search_term", "release", "order_by", "recent",
                "filter", Map.of("limit", 1)))))).containsExactly(fromBob);

        JsonNode grouped = roomEvents(search(bob, Map.of("search_term", "release", "include_state", true,
                "groupings", Map.of("group_by", List.of(Map.of("key", "room_id"), Map.of("key", "sender"))),
                "event_context", Map.of("before_limit", 1, "after_limit", 1, "include_profile", true))));
        assertThat(grouped.get("groups").get("room_id").get(general).get("results").get(0).asString()).isEqualTo(fromAlice);
        assertThat(grouped.get("groups").get("room_id").get(random).get("results").get(0).asString()).isEqualTo(fromBob);
        assertThat(grouped.get("groups").get("sender").get(alice.userId()).get("results").get(0).asString()).isEqualTo(fromAlice);
        assertThat(grouped.get("state").get(general).toString()).contains("\"m.room.name\"", "General");
        JsonNode aliceResult = null;
        for (JsonNode r : grouped.get("results")) if (r.get("result").get("event_id").asString().equals(fromAlice)) aliceResult = r;
        assertThat(aliceResult).isNotNull();
        JsonNode context = aliceResult.get("context");
        assertThat(context.get("events_before").get(0).get("event_id").asString()).isEqualTo(before);
        assertThat(context.get("events_after").get(0).get("event_id").asString()).isEqualTo(after);
        assertThat(context.get("profile_info").has(alice.userId())).isTrue();
        assertThat(context.get("start").asString()).isNotEmpty();
        assertThat(context.get("end").asString()).isNotEmpty();

        refused(search(bob, Map.of("search_term", "x", "order_by", "relevance")), 400, "M_INVALID_PARAM");
        refused(search(bob, Map.of("search_term", "x", "keys", List.of("content.format"))), 400, "M_INVALID_PARAM");
        refused(search(bob, Map.of("search_term", "a b c d e f g h i j k l m n o p q")), 400, "M_INVALID_PARAM");
        refused(http.send("POST", SEARCH, bob.token(), Map.of("search_categories", Map.of("room_events", Map.of()))),
                400, "M_MISSING_PARAM");
        assertThat(ok(http.send("POST", SEARCH, bob.token(), Map.of("search_categories", Map.of()))).get("search_categories"))
                .isEmpty();
    }

    @Test
    void neverFindsAnotherOrganisationsRoomsOrHistoryTheUserMayNotRead() {
        String tenantA = uniqueTenantId("sa");
        String tenantB = uniqueTenantId("sb");
        String domainA = newTenant(tenantA);
        TenantUser alice = newUser("alice", domainA);
        TenantUser carol = newUser("carol", domainA);
        TenantUser mallory = newUser("mallory", newTenant(tenantB));
        String ours = publicRoom(alice, "Ours");
        String theirs = publicRoom(mallory, "Theirs");
        message(alice, ours, "merger plans for spring");
        message(mallory, theirs, "merger plans of the competitor");
        // a room whose history only joined members see: carol joins after the first message
        String joinedOnly = ok(http.send("POST", V3 + "/createRoom", alice.token(), Map.of("preset", "public_chat",
                "initial_state", List.of(Map.of("type", "m.room.history_visibility", "content",
                        Map.of("history_visibility", "joined")))))).get("room_id").asString();
        message(alice, joinedOnly, "merger before carol");
        join(carol, joinedOnly);
        String visible = message(alice, joinedOnly, "merger after carol");
        indexer.catchUp();

        assertThat(roomEvents(search(alice, Map.of("search_term", "merger competitor"))).get("results")).isEmpty();
        JsonNode malloryFinds = roomEvents(search(mallory, Map.of("search_term", "merger")));
        assertThat(malloryFinds.get("results")).hasSize(1);
        assertThat(malloryFinds.get("count").asInt()).isEqualTo(1);
        assertThat(malloryFinds.toString()).doesNotContain("spring");
        // mallory naming alice's room in the filter changes nothing
        assertThat(roomEvents(search(mallory, Map.of("search_term", "merger spring", "filter", Map.of("rooms", List.of(ours)))))
                .get("results")).isEmpty();
        assertThat(eventIds(roomEvents(search(carol, Map.of("search_term", "merger"))))).containsExactly(visible);
    }

    @Test
    void encryptedMessagesAreNotIndexedAndARedactedMessageDisappearsFromIndexAndResults() {
        String domain = newTenant(uniqueTenantId("redact"));
        TenantUser alice = newUser("alice", domain);
        String roomId = publicRoom(alice, "Secrets");
        ok(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/send/m.room.encrypted/e1", alice.token(),
                Map.of("algorithm", "m.megolm.v1.aes-sha2", "ciphertext", "opaque payload pineapple", "sender_key", "k",
                        "session_id", "s", "device_id", "D")));
        String gone = message(alice, roomId, "the password is pineapple");
        String kept = message(alice, roomId, "pineapple juice");
        indexer.catchUp();
        assertThat(eventIds(roomEvents(search(alice, Map.of("search_term", "pineapple"))))).containsExactlyInAnyOrder(gone, kept);
        assertThat(eventIds(roomEvents(search(alice, Map.of("search_term", "opaque payload"))))).isEmpty();
        long goneOrdering = streamOrderingOf(gone);
        assertThat(db.sql().sql("SELECT COUNT(*) FROM search_tokens WHERE stream_ordering = ?").param(goneOrdering)
                .query(Integer.class).single()).isEqualTo(4);

        ok(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/redact/" + encode(gone) + "/r1", alice.token(), Map.of()));
        // found no more even before the indexer has seen the redaction
        assertThat(eventIds(roomEvents(search(alice, Map.of("search_term", "pineapple"))))).containsExactly(kept);
        indexer.catchUp();
        assertThat(db.sql().sql("SELECT COUNT(*) FROM search_tokens WHERE stream_ordering = ?").param(goneOrdering)
                .query(Integer.class).single()).isZero();
        assertThat(eventIds(roomEvents(search(alice, Map.of("search_term", "password"))))).isEmpty();
    }

    @Test
    void anIndexerRunRepeatedFromAnEarlierPositionIndexesNothingTwice() {
        String domain = newTenant(uniqueTenantId("again"));
        TenantUser alice = newUser("alice", domain);
        String roomId = publicRoom(alice, "Again");
        String sent = message(alice, roomId, "repeatable indexing works");
        indexer.catchUp();
        long rows = db.sql().sql("SELECT COUNT(*) FROM search_tokens").query(Long.class).single();
        long position = indexer.position();
        // as after a crash of another node that had read further, or two nodes overlapping: start earlier again
        db.write(() -> db.sql().sql("UPDATE search_index_position SET position = ?").param(streamOrderingOf(sent) - 1).update());
        indexer.catchUp();
        assertThat(db.sql().sql("SELECT COUNT(*) FROM search_tokens").query(Long.class).single()).isEqualTo(rows);
        assertThat(indexer.position()).isGreaterThanOrEqualTo(position);
        assertThat(eventIds(roomEvents(search(alice, Map.of("search_term", "repeatable"))))).containsExactly(sent);
    }

    private long streamOrderingOf(String eventId) {
        return db.sql().sql("SELECT stream_ordering FROM events WHERE event_id = ?").param(eventId).query(Long.class).single();
    }

    // ---- helpers

    private String publicRoom(TenantUser owner, String name) {
        return ok(http.send("POST", V3 + "/createRoom", owner.token(), Map.of("preset", "public_chat", "name", name)))
                .get("room_id").asString();
    }

    private void join(TenantUser user, String roomId) {
        ok(http.send("POST", V3 + "/rooms/" + encode(roomId) + "/join", user.token(), Map.of()));
    }

    private String message(TenantUser user, String roomId, String body) {
        return ok(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/send/m.room.message/" + UUID.randomUUID(),
                user.token(), Map.of("msgtype", "m.text", "body", body))).get("event_id").asString();
    }

    private Response search(TenantUser user, Map<String, Object> criteria) {
        return http.send("POST", SEARCH, user.token(), categories(criteria));
    }

    private static Map<String, Object> categories(Map<String, Object> criteria) {
        return Map.of("search_categories", Map.of("room_events", new HashMap<>(criteria)));
    }

    private static JsonNode roomEvents(Response response) {
        return ok(response).get("search_categories").get("room_events");
    }

    private static List<String> eventIds(JsonNode roomEvents) {
        List<String> ids = new ArrayList<>();
        for (JsonNode r : roomEvents.get("results")) ids.add(r.get("result").get("event_id").asString());
        return ids;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        for (JsonNode v : array) values.add(v.asString());
        return values;
    }

    private static JsonNode ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }
}
