package org.bollwerk.filter;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FilterParsingTest {

    private static ObjectNode json(String text) {
        return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String errcode(Runnable action) {
        try {
            action.run();
        } catch (MatrixException e) {
            return e.errCode().name();
        }
        return null;
    }

    @Test
    void emptyFilterLetsEverythingThrough() {
        SyncFilter filter = FilterService.parse(json("{}"));
        assertThat(filter).isEqualTo(SyncFilter.DEFAULT);
        assertThat(filter.includesRoom("!a:x")).isTrue();
        assertThat(filter.timeline().matches("!a:x", "m.room.message", "@u:x", false)).isTrue();
    }

    @Test
    void elementsInitialSyncFilterIsUnderstood() {
        SyncFilter filter = FilterService.parse(json("""
                {"room":{"timeline":{"limit":20,"unread_thread_notifications":true},
                 "state":{"lazy_load_members":true}},
                 "presence":{"not_types":["*"]},"account_data":{"types":["m.push_rules"]}}"""));
        assertThat(filter.timeline().limitOr(10)).isEqualTo(20);
        assertThat(filter.state().lazyLoadMembers()).isTrue();
        assertThat(filter.presence().matches(null, "m.presence", "@u:x", false)).isFalse();
        assertThat(filter.accountData().matches(null, "m.push_rules", null, false)).isTrue();
        assertThat(filter.accountData().matches(null, "m.direct", null, false)).isFalse();
    }

    @Test
    void lazyLoadMembersInTheTimelineFilterIsAcceptedToo() {
        SyncFilter onlyTimeline = FilterService.parse(json("{\"room\":{\"timeline\":{\"lazy_load_members\":true}}}"));
        assertThat(onlyTimeline.state().lazyLoadMembers()).isTrue();
        SyncFilter both = FilterService.parse(json("""
                {"room":{"timeline":{"lazy_load_members":true,"include_redundant_members":true},
                 "state":{"types":["m.room.member"]}}}"""));
        assertThat(both.state().lazyLoadMembers()).isTrue();
        assertThat(both.state().includeRedundantMembers()).isTrue();
        assertThat(both.state().types()).containsExactly("m.room.member");
    }

    @Test
    void topLevelRoomListsDecideWhichRoomsAppearAndNotRoomsWins() {
        SyncFilter filter = FilterService.parse(json("""
                {"room":{"rooms":["!a:x","!b:x"],"not_rooms":["!b:x"],"include_leave":true}}"""));
        assertThat(filter.includesRoom("!a:x")).isTrue();
        assertThat(filter.includesRoom("!b:x")).isFalse();
        assertThat(filter.includesRoom("!c:x")).isFalse();
        assertThat(filter.includeLeave()).isTrue();
    }

    @Test
    void typeWildcardsMatchAnySequenceAndNotTypesWin() {
        EventFilter filter = new EventFilter(null, List.of("m.room.*", "org.*.x"), List.of("m.room.member"), null,
                null, null, null, null, false, false);
        assertThat(filter.matches("!r:x", "m.room.message", "@u:x", false)).isTrue();
        assertThat(filter.matches("!r:x", "m.room.member", "@u:x", false)).isFalse();
        assertThat(filter.matches("!r:x", "org.example.x", "@u:x", false)).isTrue();
        assertThat(filter.matches("!r:x", "org.example.y", "@u:x", false)).isFalse();
        assertThat(filter.matches("!r:x", "m.reaction", "@u:x", false)).isFalse();
    }

    @Test
    void wildcardMatchingHandlesEdgeCases() {
        assertThat(EventFilter.wildcardMatches("*", "")).isTrue();
        assertThat(EventFilter.wildcardMatches("a*b*c", "aXbYbZc")).isTrue();
        assertThat(EventFilter.wildcardMatches("a*b*c", "aXbYbZ")).isFalse();
        assertThat(EventFilter.wildcardMatches("m.room", "m.room.message")).isFalse();
        assertThat(EventFilter.wildcardMatches("m.room.message", "m.room.message")).isTrue();
        assertThat(EventFilter.wildcardMatches("**x", "abx")).isTrue();
        assertThat(EventFilter.wildcardMatches("*" .repeat(50) + "y", "x".repeat(10_000))).isFalse();
    }

    @Test
    void sendersRoomsAndContainsUrlRestrictEvents() {
        EventFilter filter = FilterService.parse(json("""
                {"room":{"timeline":{"senders":["@a:x","@b:x"],"not_senders":["@b:x"],
                 "rooms":["!r:x"],"not_rooms":["!s:x"],"contains_url":true}}}""")).timeline();
        assertThat(filter.matches("!r:x", "m.room.message", "@a:x", true)).isTrue();
        assertThat(filter.matches("!r:x", "m.room.message", "@a:x", false)).isFalse();
        assertThat(filter.matches("!r:x", "m.room.message", "@b:x", true)).isFalse();
        assertThat(filter.matches("!r:x", "m.room.message", "@c:x", true)).isFalse();
        assertThat(filter.matches("!s:x", "m.room.message", "@a:x", true)).isFalse();
        EventFilter withoutUrl = new EventFilter(null, null, null, null, null, null, null, false, false, false);
        assertThat(withoutUrl.matches("!r:x", "m.room.message", "@a:x", true)).isFalse();
        assertThat(withoutUrl.matches("!r:x", "m.room.message", "@a:x", false)).isTrue();
    }

    @Test
    void limitFallsBackAndIsClampedToOneThroughOneThousand() {
        assertThat(EventFilter.ALL.limitOr(10)).isEqualTo(10);
        assertThat(EventFilter.ALL.limitOr(5000)).isEqualTo(1000);
        assertThat(limit(0).limitOr(10)).isEqualTo(1);
        assertThat(limit(-5).limitOr(10)).isEqualTo(1);
        assertThat(limit(999_999).limitOr(10)).isEqualTo(1000);
        assertThat(FilterService.parse(json("{\"room\":{\"timeline\":{\"limit\":99999999999}}}"))
                .timeline().limitOr(10)).isEqualTo(1000);
    }

    private static EventFilter limit(int limit) {
        return new EventFilter(limit, null, null, null, null, null, null, null, false, false);
    }

    @Test
    void wrongTypesAreRefusedAsBadJson() {
        for (String bad : List.of(
                "{\"room\":[]}",
                "{\"room\":{\"timeline\":{\"limit\":\"10\"}}}",
                "{\"room\":{\"timeline\":{\"limit\":1.5}}}",
                "{\"room\":{\"state\":{\"types\":\"m.room.member\"}}}",
                "{\"room\":{\"state\":{\"types\":[1]}}}",
                "{\"room\":{\"state\":{\"lazy_load_members\":\"yes\"}}}",
                "{\"room\":{\"include_leave\":1}}",
                "{\"room\":{\"rooms\":\"!a:x\"}}",
                "{\"room\":{\"timeline\":{\"contains_url\":\"true\"}}}",
                "{\"presence\":{\"senders\":[null]}}",
                "{\"account_data\":5}",
                "{\"event_format\":\"weird\"}",
                "{\"event_fields\":[1]}")) {
            assertThat(errcode(() -> FilterService.parse(json(bad)))).as(bad).isEqualTo("M_BAD_JSON");
        }
    }

    @Test
    void unknownKeysAreIgnored() {
        assertThat(FilterService.parse(json("{\"org.example\":1,\"room\":{\"x\":[]}}"))).isEqualTo(SyncFilter.DEFAULT);
    }

    @Test
    void messagesFilterParameterIsARoomEventFilter() {
        FilterService service = new FilterService(null, null);
        assertThat(service.roomEventFilter(null)).isEqualTo(EventFilter.ALL);
        EventFilter filter = service.roomEventFilter("{\"types\":[\"m.room.message\"],\"lazy_load_members\":true,\"limit\":5}");
        assertThat(filter.types()).containsExactly("m.room.message");
        assertThat(filter.lazyLoadMembers()).isTrue();
        assertThat(filter.limitOr(10)).isEqualTo(5);
        assertThatThrownBy(() -> service.roomEventFilter("{\"types\":5}"))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errCode().name()).isEqualTo("M_INVALID_PARAM"));
        assertThatThrownBy(() -> service.roomEventFilter("{not json"))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errCode().name()).isEqualTo("M_INVALID_PARAM"));
        assertThatThrownBy(() -> service.roomEventFilter("[]"))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errCode().name()).isEqualTo("M_INVALID_PARAM"));
    }

    @Test
    void inlineSyncFilterIsParsedAndABadOneIsAnInvalidParameter() {
        FilterService service = new FilterService(null, null);
        assertThat(service.forSync("@u:x", null)).isEqualTo(SyncFilter.DEFAULT);
        assertThat(service.forSync("@u:x", "{\"room\":{\"timeline\":{\"limit\":3}}}").timeline().limitOr(10)).isEqualTo(3);
        assertThatThrownBy(() -> service.forSync("@u:x", "{\"room\":{\"timeline\":{\"limit\":\"x\"}}}"))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errCode().name()).isEqualTo("M_INVALID_PARAM"));
        assertThatThrownBy(() -> service.forSync("@u:x", "{oops"))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errCode().name()).isEqualTo("M_INVALID_PARAM"));
    }
}
