package org.bollwerk.cluster;

import org.bollwerk.storage.Db;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Probes for load balancers and orchestrators. Liveness: the process answers. Readiness: the node should
 * get new requests — false (503) while it drains before shutdown or when its database does not answer.
 */
@RestController
class HealthController {
    private final Db db;
    private final Draining draining;
    private final NodeId nodeId;

    HealthController(Db db, Draining draining, NodeId nodeId) {
        this.db = db;
        this.draining = draining;
        this.nodeId = nodeId;
    }

    @GetMapping("/_bollwerk/health/live")
    ResponseEntity<Map<String, Object>> live() {
        return answer(HttpStatus.OK, "live");
    }

    @GetMapping("/_bollwerk/health/ready")
    ResponseEntity<Map<String, Object>> ready() {
        if (draining.isDraining()) return answer(HttpStatus.SERVICE_UNAVAILABLE, "draining");
        if (!databaseAnswers()) return answer(HttpStatus.SERVICE_UNAVAILABLE, "database unreachable");
        return answer(HttpStatus.OK, "ready");
    }

    private boolean databaseAnswers() {
        try {
            return db.sql().sql("SELECT 1").query(Integer.class).single() == 1;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private ResponseEntity<Map<String, Object>> answer(HttpStatus status, String state) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", state);
        body.put("node", nodeId.value());
        return ResponseEntity.status(status).cacheControl(CacheControl.noStore()).body(body);
    }
}
