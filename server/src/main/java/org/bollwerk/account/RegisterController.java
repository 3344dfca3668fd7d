package org.bollwerk.account;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.UserId;
import org.bollwerk.tenant.TenantService;
import org.bollwerk.web.JsonBody;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Registration. Open self-registration is off by default: organisations provision their users (admin
 * API, directory sync) or hand out enrolment tokens, which work whether or not open registration is on
 * ({@code m.login.registration_token}; the account joins the token's tenant).
 */
@RestController
@RequestMapping({"/_matrix/client/v3", "/_matrix/client/r0"})
class RegisterController {
    static final String TOKEN_STAGE = "m.login.registration_token";
    private final AccountService accounts;
    private final RegistrationTokens tokens;
    private final TenantService tenants;
    private final LoginGuard guard;
    private final boolean enabled;

    RegisterController(AccountService accounts, RegistrationTokens tokens, TenantService tenants, LoginGuard guard,
                       BollwerkProperties props) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.tenants = tenants;
        this.guard = guard;
        this.enabled = props.registration().enabled();
    }

    @PostMapping("/register")
    Map<String, Object> register(@RequestParam(required = false) String kind,
                                 @RequestBody(required = false) byte[] raw, HttpServletRequest request) {
        if ("guest".equals(kind)) throw MatrixException.forbidden("Guest access is disabled on this server");
        ObjectNode body = Json.parseObject(raw);
        JsonNode auth = body.get("auth");
        if (auth == null || !auth.isObject()) {
            // Apps show a "Register" link when offered any flow; offer none when none can succeed.
            if (!enabled && !tokens.anyValid()) throw MatrixException.forbidden("Registration is disabled on this server");
            throw challenge(null, null);
        }
        String session = auth.path("session").isString() ? auth.path("session").asString() : null;
        String type = auth.path("type").asString("");
        String registrationToken = null;
        if (TOKEN_STAGE.equals(type)) {
            registrationToken = auth.path("token").isString() ? auth.path("token").asString() : null;
            if (registrationToken == null) throw challenge(session, MatrixException.missingParam("Missing 'token'"));
        } else if (!"m.login.dummy".equals(type) || !enabled) {
            throw MatrixException.forbidden("Registration is disabled on this server");
        }
        String username = JsonBody.string(body, "username", true).toLowerCase(Locale.ROOT);
        String password = JsonBody.string(body, "password", true);
        String domain = tenants.defaultDomain();
        Runnable useToken = () -> { };
        if (registrationToken != null) {
            String token = registrationToken;
            guard.beforeLogin(request.getRemoteAddr(), null);  // tokens are guessed per IP, not per user
            RegistrationToken found = tokens.token(token).orElse(null);
            if (found == null || !tenants.isActive(found.tenantId())) {
                throw challenge(session, MatrixException.forbidden("Invalid registration token"));
            }
            domain = domainFor(found.tenantId(), request);
            useToken = () -> {
                if (!tokens.consume(token)) throw challenge(session, MatrixException.forbidden("Invalid registration token"));
            };
        }
        String userId = new UserId(username, domain).toString();
        if (registrationToken == null) guard.beforeLogin(request.getRemoteAddr(), userId);
        accounts.createUser(userId, password, null, false, useToken);
        if (JsonBody.bool(body, "inhibit_login", false)) return Map.of("user_id", userId);
        AccountService.Session created = accounts.openSession(userId, JsonBody.string(body, "device_id", false),
                JsonBody.string(body, "initial_device_display_name", false), request.getRemoteAddr());
        return LoginController.sessionBody(created);
    }

    /** The Host's domain when it belongs to the token's tenant, else the tenant's first domain. */
    private String domainFor(String tenantId, HttpServletRequest request) {
        String host = LoginController.domainOfRequest(request, tenants);
        if (tenants.tenantOfDomain(host).map(tenantId::equals).orElse(false)) return host;
        if (org.bollwerk.tenant.Tenant.DEFAULT_ID.equals(tenantId)) return tenants.defaultDomain();
        return tenants.domains(tenantId).stream().findFirst()
                .orElseThrow(() -> MatrixException.forbidden("The token's organisation has no domain"));
    }

    /** The UIA answer: the stages this server offers, with {@code failure}'s code when a stage failed. */
    private MatrixException challenge(String session, MatrixException failure) {
        List<Map<String, Object>> flows = new ArrayList<>();
        if (enabled) flows.add(Map.of("stages", List.of("m.login.dummy")));
        flows.add(Map.of("stages", List.of(TOKEN_STAGE)));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("flows", flows);
        extra.put("params", Map.of());
        extra.put("session", session != null ? session : java.util.UUID.randomUUID().toString());
        if (failure == null) return new MatrixException(ErrCode.M_UNAUTHORIZED, 401, "Authentication required", extra);
        extra.put("completed", List.of());
        return new MatrixException(failure.errCode(), 401, failure.getMessage(), extra);
    }

    @GetMapping("/register/available")
    Map<String, Object> available(@RequestParam String username) {
        if (!enabled) throw MatrixException.forbidden("Registration is disabled on this server");
        String userId = "@" + username.toLowerCase(Locale.ROOT) + ":" + tenants.defaultDomain();
        if (!UserId.isValidNewLocalpart(username.toLowerCase(Locale.ROOT))) {
            throw new MatrixException(ErrCode.M_INVALID_USERNAME, "Invalid username");
        }
        if (accounts.exists(userId)) throw new MatrixException(ErrCode.M_USER_IN_USE, "User ID already taken.");
        return Map.of("available", true);
    }
}
