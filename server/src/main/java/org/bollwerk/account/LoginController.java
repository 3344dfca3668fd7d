package org.bollwerk.account;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.tenant.TenantService;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /login}, {@code /logout}, {@code /account/whoami}, {@code /account/password}. */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class LoginController {
    private static final io.micrometer.core.instrument.Counter FAILED = io.micrometer.core.instrument.Counter
            .builder("bollwerk.logins.failed").tag("via", "client").description("Failed password logins (wrong password or user)")
            .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    private final AccountService accounts;
    private final UserInteractiveAuth uia;
    private final LoginGuard guard;
    private final TenantService tenants;
    private final LoginTokens loginTokens;

    LoginController(AccountService accounts, UserInteractiveAuth uia, LoginGuard guard, TenantService tenants,
                    LoginTokens loginTokens) {
        this.accounts = accounts;
        this.loginTokens = loginTokens;
        this.uia = uia;
        this.guard = guard;
        this.tenants = tenants;
    }

    @GetMapping("/login")
    Map<String, Object> flows() {
        return Map.of("flows", List.of(Map.of("type", "m.login.password"),
                Map.of("type", "m.login.token", "get_login_token", true)));
    }

    @PostMapping("/login")
    Map<String, Object> login(@RequestBody(required = false) byte[] raw, HttpServletRequest request) {
        ObjectNode body = Json.parseObject(raw);
        String type = JsonBody.string(body, "type", true);
        if ("m.login.token".equals(type)) return tokenLogin(body, request);
        if (!"m.login.password".equals(type)) {
            throw new MatrixException(ErrCode.M_UNKNOWN, 400, "Unknown login type " + type, Map.of());
        }
        String userId = LoginIdentifiers.userOf(body, domainOfRequest(request, tenants));
        String password = JsonBody.string(body, "password", true);
        if (userId == null) throw MatrixException.missingParam("Missing user identifier");
        guard.beforeLogin(request.getRemoteAddr(), userId);
        if (!accounts.checkPassword(userId, password)) {
            FAILED.increment();
            throw MatrixException.forbidden("Invalid username or password");
        }
        AccountService.Session session = accounts.openSession(userId, JsonBody.string(body, "device_id", false),
                JsonBody.string(body, "initial_device_display_name", false), request.getRemoteAddr());
        return sessionBody(session);
    }

    /**
     * {@code m.login.token}: a single-use token from {@code /login/get_token} (or, later, single sign-on). The
     * login throttle per client address applies first, as for passwords; an unknown, used or expired token is
     * 403 {@code M_FORBIDDEN}, as the spec says.
     */
    private Map<String, Object> tokenLogin(ObjectNode body, HttpServletRequest request) {
        String token = JsonBody.string(body, "token", true);
        guard.beforeLogin(request.getRemoteAddr(), null);
        String userId = loginTokens.redeem(token)
                .orElseThrow(() -> MatrixException.forbidden("Invalid or expired login token"));
        AccountService.Session session = accounts.openSession(userId, JsonBody.string(body, "device_id", false),
                JsonBody.string(body, "initial_device_display_name", false), request.getRemoteAddr());
        return sessionBody(session);
    }

    /**
     * The domain a bare localpart is completed with: the {@code Host} the client used when one of the
     * tenants serves it (so {@code alice} at {@code acme.test} is {@code @alice:acme.test}), else the
     * server name.
     */
    static String domainOfRequest(HttpServletRequest request, TenantService tenants) {
        String host = request.getServerName();
        if (host != null) {
            host = host.toLowerCase(java.util.Locale.ROOT);
            String withPort = host + ":" + request.getServerPort();
            if (tenants.isLocalDomain(host)) return host;
            if (tenants.isLocalDomain(withPort)) return withPort;
        }
        return tenants.defaultDomain();
    }

    static Map<String, Object> sessionBody(AccountService.Session session) {
        String serverName = session.userId().substring(session.userId().indexOf(':') + 1);
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("user_id", session.userId());
        response.put("access_token", session.accessToken());
        response.put("device_id", session.deviceId());
        response.put("home_server", serverName);
        return response;
    }

    @PostMapping("/logout")
    Map<String, Object> logout(Requester requester) {
        accounts.logout(requester);
        return Map.of();
    }

    @PostMapping("/logout/all")
    Map<String, Object> logoutAll(Requester requester) {
        accounts.logoutAll(requester.userId());
        return Map.of();
    }

    @GetMapping("/account/whoami")
    Map<String, Object> whoami(Requester requester) {
        return Map.of("user_id", requester.userId(), "device_id", requester.deviceId(), "is_guest", false);
    }

    @PostMapping("/account/password")
    Map<String, Object> changePassword(Requester requester, @RequestBody(required = false) byte[] raw) {
        ObjectNode body = Json.parseObject(raw);
        uia.require(requester, body);
        String newPassword = JsonBody.string(body, "new_password", true);
        boolean logoutDevices = JsonBody.bool(body, "logout_devices", true);
        accounts.setPassword(requester.userId(), newPassword, logoutDevices, requester.deviceId());
        return Map.of();
    }
}
