package org.bollwerk.filter;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** {@code POST /user/{userId}/filter} and {@code GET /user/{userId}/filter/{filterId}}: a user's own filters only. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class FilterController {
    private final FilterService filters;

    FilterController(FilterService filters) {
        this.filters = filters;
    }

    @PostMapping("/user/{userId}/filter")
    Map<String, Object> create(Requester requester, @PathVariable String userId,
                               @RequestBody(required = false) byte[] raw) {
        if (!requester.userId().equals(userId)) throw MatrixException.forbidden("Cannot create filters for other users");
        ObjectNode body = Json.parseObject(raw);
        return Map.of("filter_id", filters.create(userId, body));
    }

    @GetMapping("/user/{userId}/filter/{filterId}")
    ObjectNode get(Requester requester, @PathVariable String userId, @PathVariable String filterId) {
        if (!requester.userId().equals(userId)) throw MatrixException.forbidden("Cannot get filters of other users");
        return filters.stored(userId, filterId).orElseThrow(() -> MatrixException.notFound("No such filter"));
    }
}
