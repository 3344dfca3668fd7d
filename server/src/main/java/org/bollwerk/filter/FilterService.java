package org.bollwerk.filter;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Function;

/** Stores users' filters and turns filter parameters of {@code /sync} and {@code /messages} into records. */
@Service
public class FilterService {
    private final Db db;
    private final FilterStore store;

    FilterService(Db db, FilterStore store) {
        this.db = db;
        this.store = store;
    }

    /** Checks the filter's shape ({@code M_BAD_JSON} if wrong) and stores it; identical filters share an ID. */
    public String create(String userId, ObjectNode filterJson) {
        parse(filterJson);
        String json = Json.write(filterJson);
        long now = System.currentTimeMillis();
        return db.write(() -> {
            for (int attempt = 0; attempt < 5; attempt++) {
                Optional<Long> same = store.findSame(userId, json);
                if (same.isPresent()) return Long.toString(same.get());
                if (store.insertNext(userId, json, now)) {
                    return Long.toString(store.findSame(userId, json).orElseThrow());
                }
            }
            throw new MatrixException(ErrCode.M_UNKNOWN, "Could not store the filter; try again");
        });
    }

    /** The stored filter JSON, as the client uploaded it. */
    public Optional<ObjectNode> stored(String userId, String filterId) {
        long id;
        try {
            id = Long.parseLong(filterId);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return store.json(userId, id).map(json -> Json.parseObject(json.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The {@code filter} parameter of {@code /sync}: null means no filter; text starting with {@code {} is an
     * inline filter ({@code M_INVALID_PARAM} if malformed); anything else a stored filter ID
     * ({@code M_NOT_FOUND} if this user has no such filter).
     */
    public SyncFilter forSync(String userId, String filterParam) {
        if (filterParam == null || filterParam.isEmpty()) return SyncFilter.DEFAULT;
        if (filterParam.startsWith("{")) return inline(filterParam, FilterParser::parse);
        return stored(userId, filterParam).map(FilterService::parse)
                .orElseThrow(() -> MatrixException.notFound("No such filter"));
    }

    /** The {@code filter} parameter of {@code /messages}: a RoomEventFilter; null means everything. */
    public EventFilter roomEventFilter(String json) {
        if (json == null || json.isEmpty()) return EventFilter.ALL;
        return inline(json, FilterParser::roomEventFilter);
    }

    /** Parses a Filter object; throws {@code M_BAD_JSON} naming the offending field. */
    public static SyncFilter parse(ObjectNode filterJson) {
        return FilterParser.parse(filterJson);
    }

    /** A filter given in a query parameter: every problem is the parameter's, so M_INVALID_PARAM. */
    private static <T> T inline(String text, Function<ObjectNode, T> parser) {
        try {
            return parser.apply(Json.parseObject(text.getBytes(StandardCharsets.UTF_8)));
        } catch (MatrixException e) {
            throw MatrixException.invalidParam("Invalid filter: " + e.getMessage());
        }
    }
}
