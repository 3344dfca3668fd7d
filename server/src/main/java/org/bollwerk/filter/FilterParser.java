package org.bollwerk.filter;

import org.bollwerk.matrix.MatrixException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Checks a filter's JSON shape against the spec (Filter, RoomFilter, EventFilter, RoomEventFilter) and
 * turns it into records. Unknown keys are ignored, as the spec allows; wrong types are M_BAD_JSON.
 */
final class FilterParser {
    private FilterParser() {
    }

    static SyncFilter parse(ObjectNode json) {
        stringList(json, "event_fields", "");
        JsonNode format = json.get("event_format");
        if (format != null && !format.isNull()
                && !(format.isString() && Set.of("client", "federation").contains(format.asString()))) {
            throw MatrixException.badJson("'event_format' must be \"client\" or \"federation\"");
        }
        EventFilter presence = eventFilter(json, "presence", "", false);
        EventFilter accountData = eventFilter(json, "account_data", "", false);
        ObjectNode room = object(json, "room", "");
        if (room == null) {
            return new SyncFilter(presence, accountData, null, null, false, null, null, null, null, false);
        }
        String at = "room.";
        List<String> rooms = stringList(room, "rooms", at);
        List<String> notRooms = stringList(room, "not_rooms", at);
        boolean includeLeave = bool(room, "include_leave", at, false);
        EventFilter timeline = eventFilter(room, "timeline", at, true);
        EventFilter state = eventFilter(room, "state", at, true);
        EventFilter ephemeral = eventFilter(room, "ephemeral", at, true);
        EventFilter roomAccountData = eventFilter(room, "account_data", at, true);
        // lazy_load_members belongs in room.state, but some clients put it into room.timeline.
        if (timeline != null && state == null && (timeline.lazyLoadMembers() || timeline.includeRedundantMembers())) {
            state = new EventFilter(null, null, null, null, null, null, null, null,
                    timeline.lazyLoadMembers(), timeline.includeRedundantMembers());
        } else if (timeline != null && state != null
                && (timeline.lazyLoadMembers() && !state.lazyLoadMembers()
                    || timeline.includeRedundantMembers() && !state.includeRedundantMembers())) {
            state = new EventFilter(state.limit(), state.types(), state.notTypes(), state.senders(),
                    state.notSenders(), state.rooms(), state.notRooms(), state.containsUrl(),
                    state.lazyLoadMembers() || timeline.lazyLoadMembers(),
                    state.includeRedundantMembers() || timeline.includeRedundantMembers());
        }
        ObjectNode timelineJson = object(room, "timeline", at);
        boolean threadCounts = timelineJson != null
                && bool(timelineJson, "unread_thread_notifications", at + "timeline.", false);
        return new SyncFilter(presence, accountData, rooms, notRooms, includeLeave, timeline, state, ephemeral,
                roomAccountData, threadCounts);
    }

    /** A RoomEventFilter on its own (the {@code filter} parameter of {@code /messages}). */
    static EventFilter roomEventFilter(ObjectNode json) {
        return eventFilter(json, "", true);
    }

    private static EventFilter eventFilter(ObjectNode parent, String field, String at, boolean roomEvents) {
        ObjectNode json = object(parent, field, at);
        return json == null ? null : eventFilter(json, at + field + ".", roomEvents);
    }

    private static EventFilter eventFilter(ObjectNode json, String at, boolean roomEvents) {
        Integer limit = limit(json, at);
        List<String> types = stringList(json, "types", at);
        List<String> notTypes = stringList(json, "not_types", at);
        List<String> senders = stringList(json, "senders", at);
        List<String> notSenders = stringList(json, "not_senders", at);
        if (!roomEvents) {
            return new EventFilter(limit, types, notTypes, senders, notSenders, null, null, null, false, false);
        }
        List<String> rooms = stringList(json, "rooms", at);
        List<String> notRooms = stringList(json, "not_rooms", at);
        JsonNode url = json.get("contains_url");
        if (url != null && !url.isNull() && !url.isBoolean()) throw wrong(at, "contains_url", "a boolean");
        Boolean containsUrl = url == null || url.isNull() ? null : url.booleanValue();
        boolean lazy = bool(json, "lazy_load_members", at, false);
        boolean redundant = bool(json, "include_redundant_members", at, false);
        bool(json, "unread_thread_notifications", at, false);
        return new EventFilter(limit, types, notTypes, senders, notSenders, rooms, notRooms, containsUrl, lazy,
                redundant);
    }

    private static Integer limit(ObjectNode json, String at) {
        JsonNode value = json.get("limit");
        if (value == null || value.isNull()) return null;
        if (!value.isIntegralNumber() || !value.canConvertToLong()) throw wrong(at, "limit", "an integer");
        long limit = value.longValue();
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, limit));
    }

    private static ObjectNode object(ObjectNode json, String field, String at) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isObject()) throw wrong(at, field, "an object");
        return (ObjectNode) value;
    }

    private static boolean bool(ObjectNode json, String field, String at, boolean fallback) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) return fallback;
        if (!value.isBoolean()) throw wrong(at, field, "a boolean");
        return value.booleanValue();
    }

    private static List<String> stringList(ObjectNode json, String field, String at) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) return null;
        if (!value.isArray()) throw wrong(at, field, "a list of strings");
        List<String> list = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isString()) throw wrong(at, field, "a list of strings");
            list.add(item.asString());
        }
        return list;
    }

    private static MatrixException wrong(String at, String field, String what) {
        return MatrixException.badJson("'" + at + field + "' must be " + what);
    }
}
