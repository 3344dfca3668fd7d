package org.bollwerk.room;

import org.bollwerk.web.QueryParameters;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.RoomId;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.Map;

/** {@code GET /_matrix/client/v1/rooms/{roomId}/hierarchy}: the rooms of a space (see {@link SpaceHierarchy}). */
@RestController
class HierarchyController {
    /** Depth when the client gives none; also the deepest it may ask for (a space of spaces of spaces...). */
    static final int MAX_DEPTH = 10;
    private final SpaceHierarchy hierarchy;

    HierarchyController(SpaceHierarchy hierarchy) {
        this.hierarchy = hierarchy;
    }

    @GetMapping({"/_matrix/client/v1/rooms/{roomId}/hierarchy", "/_matrix/client/unstable/org.matrix.msc2946/rooms/{roomId}/hierarchy"})
    Map<String, Object> hierarchy(Requester requester, @PathVariable String roomId,
                                  @RequestParam(name = "suggested_only", required = false) String suggestedOnly,
                                  @RequestParam(name = "max_depth", required = false) String maxDepth,
                                  @RequestParam(required = false) String limit,
                                  @RequestParam(required = false) String from) {
        RoomId.parse(roomId);
        boolean suggested = suggestedOnly != null && switch (suggestedOnly) {
            case "true" -> true;
            case "false" -> false;
            default -> throw MatrixException.invalidParam("suggested_only must be true or false");
        };
        int depth = Math.min(MAX_DEPTH, QueryParameters.integer(maxDepth, "max_depth", MAX_DEPTH, 0));
        int max = Math.min(SpaceHierarchy.MAX_LIMIT, QueryParameters.integer(limit, "limit", SpaceHierarchy.DEFAULT_LIMIT, 1));
        return hierarchy.hierarchy(requester.userId(), new SpaceHierarchy.Request(roomId, suggested, depth, max, from));
    }
}
