package org.bollwerk.userdata;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/** {@code /pushrules/...}: js-sdk retries {@code GET /pushrules/} for ever if it fails, so it must not. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class PushRuleController {
    private final PushRuleService rules;

    PushRuleController(PushRuleService rules) {
        this.rules = rules;
    }

    @GetMapping({"/pushrules", "/pushrules/"})
    Map<String, Object> all(Requester requester) {
        return Map.of("global", rules.ruleSet(requester.userId()));
    }

    @GetMapping({"/pushrules/{scope}", "/pushrules/{scope}/"})
    ObjectNode scope(Requester requester, @PathVariable String scope) {
        checkScope(scope);
        return rules.ruleSet(requester.userId());
    }

    @GetMapping("/pushrules/{scope}/{kind}/")
    JsonNode kind(Requester requester, @PathVariable String scope, @PathVariable String kind) {
        checkScope(scope);
        PushRuleService.checkKind(kind);
        return rules.ruleSet(requester.userId()).get(kind);
    }

    @GetMapping("/pushrules/{scope}/{kind}/{ruleId}")
    ObjectNode get(Requester requester, @PathVariable String scope, @PathVariable String kind,
                   @PathVariable String ruleId) {
        checkScope(scope);
        return rules.rule(requester.userId(), kind, ruleId);
    }

    @PutMapping("/pushrules/{scope}/{kind}/{ruleId}")
    Map<String, Object> put(Requester requester, @PathVariable String scope, @PathVariable String kind,
                            @PathVariable String ruleId, @RequestParam(required = false) String before,
                            @RequestParam(required = false) String after, @RequestBody(required = false) byte[] raw) {
        checkScope(scope);
        ObjectNode body = Json.parseObject(raw);
        rules.put(requester.userId(), kind, ruleId, body, before, after);
        return Map.of();
    }

    @DeleteMapping("/pushrules/{scope}/{kind}/{ruleId}")
    Map<String, Object> delete(Requester requester, @PathVariable String scope, @PathVariable String kind,
                               @PathVariable String ruleId) {
        checkScope(scope);
        rules.delete(requester.userId(), kind, ruleId);
        return Map.of();
    }

    @GetMapping("/pushrules/{scope}/{kind}/{ruleId}/enabled")
    Map<String, Object> enabled(Requester requester, @PathVariable String scope, @PathVariable String kind,
                                @PathVariable String ruleId) {
        checkScope(scope);
        return Map.of("enabled", rules.rule(requester.userId(), kind, ruleId).path("enabled").asBoolean(true));
    }

    @PutMapping("/pushrules/{scope}/{kind}/{ruleId}/enabled")
    Map<String, Object> setEnabled(Requester requester, @PathVariable String scope, @PathVariable String kind,
                                   @PathVariable String ruleId, @RequestBody(required = false) byte[] raw) {
        checkScope(scope);
        ObjectNode body = Json.parseObject(raw);
        JsonNode enabled = body.get("enabled");
        if (enabled == null || enabled.isNull()) throw MatrixException.missingParam("Missing 'enabled'");
        rules.setEnabled(requester.userId(), kind, ruleId, JsonBody.bool(body, "enabled", true));
        return Map.of();
    }

    @GetMapping("/pushrules/{scope}/{kind}/{ruleId}/actions")
    Map<String, Object> actions(Requester requester, @PathVariable String scope, @PathVariable String kind,
                                @PathVariable String ruleId) {
        checkScope(scope);
        return Map.of("actions", rules.rule(requester.userId(), kind, ruleId).get("actions"));
    }

    @PutMapping("/pushrules/{scope}/{kind}/{ruleId}/actions")
    Map<String, Object> setActions(Requester requester, @PathVariable String scope, @PathVariable String kind,
                                   @PathVariable String ruleId, @RequestBody(required = false) byte[] raw) {
        checkScope(scope);
        rules.setActions(requester.userId(), kind, ruleId, Json.parseObject(raw));
        return Map.of();
    }

    private static void checkScope(String scope) {
        if (!"global".equals(scope)) throw MatrixException.invalidParam("Only the 'global' scope is supported");
    }
}
