package org.bollwerk.web;

import org.bollwerk.account.AccountService;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.storage.StreamNotifier;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.core.MethodParameter;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import tools.jackson.databind.JsonNode;

import javax.sql.DataSource;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends every HTTP route the application registers (read from its handler mappings, so a new endpoint is
 * covered without anyone listing it) a battery of hostile requests: missing, invalid and other users'
 * tokens; hostile path variables (traversal, encoded separators, bad percent-encoding, 10 KB strings,
 * foreign and other users' IDs); malformed, deeply nested, wrongly typed JSON and huge numbers; hostile
 * query parameters; wrong methods and content types.
 *
 * <p>Every answer must be below 500; every 4xx must carry a Matrix error body ({@code errcode} "M_...")
 * and no stack trace; and a refused request must leave the database as it was (global stream position
 * and row count of every table). All violations are collected and reported together.
 */
class HostileInputIT extends ClientApiTestBase {

    @DynamicPropertySource
    static void shortLongPolls(DynamicPropertyRegistry registry) {
        // hostile timeouts are clamped to the maximum; keep it short so the battery is not a sleep
        registry.add("bollwerk.sync.max-timeout-ms", () -> "50");
    }

    private static final Pattern VARIABLE = Pattern.compile("\\{\\*?([A-Za-z0-9_]+)(?::[^}]*)?}");
    private static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "PATCH");
    private static final AtomicLong COUNTER = new AtomicLong();

    /** Path-variable values, exactly as they go on the wire. */
    private static final List<String> HOSTILE_SEGMENTS = List.of(
            "..%2F..%2F..%2Fetc%2Fpasswd", "..", "%2e%2e", "%2F", "..;jsessionid=x", "%252F..%252F",
            "%00", "%ZZ", "%C0%AF", "%F0%9F%92%A9", "a%20b%09c%0D%0A",
            "A".repeat(10 * 1024), "B".repeat(300),
            MatrixHttp.encode("!x:evil.org"), MatrixHttp.encode("@x:evil.org"), MatrixHttp.encode("$x:evil.org"),
            MatrixHttp.encode("#x:evil.org"));

    /** Query values, on the wire. */
    private static final List<String> HOSTILE_QUERY_VALUES = List.of(
            "1e400", "1180591620717411303424", "-1", "%00", "..%2F..%2F", "%7B%7B%5B", "%ZZ",
            "C".repeat(200), "");

    /**
     * Values for one query parameter or body field alone, the others absent: a refusal of one bad parameter
     * must not hide a crash on another (negative pagination tokens answered 500 while the battery above sent
     * them along with a negative limit, which was refused first).
     */
    private static final List<String> ONE_PARAMETER_VALUES = List.of("-1", "o-1", "s-1_-1", "9223372036854775808",
            "abc", "E".repeat(4000));
    private static final String LONG_STRING = "\"" + "F%_\\\\".repeat(13 * 1024) + "\"";   // 53,248 characters, LIKE wildcards included
    /** Fields holding free text or identifiers that end up in SQL, searches or stored columns. */
    private static final List<String> TEXT_FIELDS = List.of("search_term", "body", "displayname", "name", "topic",
            "reason", "user_id", "room_id", "event_id", "device_id", "token", "username", "session_id", "state_key",
            "type", "user");

    /** Query parameters many endpoints read, always sent along with the declared ones. */
    private static final Set<String> COMMON_QUERY = Set.of("limit", "from", "to", "dir", "timeout", "filter", "since",
            "version", "full_state", "set_presence", "server", "at", "membership", "not_membership", "guests",
            "deactivated", "user_id", "device_id", "order_by", "name", "recurse", "event_id", "term", "ts");

    /** Field names the API reads; each gets a wrong type in the type-confusion bodies. */
    private static final List<String> FIELDS = List.of("body", "msgtype", "membership", "user_id", "room_id", "reason",
            "displayname", "avatar_url", "presence", "status_msg", "typing", "timeout", "limit", "preset",
            "visibility", "name", "topic", "invite", "room_alias_name", "initial_state", "creation_content",
            "power_level_content_override", "is_direct", "room_version", "type", "identifier", "password",
            "device_id", "initial_device_display_name", "auth", "devices", "device_keys", "one_time_keys",
            "fallback_keys", "master_key", "self_signing_key", "user_signing_key", "messages", "room", "event_fields",
            "event_format", "account_data", "actions", "enabled", "pattern", "conditions", "pushkey", "kind",
            "app_id", "data", "lang", "search_term", "since", "server", "include_all_networks", "filter",
            "third_party_instance_id", "admin", "deactivated", "locked", "erase", "logout_devices", "new_password",
            "m.fully_read", "m.read", "m.read.private", "algorithm", "auth_data", "version", "rooms", "sessions",
            "first_message_index", "forwarded_count", "is_verified", "session_data", "user", "medium", "address",
            "token", "threepids", "user_type", "keys", "signatures", "usage", "thread_id", "room_id", "session_id",
            "etag", "count", "content", "state_key", "event_id", "refresh_token", "inhibit_login", "username",
            "not_senders", "senders", "types", "not_types", "rooms", "not_rooms", "contains_url", "lazy_load_members");

    private static final List<String> WRONG_TYPES = List.of("[]", "{}", "\"x\"", "-7", "1e400",
            "1180591620717411303424", "true", "null", "[{\"a\":[null,1.5]}]", "\"nul\\u0000in the middle\"", "{\"\\u0000\":\"\\u0000\"}", "\"" + "D".repeat(1000) + "\"");

    @Autowired
    ApplicationContext context;
    @Autowired
    StreamNotifier notifier;
    @Autowired
    DataSource dataSource;

    private RawHttp raw;
    private List<String> tables;
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Integer> statusCounts = new TreeMap<>();
    private final Set<String> othersSucceeded = new TreeSet<>();
    private final Set<String> unknownVariables = new TreeSet<>();
    private int requests;

    // the world the valid values point into; rebuilt when a request destroyed part of it
    private Session alice;   // plain user owning the room, the event, the alias, the filter, the backup
    private Session bob;     // another plain user: "other user's token" and "other user's ID"
    private Session root;    // server admin, calls the admin API
    private Session carol;   // the user the admin API acts on
    private String roomId;
    private String eventId;
    private String alias;
    private String filterId;
    private String mediaId;

    record Session(String userId, String token, String deviceId) {
    }

    record Route(String method, String pattern, HandlerMethod handler) {
        boolean authenticated() {
            for (MethodParameter p : handler.getMethodParameters()) {
                if (p.getParameterType() == Requester.class) return true;
            }
            return false;
        }

        boolean admin() {
            return pattern.startsWith("/_synapse/admin") || pattern.startsWith("/_bollwerk/admin") || pattern.startsWith("/admin");
        }

        boolean hasBody() {
            return method.equals("PUT") || method.equals("POST");
        }

        /** A {@code @RequestParam Map}: the route reads parameters it does not declare one by one. */
        boolean anyQueryParam() {
            for (MethodParameter p : handler.getMethodParameters()) {
                if (p.hasParameterAnnotation(RequestParam.class) && Map.class.isAssignableFrom(p.getParameterType())) return true;
            }
            return false;
        }

        Set<String> queryParams() {
            Set<String> names = new LinkedHashSet<>();
            for (MethodParameter p : handler.getMethodParameters()) {
                RequestParam rp = p.getParameterAnnotation(RequestParam.class);
                if (rp == null) continue;
                String name = !rp.name().isEmpty() ? rp.name() : !rp.value().isEmpty() ? rp.value() : p.getParameter().getName();
                names.add(name);
            }
            return names;
        }

        @Override
        public String toString() {
            return method + " " + pattern;
        }
    }

    @Test
    void everyRouteAnswersHostileRequestsWithMatrixErrorsAndLeavesTheDatabaseAlone() throws Exception {
        long started = System.nanoTime();
        raw = new RawHttp(port);
        tables = tables();
        holdBackgroundJobs();
        try {
            runBatteries(started);
        } finally {
            releaseBackgroundJobs();
        }
    }

    /**
     * Jobs that derive rows from the event stream on their own schedule (the search index, push evaluation, alert
     * audiences) would change the fingerprint between a request and its check. The test holds their cluster leases
     * (as another node would), so on this node they wait until it is done.
     */
    private static final List<String> BACKGROUND_JOBS = List.of("search-indexer", "push-evaluate", "alerts.follow-up");

    private void holdBackgroundJobs() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            for (String job : BACKGROUND_JOBS) {
                s.executeUpdate("DELETE FROM cluster_job_leases WHERE job = '" + job + "'");
                s.executeUpdate("INSERT INTO cluster_job_leases (job, holder, expires_at) VALUES ('" + job
                        + "', 'hostile-input-it', " + Long.MAX_VALUE / 2 + ")");
            }
        }
        Thread.sleep(2_000);  // a run that started before the leases were taken ends meanwhile
    }

    private void releaseBackgroundJobs() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM cluster_job_leases WHERE holder = 'hostile-input-it'");
        }
    }

    private void runBatteries(long started) {
        List<Route> routes = routes();
        assertThat(routes).as("routes found in the handler mappings").hasSizeGreaterThan(50);
        Map<String, Set<String>> methodsByPattern = new LinkedHashMap<>();
        for (Route r : routes) methodsByPattern.computeIfAbsent(r.pattern(), p -> new TreeSet<>()).add(r.method());

        for (Route route : routes) {
            ensureWorld();
            authBattery(route);
            pathBattery(route);
            queryBattery(route);
            oneParameterBattery(route);
            if (route.hasBody()) {
                bodyBattery(route);
                oneFieldBattery(route);
                contentTypeBattery(route);
            }
        }
        for (Map.Entry<String, Set<String>> entry : methodsByPattern.entrySet()) {
            ensureWorld();
            String path = fill(new Route("GET", entry.getKey(), null), Map.of());
            for (String method : List.of("GET", "PUT", "POST", "DELETE", "PATCH", "TRACE")) {
                Set<String> mapped = entry.getValue();
                if (mapped.contains(method) || (method.equals("GET") && mapped.contains("HEAD"))) continue;
                Response r = call("wrong method", method, path, alice.token(), json("{}"), "application/json");
                // an unmapped method must be refused, unless another route legitimately matches the same path
                if (r.status < 400 && !anyRouteMatches(methodsByPattern, path, method)) {
                    fail(r, method + " " + path + " is not mapped but answered");
                }
            }
        }

        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        System.out.printf("HostileInputIT: %d routes, %d requests in %d s; statuses %s%n", routes.size(), requests,
                seconds, statusCounts);
        if (!unknownVariables.isEmpty()) System.out.println("HostileInputIT: path variables without a valid value: " + unknownVariables);
        if (!othersSucceeded.isEmpty()) System.out.println("HostileInputIT: another user's token succeeded on: " + othersSucceeded);
        assertThat(failures).as(report()).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- batteries

    private void authBattery(Route route) {
        String path = fill(route, Map.of());
        byte[] body = route.hasBody() ? json("{}") : null;
        String type = body == null ? null : "application/json";
        Response none = call("no token", route.method(), path, null, body, type);
        Response invalid = call("invalid token", route.method(), path, "syt_not_a_real_token", body, type);
        // a token in the query string (deprecated by the spec, and it ends up in logs) is refused, even a valid one
        String valid = tokenFor(route);
        String withQueryToken = path + (path.contains("?") ? "&" : "?") + "access_token=" + valid;
        Response queryOnly = call("token in the query string", route.method(), withQueryToken, null, body, type);
        Response queryAndHeader = call("token in the query string and the header", route.method(), withQueryToken, valid, body, type);
        if (route.authenticated()) {
            expectStatus(none, 401, "M_MISSING_TOKEN");
            expectStatus(invalid, 401, "M_UNKNOWN_TOKEN");
            expectStatus(queryOnly, 401, "M_MISSING_TOKEN");
            expectStatus(queryAndHeader, 401, "M_MISSING_TOKEN");
        }
        Session other = route.admin() ? alice : bob;
        Response foreign = call("other user's token", route.method(), path, other.token(), body, type);
        if (route.authenticated() && foreign.status < 300) {
            othersSucceeded.add(route.toString());
            // alice's room, event, filter and device are hers alone; her profile and presence are public
            // alias resolution and room visibility in the directory are public by the spec, so are media
            boolean publicAboutAlice = route.method().equals("GET")
                    && (route.pattern().contains("/profile/") || route.pattern().contains("/presence/")
                    || route.pattern().contains("/directory/") || route.pattern().contains("/media/"));
            String decoded = java.net.URLDecoder.decode(path, StandardCharsets.UTF_8);
            boolean touchesAlice = decoded.contains(roomId) || decoded.contains(eventId) || decoded.contains(alias)
                    || decoded.contains("/" + filterId) || decoded.contains(alice.deviceId())
                    || decoded.contains(alice.userId()) || decoded.contains(carol.userId());
            // reporting a user is aimed at someone else by design; it changes nothing of hers
            boolean reportsAlice = route.method().equals("POST") && route.pattern().endsWith("/users/{userId}/report");
            if (touchesAlice && !publicAboutAlice && !reportsAlice) {
                failures.add("other user's token: " + route + " -> another user's resource answered " + foreign.status
                        + " " + abbreviate(foreign.text, 200));
            }
        }
    }

    private void pathBattery(Route route) {
        List<String> variables = variables(route.pattern());
        for (String variable : variables) {
            List<String> values = new ArrayList<>(HOSTILE_SEGMENTS);
            values.add(MatrixHttp.encode(bob.userId()));   // another real user's ID
            if (variable.toLowerCase(Locale.ROOT).contains("room")) values.add(MatrixHttp.encode(otherRoom()));
            for (String value : values) {
                String path = fill(route, Map.of(variable, value));
                call("path {" + variable + "}", route.method(), path, tokenFor(route),
                        route.hasBody() ? json("{}") : null, route.hasBody() ? "application/json" : null);
            }
        }
    }

    private void queryBattery(Route route) {
        Set<String> names = new TreeSet<>(COMMON_QUERY);
        names.addAll(route.queryParams());
        String path = fill(route, Map.of());
        for (String value : HOSTILE_QUERY_VALUES) {
            StringBuilder query = new StringBuilder();
            for (String name : names) query.append(query.isEmpty() ? "?" : "&").append(name).append('=').append(value);
            call("query", route.method(), path + query, tokenFor(route),
                    route.hasBody() ? json("{}") : null, route.hasBody() ? "application/json" : null);
        }
        call("query over the header limit", route.method(), path + "?limit=" + "L".repeat(10 * 1024), tokenFor(route),
                route.hasBody() ? json("{}") : null, route.hasBody() ? "application/json" : null);
        for (String name : route.queryParams()) {   // each declared parameter alone, twice, and without a value
            call("query " + name, route.method(), path + "?" + name + "=1&" + name + "=x&" + name, tokenFor(route),
                    route.hasBody() ? json("{}") : null, route.hasBody() ? "application/json" : null);
        }
    }

    /** Each parameter alone (declared ones; for routes that take any parameter, the common ones) with each value. */
    private void oneParameterBattery(Route route) {
        Set<String> names = route.anyQueryParam() ? COMMON_QUERY : route.queryParams();
        String path = fill(route, Map.of());
        for (String name : names) {
            for (String value : ONE_PARAMETER_VALUES) {
                call("query " + name + " alone", route.method(), path + "?" + name + "=" + value, tokenFor(route),
                        route.hasBody() ? json("{}") : null, route.hasBody() ? "application/json" : null);
            }
        }
    }

    /**
     * Text fields alone as a 53,000-character string (past SQLite's 50,000-byte LIKE pattern limit, LIKE wildcards and
     * escapes included), pagination tokens alone (negative, huge), and the nested search term of publicRooms.
     */
    private void oneFieldBattery(Route route) {
        String path = fill(route, Map.of());
        List<String> bodies = new ArrayList<>();
        for (String field : TEXT_FIELDS) bodies.add("{\"" + field + "\":" + LONG_STRING + "}");
        for (String token : List.of("-1", "o-1", "s-1_-1", "9223372036854775808")) {
            bodies.add("{\"since\":\"" + token + "\"}");
            bodies.add("{\"from\":\"" + token + "\"}");
        }
        bodies.add("{\"limit\":-1}");
        bodies.add("{\"timeout\":-1}");
        bodies.add("{\"filter\":{\"generic_search_term\":" + LONG_STRING + "}}");
        bodies.add("{\"search_term\":" + LONG_STRING + ",\"limit\":10}");
        for (String body : bodies) {
            call("one field " + abbreviate(body, 40), route.method(), path, tokenFor(route), json(body), "application/json");
        }
    }

    private void bodyBattery(Route route) {
        String path = fill(route, Map.of());
        List<byte[]> bodies = new ArrayList<>();
        bodies.add(new byte[0]);
        bodies.add(json("{\"a\":"));
        bodies.add(json("{\"a\":1,\"a\":2}"));
        bodies.add(json("{\"a\":1}}"));
        bodies.add(json("{'a':1}"));
        bodies.add(json("[]"));
        bodies.add(json("\"x\""));
        bodies.add(json("42"));
        bodies.add(json("null"));
        bodies.add(json("{\"a\":NaN}"));
        bodies.add(json("{\"limit\":1e4041270368,\"timeout\":-1E-99999999999}"));
        bodies.add(json("{\"a\":\"\\ud800\"}"));
        bodies.add(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'});
        bodies.add(json("[".repeat(10_000) + "]".repeat(10_000)));
        bodies.add(json("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)));
        bodies.add(json("{\"" + "k".repeat(10 * 1024) + "\":1}"));
        bodies.add(json("{\"a\":\"" + "x".repeat(1024 * 1024 + 16) + "\"}"));
        for (String wrong : WRONG_TYPES) {
            StringBuilder body = new StringBuilder("{");
            for (String field : new LinkedHashSet<>(FIELDS)) {
                if (body.length() > 1) body.append(',');
                body.append('"').append(field).append("\":").append(wrong);
            }
            bodies.add(json(body.append('}').toString()));
        }
        for (byte[] body : bodies) {
            call("body " + abbreviate(new String(body, StandardCharsets.UTF_8), 40), route.method(), path,
                    tokenFor(route), body, "application/json");
        }
    }

    private void contentTypeBattery(Route route) {
        String path = fill(route, Map.of());
        for (String type : List.of("text/plain", "application/xml", "multipart/form-data; boundary=xyz",
                "application/x-www-form-urlencoded", "application/json; charset=utf-16", ";;;", "image/png")) {
            call("content type " + type, route.method(), path, tokenFor(route), json("{}"), type);
        }
        call("form body", route.method(), path, tokenFor(route), json("a=1&b=%ZZ&access_token=x"),
                "application/x-www-form-urlencoded");
    }

    // --------------------------------------------------------------------------------------------- checking

    record Response(int status, String text, String contentType, Map<String, String> headers) {
    }

    private Response call(String what, String method, String target, String token, byte[] body, String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (token != null) headers.put("Authorization", "Bearer " + token);
        if (contentType != null) headers.put("Content-Type", contentType);
        String before = fingerprint();
        RawHttp.Response r = raw.send(method, target, headers, body);
        requests++;
        Response response = new Response(r.status(), r.text(), r.header("content-type"), r.headers());
        statusCounts.merge(Integer.toString(r.status()), 1, Integer::sum);
        String where = what + ": " + method + " " + abbreviate(target, 160);
        String text = response.text();
        if (r.status() >= 500) failures.add(where + " -> " + r.status() + " " + abbreviate(r.text(), 300));
        if (r.header("server") != null) failures.add(where + " -> Server header " + r.header("server"));
        if (!"nosniff".equals(r.header("x-content-type-options"))
                || !String.valueOf(r.header("content-security-policy")).contains("default-src 'none'")) {
            failures.add(where + " -> " + r.status() + " without the security headers: " + r.headers().keySet() + " " + abbreviate(text, 100));
        }
        // the admin portal's pages (only its sign-in page is reachable without a session) are HTML by design
        boolean portalPage = target.startsWith("/admin/") && r.status() < 400
                && String.valueOf(response.contentType()).startsWith("text/html");
        if (text.contains("at org.") || text.contains("at java.") || text.contains("Exception")
                || (text.contains("<html") && !portalPage) || text.contains("Apache Tomcat")) {
            failures.add(where + " -> internals in the body: " + abbreviate(text, 300));
        }
        if (r.status() >= 400 && !method.equals("HEAD")) {
            String errcode = errcodeOf(text);
            // the actuator (health, metrics) is not Matrix API: its 404 for an unknown component has no body
            boolean actuatorWithoutBody = target.startsWith("/_bollwerk/actuator/") && text.isEmpty();
            if ((errcode == null || !errcode.startsWith("M_")) && !actuatorWithoutBody) {
                failures.add(where + " -> " + r.status() + " without a Matrix error body: '" + abbreviate(text, 200)
                        + "' (" + response.contentType() + ")");
            }
            String after = fingerprint();
            if (!after.equals(before)) {
                failures.add(where + " -> refused with " + r.status() + " but the database changed: " + diff(before, after));
            }
        }
        return response;
    }

    /** Violations grouped by kind (the text after "->", IDs blanked), each with its count and a first example. */
    private String report() {
        Map<String, List<String>> byKind = new TreeMap<>();
        for (String f : failures) {
            String kind = f.contains(" -> ") ? f.substring(f.indexOf(" -> ") + 4) : f;
            kind = abbreviate(kind.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<id>"), 150);
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(f);
        }
        StringBuilder out = new StringBuilder(failures.size() + " violations of " + byKind.size() + " kinds:\n");
        byKind.forEach((kind, list) -> out.append(String.format("%5d × %s%n        e.g. %s%n", list.size(), kind,
                abbreviate(list.get(0), 300))));
        return out.toString();
    }

    private void fail(Response r, String why) {
        failures.add(why + ": " + r.status + " " + abbreviate(r.text, 200));
    }

    private void expectStatus(Response r, int status, String errcode) {
        if (r.status != status || !errcode.equals(errcodeOf(r.text))) {
            failures.add("expected " + status + " " + errcode + " but got " + r.status + " " + abbreviate(r.text, 200));
        }
    }

    private static String errcodeOf(String text) {
        try {
            JsonNode node = Json.MAPPER.readTree(text);
            return node.isObject() && node.path("errcode").isString() ? node.get("errcode").asString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static boolean anyRouteMatches(Map<String, Set<String>> methodsByPattern, String path, String method) {
        String plain = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        for (Map.Entry<String, Set<String>> e : methodsByPattern.entrySet()) {
            if (!e.getValue().contains(method)) continue;
            String regex = VARIABLE.matcher(e.getKey()).replaceAll("[^/]+");
            if (plain.matches(regex)) return true;
        }
        return false;
    }

    /**
     * Stream position plus the row count of every table but the audit trail: cheap, and any refused write
     * shows up in it.
     */
    private String fingerprint() {
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < tables.size(); i++) {
            if (i > 0) sql.append(", ");
            sql.append("(SELECT count(*) FROM ").append(tables.get(i)).append(')');
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql.toString())) {
            rs.next();
            StringBuilder out = new StringBuilder("stream=").append(notifier.current());
            for (int i = 0; i < tables.size(); i++) out.append(' ').append(tables.get(i)).append('=').append(rs.getLong(i + 1));
            return out.toString();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> tables() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             ResultSet rs = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                // admin_audit records every admin request, refusals included (issue 4): it must grow.
                // cluster_job_leases is background jobs' bookkeeping, written on their own schedule.
                if (!name.startsWith("sqlite_") && !name.startsWith("flyway") && !name.equals("admin_audit")
                        && !name.equals("cluster_job_leases")) {
                    names.add(name);
                }
            }
        }
        assertThat(names).contains("events", "users");
        return names;
    }

    private static String diff(String before, String after) {
        String[] b = before.split(" ");
        String[] a = after.split(" ");
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < Math.min(a.length, b.length); i++) if (!a[i].equals(b[i])) changed.add(b[i] + "→" + a[i].substring(a[i].indexOf('=') + 1));
        return String.join(", ", changed);
    }

    // --------------------------------------------------------------------------------------------- routes

    private List<Route> routes() {
        Map<String, Route> byHandler = new LinkedHashMap<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> entry : mapping.getHandlerMethods().entrySet()) {
                RequestMappingInfo info = entry.getKey();
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                List<String> names = methods.isEmpty() ? List.of("GET", "POST")
                        : methods.stream().map(RequestMethod::name).toList();
                for (String method : names) {
                    for (String pattern : info.getPatternValues()) {
                        // one pattern per handler and method: /v3 over /r0, and the form without a trailing slash
                        String key = method + " " + entry.getValue();
                        Route candidate = new Route(method, pattern, entry.getValue());
                        byHandler.merge(key, candidate, (a, b) -> preferred(a, b));
                    }
                }
            }
        }
        List<Route> routes = new ArrayList<>(byHandler.values());
        routes.sort((a, b) -> Integer.compare(destructiveness(a), destructiveness(b)));
        return routes;
    }

    private static Route preferred(Route a, Route b) {
        boolean av3 = !a.pattern().contains("/r0/");
        boolean bv3 = !b.pattern().contains("/r0/");
        if (av3 != bv3) return av3 ? a : b;
        return a.pattern().length() <= b.pattern().length() ? a : b;
    }

    /** Routes that end sessions or memberships run last, so fewer rebuilds of the world are needed. */
    private static int destructiveness(Route r) {
        String p = r.pattern();
        if (p.contains("logout") || p.contains("deactivate") || p.contains("password") || p.contains("delete_devices")) return 2;
        if (p.contains("/leave") || p.contains("/forget") || p.contains("/kick") || p.contains("/ban")) return 1;
        return 0;
    }

    private static List<String> variables(String pattern) {
        List<String> names = new ArrayList<>();
        Matcher m = VARIABLE.matcher(pattern);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    private String tokenFor(Route route) {
        return route.admin() ? root.token() : alice.token();
    }

    /** The pattern with each variable set to a valid value, or to the given (wire-form) override. */
    private String fill(Route route, Map<String, String> overrides) {
        String pattern = route.pattern();
        boolean admin = pattern.startsWith("/_synapse/admin") || pattern.startsWith("/_bollwerk/admin");
        Matcher m = VARIABLE.matcher(pattern);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = overrides.containsKey(name) ? overrides.get(name) : MatrixHttp.encode(valid(name, pattern, admin));
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String valid(String variable, String pattern, boolean admin) {
        return switch (variable) {
            case "roomId", "roomIdOrAlias" -> roomId;
            case "userId" -> admin ? carol.userId() : alice.userId();
            case "deviceId" -> admin ? carol.deviceId() : alice.deviceId();
            case "eventId" -> eventId;
            case "txnId" -> "hostile" + COUNTER.incrementAndGet();
            case "eventType" -> pattern.contains("/state/") ? "m.room.topic" : "m.room.message";
            case "stateKey" -> "x";
            case "type" -> "org.example.hostile";
            case "receiptType" -> "m.read";
            case "relType" -> "m.annotation";
            case "alias" -> alias;
            case "filterId" -> filterId;
            case "scope" -> "global";
            case "kind" -> "override";
            case "ruleId" -> ".m.rule.master";
            case "version" -> "1";
            case "sessionId" -> "session1";
            case "serverName" -> "localhost";
            case "mediaId" -> mediaId;
            case "fileName" -> "hostile.txt";
            case "v" -> "v3";
            case "tenantId" -> "hostile-tenant"; // not the default tenant: shredding that would end the battery
            default -> {
                unknownVariables.add(variable + " in " + pattern);
                yield "x";
            }
        };
    }

    // ---------------------------------------------------------------------------------------------- world

    /** Makes sure every valid value still points at something that exists and every token still works. */
    private void ensureWorld() {
        if (root == null || !works(root)) root = session("hostile-root", true);
        if (bob == null || !works(bob)) bob = session("hostile-bob", false);
        if (carol == null || !works(carol)) carol = session("hostile-carol", false);
        boolean newAlice = alice == null || !works(alice);
        if (newAlice) alice = session("hostile-alice", false);
        if (newAlice || !joined()) buildRoom();
    }

    private Session session(String prefix, boolean admin) {
        String userId = "@" + MatrixHttp.uniqueLocalpart(prefix) + ":localhost";
        accounts.createUser(userId, null, prefix, admin);
        AccountService.Session s = accounts.openSession(userId, null, "hostile", "127.0.0.1");
        return new Session(s.userId(), s.accessToken(), s.deviceId());
    }

    private boolean works(Session s) {
        return http.get(V3 + "/account/whoami", s.token()).status() == 200;
    }

    private boolean joined() {
        return roomId != null && http.get(V3 + "/rooms/" + MatrixHttp.encode(roomId) + "/joined_members", alice.token()).status() == 200;
    }

    private void buildRoom() {
        User owner = new User(alice.userId(), alice.token(), alice.deviceId());
        roomId = createRoom(owner, Map.of("preset", "private_chat", "name", "Hostile"));
        eventId = ok(send(owner, roomId, "hello")).get("event_id").asString();
        alias = "#" + MatrixHttp.uniqueLocalpart("hostile") + ":localhost";
        ok(http.send("PUT", V3 + "/directory/room/" + MatrixHttp.encode(alias), alice.token(), Map.of("room_id", roomId)));
        filterId = ok(http.send("POST", V3 + "/user/" + MatrixHttp.encode(alice.userId()) + "/filter", alice.token(),
                Map.of("room", Map.of("timeline", Map.of("limit", 5))))).get("filter_id").asString();
        RawHttp.Response upload = raw.send("POST", "/_matrix/media/v3/upload?filename=h.txt",
                Map.of("Authorization", "Bearer " + alice.token(), "Content-Type", "text/plain"), json("hostile"));
        assertThat(upload.status()).as(upload.text()).isEqualTo(200);
        String uri = Json.MAPPER.readTree(upload.text()).get("content_uri").asString();
        mediaId = uri.substring(uri.lastIndexOf('/') + 1);
        http.send("POST", V3 + "/room_keys/version", alice.token(), Map.of("algorithm",
                "m.megolm_backup.v1.curve25519-aes-sha2", "auth_data", Map.of("public_key", "abc")));
    }

    private String otherRoom() {
        return "!notthere" + COUNTER.incrementAndGet() + ":localhost";
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text, int max) {
        String flat = text.replace('\n', ' ').replace('\r', ' ');
        return flat.length() <= max ? flat : flat.substring(0, max) + "…(" + flat.length() + ")";
    }
}
