package org.bollwerk.tenant;

import org.bollwerk.testsupport.MatrixHttp.Response;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.testsupport.MatrixHttp.encode;

/**
 * Tenant isolation as a class, route by route. Every client route that names a room, alias, user or media
 * in its path is read from the application's own handler mappings — a route added tomorrow is attacked
 * without anyone listing it — and called by a user of another, non-partner tenant against a public,
 * world-readable room with an alias, a message, a thread, a file and a profile that all carry a marker.
 * Nothing may leak the marker, nothing of the victim may change, and users and aliases that exist answer
 * exactly like ones that do not. Membership changes and end-to-end routes that take their target user from
 * the body are listed explicitly. A partnership then proves the probe can see what it looks for.
 */
class CrossTenantRoutesIT extends TenantTestBase {
    private static final Pattern VARIABLE = Pattern.compile("\\{\\*?([A-Za-z0-9_]+)(?::([^}]*))?}");
    /** Path variables that name something that belongs to a user, room, alias or media. */
    private static final Set<String> TARGETS = Set.of("roomId", "roomIdOrAlias", "alias", "userId", "mediaId");
    private static final AtomicLong COUNTER = new AtomicLong();

    @Autowired
    ApplicationContext context;

    private record Route(String method, String pattern) {
        List<String> variables() {
            List<String> names = new ArrayList<>();
            Matcher m = VARIABLE.matcher(pattern);
            while (m.find()) names.add(m.group(1));
            return names;
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    /** The victim's world (tenant B) and the attacker (tenant A, not a partner). */
    private record World(String tenantA, String tenantB, TenantUser mallory, TenantUser bob, String marker,
                         String roomId, String alias, String eventId, String mxc, String malloryRoom) {
        String mediaServer() {
            return mxc.substring("mxc://".length(), mxc.lastIndexOf('/'));
        }

        String mediaId() {
            return mxc.substring(mxc.lastIndexOf('/') + 1);
        }
    }

    private World world() {
        String a = uniqueTenantId("atk");
        String b = uniqueTenantId("vic");
        TenantUser mallory = newUser("mallory", newTenant(a));
        TenantUser bob = newUser("bob", newTenant(b));
        String marker = "SECRET" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        ok(http.send("PUT", V3 + "/profile/" + encode(bob.userId()) + "/displayname", bob.token(),
                Map.of("displayname", "Bob " + marker)));
        ok(http.send("PUT", V3 + "/presence/" + encode(bob.userId()) + "/status", bob.token(),
                Map.of("presence", "online", "status_msg", marker)));
        String aliasName = "sweep-" + UUID.randomUUID().toString().substring(0, 8);
        Response created = ok(http.send("POST", V3 + "/createRoom", bob.token(), Map.of("preset", "public_chat",
                "visibility", "public", "room_alias_name", aliasName, "name", "Room " + marker, "topic", marker,
                "initial_state", List.of(Map.of("type", "m.room.history_visibility",
                        "content", Map.of("history_visibility", "world_readable"))))));
        String roomId = created.json().get("room_id").asString();
        String alias = "#" + aliasName + ":" + b + ".test";
        String eventId = send(bob, roomId, Map.of("msgtype", "m.text", "body", "message " + marker));
        send(bob, roomId, Map.of("msgtype", "m.text", "body", "reply " + marker,
                "m.relates_to", Map.of("rel_type", "m.thread", "event_id", eventId)));
        String mxc = uploadText(bob, "file " + marker);
        send(bob, roomId, Map.of("msgtype", "m.file", "body", "notes.txt", "url", mxc));
        String malloryRoom = ok(http.send("POST", V3 + "/createRoom", mallory.token(), Map.of("preset", "private_chat")))
                .json().get("room_id").asString();
        return new World(a, b, mallory, bob, marker, roomId, alias, eventId, mxc, malloryRoom);
    }

    // ------------------------------------------------------------------------------------------- the tests

    @Test
    void noRouteNamingAnotherTenantsRoomAliasUserOrMediaLeaksOrChangesAnything() {
        World w = world();
        List<Route> routes = targetRoutes();
        assertThat(routes).as("routes found in the handler mappings").hasSizeGreaterThan(40);
        List<String> violations = new ArrayList<>();
        for (Route route : routes) {
            for (Map<String, String> values : valueSets(route, w, true)) {
                String path = fill(route, values);
                Response response = http.send(route.method(), path, w.mallory().token(), bodyFor(route, w));
                if (response.text().contains(w.marker())) {
                    violations.add(route + " leaked the victim's content: " + path + " → " + response.status());
                }
                boolean namesAlias = path.contains(encode(w.alias()));
                if (namesAlias && response.text().contains(w.roomId())) {
                    violations.add(route + " resolved another tenant's alias: " + path + " → " + response.text());
                }
            }
        }
        assertThat(violations).as(String.join("\n", violations)).isEmpty();
        victimUnchanged(w);

        // The probe sees what it looks for once the tenants are partners (world-readable = tenant + partners).
        partners(w.tenantA(), w.tenantB(), true);
        assertThat(http.get(V3 + "/rooms/" + encode(w.roomId()) + "/messages?limit=50", w.mallory().token()).text())
                .contains(w.marker());
        assertThat(http.get(V3 + "/directory/room/" + encode(w.alias()), w.mallory().token()).text()).contains(w.roomId());
        assertThat(http.get(V3 + "/profile/" + encode(w.bob().userId()), w.mallory().token()).text()).contains(w.marker());
        assertThat(download(w.mallory(), w.mxc()).text()).contains(w.marker());
        partners(w.tenantA(), w.tenantB(), false);
        assertThat(http.get(V3 + "/rooms/" + encode(w.roomId()) + "/messages?limit=50", w.mallory().token()).text())
                .doesNotContain(w.marker());
    }

    @Test
    void usersAndAliasesOfAnotherTenantAnswerAlikeWhetherTheyExistOrNot() {
        World w = world();
        String ghost = "@ghost-" + UUID.randomUUID().toString().substring(0, 8) + ":" + w.tenantB() + ".test";
        String ghostAlias = "#ghost-" + UUID.randomUUID().toString().substring(0, 8) + ":" + w.tenantB() + ".test";
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (Route route : targetRoutes()) {
            List<String> vars = route.variables();
            if (!vars.contains("userId") && !vars.contains("alias") && !vars.contains("roomIdOrAlias")) continue;
            Map<String, String> existing = values(w);
            Map<String, String> missing = values(w);
            existing.put("roomIdOrAlias", w.alias());
            missing.put("userId", ghost);
            missing.put("alias", ghostAlias);
            missing.put("roomIdOrAlias", ghostAlias);
            compared++;
            compare(route.toString(), route.method(), fill(route, existing), bodyFor(route, w),
                    fill(route, missing), bodyFor(route, w), w, ghost, ghostAlias, differences);
        }
        for (String[] call : bodyTargetCalls(w)) {
            compared++;
            compare(call[0] + " " + call[1], call[0], call[1], call[2].replace("TARGET", w.bob().userId()),
                    call[1], call[2].replace("TARGET", ghost), w, ghost, ghostAlias, differences);
        }
        assertThat(compared).isGreaterThan(15);
        assertThat(differences).as(String.join("\n", differences)).isEmpty();
        victimUnchanged(w);
    }

    // --------------------------------------------------------------------------------------------- probes

    /** The membership changes and end-to-end routes whose target user is in the body: method, path, JSON. */
    private static List<String[]> bodyTargetCalls(World w) {
        String room = V3 + "/rooms/" + encode(w.malloryRoom());
        List<String[]> calls = new ArrayList<>();
        for (String action : List.of("invite", "kick", "ban", "unban")) {
            calls.add(new String[]{"POST", room + "/" + action, "{\"user_id\":\"TARGET\",\"reason\":\"CHANNEL\"}"});
        }
        calls.add(new String[]{"POST", V3 + "/createRoom", "{\"invite\":[\"TARGET\"]}"});
        calls.add(new String[]{"POST", V3 + "/keys/query", "{\"device_keys\":{\"TARGET\":[]}}"});
        calls.add(new String[]{"POST", V3 + "/keys/claim", "{\"one_time_keys\":{\"TARGET\":{\"DEV\":\"signed_curve25519\"}}}"});
        calls.add(new String[]{"PUT", V3 + "/sendToDevice/m.test/TXN", "{\"messages\":{\"TARGET\":{\"*\":{\"x\":\"CHANNEL\"}}}}"});
        return calls;
    }

    private void compare(String name, String method, String existingPath, Object existingBody, String missingPath,
                         Object missingBody, World w, String ghost, String ghostAlias, List<String> differences) {
        String txn = "t" + COUNTER.incrementAndGet();
        Response existing = http.send(method, existingPath.replace("TXN", txn), w.mallory().token(), existingBody);
        Response missing = http.send(method, missingPath.replace("TXN", txn + "m"), w.mallory().token(), missingBody);
        String a = normalise(existing.text(), w.bob().userId(), w.alias());
        String b = normalise(missing.text(), ghost, ghostAlias);
        if (existing.status() != missing.status() || !a.equals(b)) {
            differences.add(name + ": existing " + existing.status() + " " + a + " / missing " + missing.status() + " " + b);
        }
    }

    private static String normalise(String text, String user, String alias) {
        return text.replace(user, "TARGET").replace(encode(user), "TARGET").replace(alias, "TARGET")
                .replace(encode(alias), "TARGET");
    }

    /** Nothing the attacker did reached the victim's room, alias, directory entry, profile or rooms. */
    private void victimUnchanged(World w) {
        String room = V3 + "/rooms/" + encode(w.roomId());
        Response messages = ok(http.get(room + "/messages?limit=200", w.bob().token()));
        messages.json().get("chunk").forEach(e -> assertThat(e.path("sender").asString())
                .as("event in the victim's room").isNotEqualTo(w.mallory().userId()));
        assertThat(http.get(room + "/state/m.room.member/" + encode(w.mallory().userId()), w.bob().token()).status())
                .isEqualTo(404);
        assertThat(ok(http.get(room + "/state/m.room.member/" + encode(w.bob().userId()), w.bob().token()))
                .json().path("membership").asString()).isEqualTo("join");
        assertThat(ok(http.get(room + "/state/m.room.topic", w.bob().token())).json().path("topic").asString())
                .isEqualTo(w.marker());
        assertThat(ok(http.get(V3 + "/directory/list/room/" + encode(w.roomId()), w.bob().token()))
                .json().path("visibility").asString()).isEqualTo("public");
        assertThat(ok(http.get(V3 + "/directory/room/" + encode(w.alias()), w.bob().token())).text()).contains(w.roomId());
        assertThat(ok(http.get(V3 + "/profile/" + encode(w.bob().userId()), w.bob().token())).text()).contains(w.marker());
        // No membership change, ban reason or to-device message of the attacker reached the victim.
        String sync = ok(http.get(V3 + "/sync", w.bob().token())).text();
        assertThat(sync).doesNotContain(w.malloryRoom()).doesNotContain("CHANNEL");
        assertThat(http.get(V3 + "/rooms/" + encode(w.malloryRoom()) + "/state/m.room.member/" + encode(w.bob().userId()),
                w.mallory().token()).status()).isEqualTo(404);
    }

    // --------------------------------------------------------------------------------------------- routes

    /** Client routes with a user, room, alias or media in the path, one pattern per handler and method. */
    private List<Route> targetRoutes() {
        Map<String, Route> byHandler = new LinkedHashMap<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
                RequestMappingInfo info = entry.getKey();
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                List<String> names = methods.isEmpty() ? List.of("GET") : methods.stream().map(RequestMethod::name).toList();
                for (String pattern : info.getPatternValues()) {
                    if (!pattern.startsWith("/_matrix/")) continue;
                    Route probe = new Route("GET", pattern);
                    if (probe.variables().stream().noneMatch(TARGETS::contains)) continue;
                    for (String method : names) {
                        byHandler.merge(method + " " + entry.getValue(), new Route(method, pattern), CrossTenantRoutesIT::preferred);
                    }
                }
            }
        }
        return new ArrayList<>(byHandler.values());
    }

    private static Route preferred(Route a, Route b) {
        boolean av3 = !a.pattern().contains("/r0/");
        boolean bv3 = !b.pattern().contains("/r0/");
        if (av3 != bv3) return av3 ? a : b;
        return a.pattern().length() <= b.pattern().length() ? a : b;
    }

    /** Values for every path variable; a variable nobody thought of fails the test, so it gets one. */
    private static Map<String, String> values(World w) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("roomId", w.roomId());
        v.put("roomIdOrAlias", w.roomId());
        v.put("alias", w.alias());
        v.put("userId", w.bob().userId());
        v.put("eventId", w.eventId());
        v.put("serverName", w.mediaServer());
        v.put("mediaId", w.mediaId());
        v.put("fileName", "notes.txt");
        v.put("eventType", "m.room.topic");
        v.put("stateKey", "x");
        v.put("txnId", "TXN");
        v.put("relType", "m.thread");
        v.put("receiptType", "m.read");
        v.put("type", "m.test");
        v.put("filterId", "0");
        v.put("version", "1");
        v.put("sessionId", "s");
        v.put("deviceId", "DEV");
        v.put("scope", "global");
        v.put("kind", "override");
        v.put("ruleId", "x");
        v.put("v", "v3");
        v.put("tag", "m.favourite");
        v.put("delayId", "no-such-delay");
        v.put("action", "cancel");
        v.put("keyName", "org.example.job_title");
        v.put("alertId", "al_0");
        return v;
    }

    /** For the leak sweep: room-or-alias routes are tried with the room ID and with the alias. */
    private static List<Map<String, String>> valueSets(Route route, World w, boolean bothForms) {
        Map<String, String> byId = values(w);
        if (!bothForms || !route.variables().contains("roomIdOrAlias")) return List.of(byId);
        Map<String, String> byAlias = values(w);
        byAlias.put("roomIdOrAlias", w.alias());
        return List.of(byId, byAlias);
    }

    private static String fill(Route route, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(route.pattern());
        StringBuilder path = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) throw new AssertionError("No value for path variable {" + m.group(1) + "} of " + route
                    + ": add one to CrossTenantRoutesIT.values");
            String wire = value.equals("TXN") ? "TXN" : encode(value);
            m.appendReplacement(path, Matcher.quoteReplacement(wire));
        }
        m.appendTail(path);
        return path.toString().replace("TXN", "t" + COUNTER.incrementAndGet());
    }

    /** A body with the fields these routes read, aimed at the victim where a field names a target. */
    private static Object bodyFor(Route route, World w) {
        if (route.method().equals("GET") || route.method().equals("DELETE")) return null;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("msgtype", "m.text");
        body.put("body", "CHANNEL");
        body.put("reason", "CHANNEL");
        body.put("user_id", w.bob().userId());
        body.put("room_id", w.roomId());
        body.put("visibility", "public");
        body.put("displayname", "CHANNEL");
        body.put("presence", "online");
        body.put("typing", true);
        body.put("timeout", 1000);
        body.put("m.fully_read", w.eventId());
        body.put("m.read", w.eventId());
        body.put("topic", "CHANNEL");
        return body;
    }

    // --------------------------------------------------------------------------------------------- helpers

    private void partners(String a, String b, boolean on) {
        ok(http.send(on ? "PUT" : "DELETE", TENANTS + "/" + a + "/partners/" + b, adminToken, null));
    }

    private String send(TenantUser user, String roomId, Map<String, Object> content) {
        return ok(http.send("PUT", V3 + "/rooms/" + encode(roomId) + "/send/m.room.message/s" + COUNTER.incrementAndGet(),
                user.token(), content)).json().get("event_id").asString();
    }

    private static Response ok(Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response;
    }
}
