package org.bollwerk.discovery;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.Requester;
import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.tenant.Tenant;
import org.bollwerk.tenant.TenantService;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.util.List;
import java.util.Map;

/** Server discovery, supported spec versions, capabilities and the load-balancer health check. */
@RestController
class DiscoveryController {
    /** Unstable features clients look for before calling the routes (only ones that are served). */
    static final Map<String, Boolean> UNSTABLE_FEATURES = Map.of(
            "uk.half-shot.msc2666.query_mutual_rooms", true,  // mutual rooms
            "org.matrix.msc3266", true,                       // room summary
            "org.matrix.msc4140", true,                       // delayed events (Element Call)
            // custom profile fields at the stable /v3 paths (js-sdk uses them only with this flag or v1.16)
            "uk.tcpip.msc4133", true,
            "uk.tcpip.msc4133.stable", true);

    private final String publicBaseUrl;
    private final String serverName;
    /** The server name without a port, as a {@code Host} header names it. */
    private final String serverHost;
    private final boolean encryptByDefault;
    private final TenantService tenants;
    private final SupportProperties support;
    private final List<Map<String, Object>> rtcFoci;
    private final SpecVersions specVersions;

    DiscoveryController(BollwerkProperties props, TenantService tenants, SupportProperties support,
                        org.bollwerk.calls.LiveKitProperties liveKit, SpecVersions specVersions) {
        this.specVersions = specVersions;
        this.support = support;
        this.rtcFoci = liveKit.foci();
        this.publicBaseUrl = props.publicBaseUrl();
        this.serverName = props.serverName();
        this.serverHost = hostOf(props.serverName());
        this.tenants = tenants;
        this.encryptByDefault = props.e2eeDefault() != org.bollwerk.config.E2eeDefault.OFF;
    }

    /**
     * Answers per {@code Host}: a tenant domain with its own base URL announces that one. {@code
     * io.element.e2ee.default}: Element-family clients encrypt new chats unless the operator turned it off.
     */
    @GetMapping("/.well-known/matrix/client")
    Map<String, Object> wellKnown(HttpServletRequest request) {
        String host = host(request);
        java.util.Optional<String> tenant = tenants.tenantOfDomain(host);
        String tenantUrl = tenant.flatMap(tenants::tenant).map(Tenant::baseUrl).orElse(null);
        boolean ourHost = tenant.isPresent() || host.equals(serverHost) || LOOPBACK.contains(host);
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("m.homeserver", Map.of("base_url", tenantUrl != null ? tenantUrl : baseUrl(ourHost)));
        body.put("io.element.e2ee", Map.of("default", encryptByDefault));
        // Element Call finds the organisation's LiveKit focus here (MSC4143), next to the transports endpoint.
        if (!rtcFoci.isEmpty()) body.put("org.matrix.msc4143.rtc_foci", rtcFoci);
        return body;
    }

    /** The spec's support contacts; 404 when the operator named none (as the spec says). */
    @GetMapping("/.well-known/matrix/support")
    ResponseEntity<Map<String, Object>> support() {
        if (support.isEmpty()) {
            throw org.bollwerk.matrix.MatrixException.notFound("No support contacts are configured on this server");
        }
        List<Map<String, Object>> contacts = new java.util.ArrayList<>();
        if (!support.adminEmail().isEmpty() || !support.adminMatrixId().isEmpty()) {
            Map<String, Object> admin = new java.util.LinkedHashMap<>();
            admin.put("role", "m.role.admin");
            if (!support.adminEmail().isEmpty()) admin.put("email_address", support.adminEmail());
            if (!support.adminMatrixId().isEmpty()) admin.put("matrix_id", support.adminMatrixId());
            contacts.add(admin);
        }
        if (!support.securityEmail().isEmpty()) {
            contacts.add(Map.of("role", "m.role.security", "email_address", support.securityEmail()));
        }
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        if (!contacts.isEmpty()) body.put("contacts", contacts);
        if (!support.page().isEmpty()) body.put("support_page", support.page());
        return ResponseEntity.ok(body);
    }

    private static String host(HttpServletRequest request) {
        return request.getServerName() == null ? "" : request.getServerName().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The configured public URL. Without one, the URL this request came in on (scheme, host and port as the
     * request or, where Spring's forwarded-header support is enabled, the proxy's headers say) — but only for a
     * host that is ours: the server name, a tenant domain, or loopback. Any other {@code Host} (which anyone
     * can send) gets {@code https://<server name>}: the answer must not point clients, or a cache in front of
     * us, at a server an attacker named (issue 24).
     */
    private String baseUrl(boolean ourHost) {
        if (!publicBaseUrl.isEmpty()) return publicBaseUrl;
        if (!ourHost) return "https://" + serverName;
        return ServletUriComponentsBuilder.fromCurrentContextPath().replacePath(null).replaceQuery(null)
                .build().toUriString();
    }

    private static final java.util.Set<String> LOOPBACK = java.util.Set.of("localhost", "127.0.0.1", "[::1]", "::1");

    private static String hostOf(String serverName) {
        String name = serverName.toLowerCase(java.util.Locale.ROOT);
        if (name.startsWith("[")) return name.substring(0, name.indexOf(']') + 1);
        int colon = name.lastIndexOf(':');
        return colon > 0 ? name.substring(0, colon) : name;
    }

    /**
     * Only versions whose required endpoints are all routed ({@link SpecVersions}, ADR 0012): js-sdk switches
     * features on by version (threads at v1.4, authenticated media at v1.11) and checks exact version strings,
     * so advertising more than works breaks clients.
     */
    @GetMapping("/_matrix/client/versions")
    Map<String, Object> versions() {
        return Map.of("versions", specVersions.versions(), "unstable_features", UNSTABLE_FEATURES);
    }

    @GetMapping({"/_matrix/client/v3/capabilities", "/_matrix/client/r0/capabilities"})
    Map<String, Object> capabilities(Requester requester) {
        return Map.of("capabilities", Map.of(
                "m.change_password", Map.of("enabled", true),
                "m.room_versions", Map.of("default", "10", "available", Map.of("10", "stable", "11", "stable")),
                "m.set_displayname", Map.of("enabled", true),
                "m.set_avatar_url", Map.of("enabled", true),
                "m.3pid_changes", Map.of("enabled", false),
                // POST /login/get_token is served (behind user-interactive auth)
                "m.get_login_token", Map.of("enabled", true),
                // custom profile fields (spec v1.16): every key the spec's grammar allows
                "m.profile_fields", Map.of("enabled", true)));
    }

    /** For load balancers: answers as soon as the web layer runs, without touching the database. */
    @GetMapping(value = "/health", produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> health() {
        return ResponseEntity.ok().contentType(MediaType.TEXT_PLAIN).body("OK");
    }
}
