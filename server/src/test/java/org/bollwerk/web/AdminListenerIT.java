package org.bollwerk.web;

import org.bollwerk.account.AccountService;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.testsupport.MatrixHttp;
import org.bollwerk.testsupport.RawHttp;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.HandlerExecutionChain;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;
import org.springframework.web.servlet.handler.MappedInterceptor;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin listener (SEC-3, issue 24): every admin route — read from the application's own handler mappings
 * (controllers, the actuator's endpoints, the portal's static files), so a new one is covered the day it is
 * added — in every spelling of its path, on both ports. On the public port no spelling may reach a handler;
 * on the admin port the literal spelling does and every other spelling is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AdminListenerIT {
    static final int ADMIN_PORT = freePort();
    private static final Pattern VARIABLE = Pattern.compile("\\{\\*?([A-Za-z0-9_]+)(?::[^}]*)?}");
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry registry) {
        registry.add("bollwerk.admin-listener.port", () -> ADMIN_PORT);
    }

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    AccountService accounts;

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void adminPathsAnswerOnlyOnTheAdminListenerWhileTheClientApiAnswersOnBoth() {
        MatrixHttp publicPort = new MatrixHttp(port);
        MatrixHttp adminPort = new MatrixHttp(ADMIN_PORT);
        MatrixHttp.Response hidden = publicPort.get("/_synapse/admin/v1/server_version", null);
        assertThat(hidden.status()).isEqualTo(404);
        assertThat(hidden.errcode()).isEqualTo("M_UNRECOGNIZED");
        assertThat(publicPort.get("/_bollwerk/admin/v1/tenants", "any").status()).isEqualTo(404);
        assertThat(publicPort.get("/_bollwerk/actuator/health", null).status()).isEqualTo(404);
        assertThat(adminPort.get("/_synapse/admin/v1/server_version", null).status()).isEqualTo(200);
        assertThat(adminPort.get("/_bollwerk/admin/v1/tenants", null).errcode()).isEqualTo("M_MISSING_TOKEN");
        assertThat(publicPort.get("/_matrix/client/versions", null).status()).isEqualTo(200);
        assertThat(adminPort.get("/_matrix/client/versions", null).status()).isEqualTo(200);
    }

    @Test
    void everyAdminRouteInEverySpellingIsHiddenOnThePublicPortAndOnlyItsLiteralSpellingAnswersOnTheAdminPort() {
        RawHttp publicPort = new RawHttp(port);
        RawHttp adminPort = new RawHttp(ADMIN_PORT);
        Map<String, Set<String>> routes = adminRoutes();
        assertThat(routes.keySet()).as("admin routes in the handler mappings")
                .anyMatch(p -> p.startsWith("/_synapse/admin/")).anyMatch(p -> p.startsWith("/_bollwerk/admin/"))
                .anyMatch(p -> p.startsWith("/_bollwerk/actuator")).anyMatch(p -> p.startsWith("/admin/static/"))
                .contains("/admin/login", "/admin/api-token");
        List<String> failures = new ArrayList<>();
        int requests = 0;
        for (Map.Entry<String, Set<String>> route : routes.entrySet()) {
            String path = fill(route.getKey());
            for (String method : route.getValue()) {
                String where = method + " " + route.getKey();
                RawHttp.Response open = send(adminPort, method, path);
                if (!reachedHandler(open)) failures.add(where + ": not reachable on the admin port: " + describe(open));
                RawHttp.Response hidden = send(publicPort, method, path);
                if (hidden.status() != 404 || !"M_UNRECOGNIZED".equals(errcode(hidden))) {
                    failures.add(where + ": literal path on the public port: " + describe(hidden));
                }
                RawHttp.Response absolute = send(publicPort, method, "http://127.0.0.1:" + port + path);
                if (reachedHandler(absolute)) failures.add(where + ": absolute-form target on the public port: " + describe(absolute));
                requests += 3;
                for (String spelling : spellings(path)) {
                    for (RawHttp http : List.of(publicPort, adminPort)) {
                        RawHttp.Response r = send(http, method, spelling);
                        requests++;
                        if (!refusedAsUnknownOrAmbiguous(r)) {
                            failures.add(where + " spelled " + spelling + " on the " + (http == publicPort ? "public" : "admin")
                                    + " port: " + describe(r));
                        }
                    }
                }
            }
        }
        System.out.printf("AdminListenerIT: %d admin routes, %d requests%n", routes.size(), requests);
        assertThat(failures).as(failures.size() + " failures, e.g.\n" + String.join("\n", failures.stream().limit(40).toList()))
                .isEmpty();
    }

    /**
     * The second gate on its own: for every admin route, the handler chain the application's handler mappings
     * build holds the connector gate before any interceptor of ours (the admin audit, the second-factor rule),
     * whichever mapping (controllers, actuator, static files) serves it.
     */
    @Test
    void theConnectorGateRunsBeforeOurInterceptorsInTheHandlerChainOfEveryAdminRoute() throws Exception {
        HandlerInterceptor gate = context.getBean("adminOnlyOnAdminListener", MappedInterceptor.class).getInterceptor();
        List<HandlerMapping> mappings = new ArrayList<>(context.getBeansOfType(HandlerMapping.class).values());
        AnnotationAwareOrderComparator.sort(mappings);
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Set<String>> route : adminRoutes().entrySet()) {
            for (String method : route.getValue()) {
                MockHttpServletRequest request = new MockHttpServletRequest(method, fill(route.getKey()));
                request.setContentType("application/json");
                ServletRequestPathUtils.parseAndCache(request);
                HandlerExecutionChain chain = null;
                for (HandlerMapping mapping : mappings) {
                    chain = mapping.getHandler(request);
                    if (chain != null) break;
                }
                // before it only Spring's own bookkeeping (exposing the path, CORS headers), none of ours
                List<HandlerInterceptor> before = chain == null ? List.of()
                        : chain.getInterceptorList().subList(0, Math.max(0, chain.getInterceptorList().indexOf(gate)));
                if (chain == null || !chain.getInterceptorList().contains(gate)
                        || before.stream().anyMatch(i -> !i.getClass().getName().startsWith("org.springframework."))) {
                    failures.add(method + " " + route.getKey() + ": " + (chain == null ? "no handler" : chain.getInterceptorList()));
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aPortalSignInAndTokenIssuanceSucceedOnlyOnTheAdminPortWhateverTheSpelling() {
        String localpart = MatrixHttp.uniqueLocalpart("listener-admin");
        accounts.createUser("@" + localpart + ":localhost", "secret-" + localpart, "Admin", true);
        // a session and CSRF token from the admin port: the worst case, an attacker holding both
        RawHttp adminPort = new RawHttp(ADMIN_PORT);
        RawHttp.Response page = adminPort.send("GET", "/admin/login", Map.of("Accept", "text/html"), null);
        assertThat(page.status()).isEqualTo(200);
        String cookie = page.header("set-cookie").split(";")[0];
        Matcher csrf = CSRF.matcher(page.text());
        assertThat(csrf.find()).isTrue();
        String form = "_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8) + "&username=" + localpart
                + "&password=secret-" + localpart;
        Map<String, String> headers = Map.of("Cookie", cookie, "Content-Type", "application/x-www-form-urlencoded");
        RawHttp publicPort = new RawHttp(port);
        List<String> targets = new ArrayList<>(List.of("/admin/login"));
        targets.addAll(spellings("/admin/login"));
        for (String target : targets) {
            RawHttp.Response r = publicPort.send("POST", target, headers, form.getBytes(StandardCharsets.UTF_8));
            assertThat(refusedAsUnknownOrAmbiguous(r)).as("sign-in on the public port at " + target + ": " + describe(r)).isTrue();
            RawHttp.Response token = publicPort.send("POST", target.replace("login", "api-token").replace("logi%6E", "api-toke%6E"),
                    headers, ("_csrf=" + URLEncoder.encode(csrf.group(1), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
            assertThat(refusedAsUnknownOrAmbiguous(token)).as("token issuance on the public port: " + describe(token)).isTrue();
        }
        RawHttp.Response signedIn = adminPort.send("POST", "/admin/login", headers, form.getBytes(StandardCharsets.UTF_8));
        assertThat(signedIn.status()).as(describe(signedIn)).isEqualTo(302);
        assertThat(signedIn.header("location")).contains("/admin/second-factor");
    }

    @Test
    void thePortalAndTheMetricsSendNoCorsHeadersWhileTheMatrixApisDo() {
        RawHttp adminPort = new RawHttp(ADMIN_PORT);
        Map<String, String> origin = Map.of("Origin", "https://evil.example");
        for (String path : List.of("/admin/login", "/admin", "/admin/static/portal.css", "/_bollwerk/actuator/health")) {
            for (String method : List.of("GET", "OPTIONS")) {
                RawHttp.Response r = adminPort.send(method, path, origin, null);
                assertThat(r.header("access-control-allow-origin")).as(method + " " + path).isNull();
            }
        }
        assertThat(adminPort.send("GET", "/_matrix/client/versions", origin, null).header("access-control-allow-origin"))
                .isEqualTo("*");
        assertThat(adminPort.send("OPTIONS", "/_synapse/admin/v1/server_version", origin, null)
                .header("access-control-allow-origin")).isEqualTo("*");
    }

    // ---------------------------------------------------------------------------------------------- routes

    /** Every admin path pattern with its methods, from every handler mapping of the application. */
    private Map<String, Set<String>> adminRoutes() {
        Map<String, Set<String>> routes = new LinkedHashMap<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (RequestMappingInfo info : mapping.getHandlerMethods().keySet()) {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                for (String pattern : info.getPatternValues()) {
                    if (!RequestPaths.isAdmin(pattern.replaceAll("/\\*\\*$", ""))) continue;
                    Set<String> names = routes.computeIfAbsent(pattern, p -> new TreeSet<>());
                    if (methods.isEmpty()) names.addAll(List.of("GET", "POST"));
                    methods.forEach(m -> names.add(m.name()));
                }
            }
        }
        for (AbstractUrlHandlerMapping mapping : context.getBeansOfType(AbstractUrlHandlerMapping.class).values()) {
            for (String pattern : mapping.getHandlerMap().keySet()) {
                if (RequestPaths.isAdmin(pattern.replaceAll("/\\*\\*$", ""))) routes.put(pattern, new TreeSet<>(Set.of("GET")));
            }
        }
        return routes;
    }

    /** The pattern with plain values: variables "x", a trailing {@code /**} a real static file or health group. */
    private static String fill(String pattern) {
        String rest = pattern.contains("/health/") ? "/liveness" : "/portal.css";
        String path = pattern.endsWith("/**") ? pattern.substring(0, pattern.length() - 3) + rest : pattern;
        return VARIABLE.matcher(path).replaceAll("x");
    }

    /**
     * Spellings of an admin path that a server, a proxy or a file system may read as the same path: each
     * character of the prefix percent-encoded (upper and lower case hex, doubly), {@code ;} parameters on
     * every prefix segment and after it, double slashes, dot segments (plain and encoded), encoded slashes and
     * backslashes, overlong and invalid UTF-8, trailing dots and blanks, other letter case, full-width letters.
     */
    static List<String> spellings(String path) {
        String prefix = RequestPaths.ADMIN_PREFIXES.stream().filter(p -> RequestPaths.under(path, p)).findFirst().orElseThrow();
        String rest = path.substring(prefix.length());
        Set<String> out = new LinkedHashSet<>();
        for (int i = 1; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c == '/') continue;
            String hex = String.format("%%%02X", (int) c);
            out.add(prefix.substring(0, i) + hex + prefix.substring(i + 1) + rest);
            out.add(prefix.substring(0, i) + hex.toLowerCase(Locale.ROOT) + prefix.substring(i + 1) + rest);
            out.add(prefix.substring(0, i) + "%25" + hex.substring(1) + prefix.substring(i + 1) + rest);
        }
        List<Integer> slashes = new ArrayList<>();
        for (int i = 0; i < path.length(); i++) if (path.charAt(i) == '/') slashes.add(i);
        slashes.add(path.length());
        int prefixSegments = prefix.split("/").length - 1;
        for (int s = 1; s < Math.min(slashes.size(), 4); s++) {   // after each of the first segments
            int at = slashes.get(s);
            String before = path.substring(0, at);
            String after = path.substring(at);
            out.add(before + ";x=1" + after);
            out.add(before + ";" + after);
            out.add(before + ";jsessionid=1" + after);
            // past the prefix these name other paths (the portal's gate answers for all of /admin), not the same one
            if (s > prefixSegments) continue;
            out.add(before + "." + after);
            out.add(before + "%2E" + after);
            out.add(before + "%20" + after);
            out.add(before + "%09" + after);
            out.add(before + "%00" + after);
        }
        for (int s = 0; s < Math.min(slashes.size() - 1, 3); s++) {   // at each of the first slashes
            int at = slashes.get(s);
            String before = path.substring(0, at);
            String after = path.substring(at + 1);
            out.add(before + "//" + after);
            out.add(before + "/./" + after);
            out.add(before + "/%2e/" + after);
            out.add(before + "/x/../" + after);
            out.add(before + "/x/%2e%2e/" + after);
            out.add(before + "/x/%2E%2E/" + after);
            out.add(before + "/x/..;/" + after);
            out.add(before + "/x/%252e%252e/" + after);
            if (s > 0) {
                out.add(before + "%2F" + after);
                out.add(before + "%2f" + after);
                out.add(before + "\\" + after);
                out.add(before + "%5C" + after);
                out.add(before + "%C0%AF" + after);
                out.add(before + "%E0%80%AF" + after);
                out.add(before + "%ZZ/" + after);
            }
        }
        out.add("/_matrix/client/../.." + path);
        out.add("/_matrix/client/%2e%2e/%2e%2e" + path);
        out.add(path.toUpperCase(Locale.ROOT));
        out.add(prefix.toUpperCase(Locale.ROOT) + rest);
        out.add(capitalised(prefix) + rest);
        out.add(prefix.replace("admin", "%EF%BD%81dmin").replace("actuator", "%EF%BD%81ctuator") + rest);
        out.add("/." + path);
        out.add(path.replaceFirst("/", "/%2F"));
        out.remove(path);
        return new ArrayList<>(out);
    }

    private static String capitalised(String prefix) {
        StringBuilder out = new StringBuilder();
        for (String segment : prefix.substring(1).split("/")) {
            int letter = segment.startsWith("_") ? 1 : 0;
            out.append('/').append(segment, 0, letter).append(Character.toUpperCase(segment.charAt(letter)))
                    .append(segment.substring(letter + 1));
        }
        return out.toString();
    }

    // ---------------------------------------------------------------------------------------------- checks

    private static RawHttp.Response send(RawHttp http, String method, String target) {
        Map<String, String> headers = new LinkedHashMap<>();
        byte[] body = null;
        if (method.equals("POST") || method.equals("PUT")) {
            headers.put("Content-Type", "application/json");
            body = "{}".getBytes(StandardCharsets.UTF_8);
        }
        return http.send(method, target, headers, body);
    }

    /**
     * The answer came from a handler (or the portal's sign-in gate in front of it), not from "no such path":
     * anything but the admin gate's 404 M_UNRECOGNIZED and its 400 for an ambiguous spelling.
     */
    private static boolean reachedHandler(RawHttp.Response r) {
        return !refusedAsUnknownOrAmbiguous(r);
    }

    /** 404 M_UNRECOGNIZED (no such path here) or 400 with a Matrix error (refused as ambiguous or malformed). */
    private static boolean refusedAsUnknownOrAmbiguous(RawHttp.Response r) {
        String errcode = errcode(r);
        return (r.status() == 404 && "M_UNRECOGNIZED".equals(errcode))
                || (r.status() == 400 && errcode != null && errcode.startsWith("M_"));
    }

    private static String errcode(RawHttp.Response r) {
        try {
            JsonNode node = Json.MAPPER.readTree(r.text());
            return node.isObject() && node.path("errcode").isString() ? node.get("errcode").asString() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String describe(RawHttp.Response r) {
        String text = r.text().replace('\n', ' ');
        return r.status() + " " + (text.length() > 160 ? text.substring(0, 160) + "…" : text);
    }
}
