package org.bollwerk.search;

import org.bollwerk.account.Requester;
import org.bollwerk.filter.EventFilter;
import org.bollwerk.filter.FilterService;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** {@code POST /search}: the {@code room_events} category of the spec (the only one it defines). */
@RestController
class SearchController {
    private final RoomEventSearch search;
    private final FilterService filters;

    SearchController(RoomEventSearch search, FilterService filters) {
        this.search = search;
        this.filters = filters;
    }

    @PostMapping({"/_matrix/client/v3/search", "/_matrix/client/r0/search"})
    Map<String, Object> search(Requester requester, @RequestParam(name = "next_batch", required = false) String nextBatch,
                               @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        ObjectNode categories = JsonBody.object(body, "search_categories", true);
        ObjectNode roomEvents = JsonBody.object(categories, "room_events", false);
        if (roomEvents == null) return Map.of("search_categories", Map.of());
        SearchQuery query = parse(roomEvents, nextBatch);
        return Map.of("search_categories", Map.of("room_events", search.search(requester, query)));
    }

    private SearchQuery parse(ObjectNode criteria, String nextBatch) {
        String term = JsonBody.string(criteria, "search_term", true);
        Set<SearchField> fields = fields(criteria.get("keys"));
        ObjectNode filterJson = JsonBody.object(criteria, "filter", false);
        EventFilter filter = filterJson == null ? EventFilter.ALL : filters.roomEventFilter(Json.write(filterJson));
        String orderBy = JsonBody.string(criteria, "order_by", false);
        if (orderBy != null && !orderBy.equals("rank") && !orderBy.equals("recent")) {
            throw MatrixException.invalidParam("order_by must be 'rank' or 'recent'");
        }
        boolean byRank = !"recent".equals(orderBy);
        SearchQuery.Context context = context(JsonBody.object(criteria, "event_context", false));
        boolean includeState = JsonBody.bool(criteria, "include_state", false);
        boolean groupByRoom = false;
        boolean groupBySender = false;
        ObjectNode groupings = JsonBody.object(criteria, "groupings", false);
        JsonNode groupBy = groupings == null ? null : groupings.get("group_by");
        if (groupBy != null && !groupBy.isNull()) {
            if (!groupBy.isArray()) throw MatrixException.badJson("'group_by' must be an array");
            for (JsonNode group : groupBy) {
                String key = group.isObject() ? JsonBody.string(group, "key", true) : null;
                if ("room_id".equals(key)) groupByRoom = true;
                else if ("sender".equals(key)) groupBySender = true;
                else throw MatrixException.invalidParam("group_by keys must be 'room_id' or 'sender'");
            }
        }
        return new SearchQuery(term, fields, filter, byRank, context, includeState, groupByRoom, groupBySender,
                SearchCursor.parse(nextBatch, byRank));
    }

    private static Set<SearchField> fields(JsonNode keys) {
        if (keys == null || keys.isNull()) return EnumSet.allOf(SearchField.class);
        if (!keys.isArray()) throw MatrixException.badJson("'keys' must be an array");
        Set<SearchField> fields = EnumSet.noneOf(SearchField.class);
        for (JsonNode key : keys) {
            SearchField field = key.isString() ? SearchField.ofKey(key.asString()) : null;
            if (field == null) {
                throw MatrixException.invalidParam("keys may be content.body, content.name and content.topic");
            }
            fields.add(field);
        }
        return fields.isEmpty() ? EnumSet.allOf(SearchField.class) : fields;
    }

    private static SearchQuery.Context context(ObjectNode json) {
        if (json == null) return null;
        return new SearchQuery.Context(contextLimit(json, "before_limit"), contextLimit(json, "after_limit"),
                JsonBody.bool(json, "include_profile", false));
    }

    private static int contextLimit(ObjectNode json, String field) {
        Long value = JsonBody.integer(json, field);
        if (value == null) return 5;
        if (value < 0) throw MatrixException.invalidParam(field + " must not be negative");
        return (int) Math.min(value, RoomEventSearch.MAX_CONTEXT);
    }
}
