package org.bollwerk.admin;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.bollwerk.account.Requester;
import org.bollwerk.audit.AuditTrail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Records every admin API request in the audit trail after it completed, whatever its outcome: allowed,
 * refused (401/403) or failed. Runs after the error mapping, so the status is the one the caller saw.
 * Requests refused before anyone was authenticated are counted and summarised instead
 * ({@link AnonymousRefusals}): anyone can send them, and one entry each would flood the trail.
 */
@Configuration(proxyBeanMethods = false)
class AdminAuditInterceptor implements HandlerInterceptor, WebMvcConfigurer {
    private static final Logger log = LoggerFactory.getLogger(AdminAuditInterceptor.class);
    /** Request attributes {@link AdminAccess} sets: the role that allowed the action and the target tenant. */
    static final String ROLE = AdminAuditInterceptor.class.getName() + ".role";
    static final String TENANT = AdminAuditInterceptor.class.getName() + ".tenant";
    /** What changed, when the route and target do not say it (a role's permissions, a user's admin flag). */
    static final String DETAIL = AdminAuditInterceptor.class.getName() + ".detail";

    private final AuditTrail audit;
    private final AnonymousRefusals anonymous;

    AdminAuditInterceptor(AuditTrail audit, AnonymousRefusals anonymous) {
        this.audit = audit;
        this.anonymous = anonymous;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/_synapse/admin/**", "/_bollwerk/admin/**",
                        "/_matrix/client/v1/admin/lock/**", "/_matrix/client/v1/admin/suspend/**")
                .excludePathPatterns("/_synapse/admin/v1/server_version");
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler, Exception ex) {
        try {
            Object requester = request.getAttribute(Requester.class.getName());
            String actor = requester instanceof Requester r ? r.actor() : null;   // a service account by its own name
            Object pattern = request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
            String action = request.getMethod() + " " + (pattern != null ? pattern : request.getRequestURI());
            if (actor == null && response.getStatus() >= 400) {
                // refused before anyone was authenticated: counted and summarised, not one entry each
                anonymous.count(request.getRemoteAddr(), action, response.getStatus());
                return;
            }
            String detail = (String) request.getAttribute(DETAIL);
            if (requester instanceof Requester r && r.scope() != null) {
                detail = "for " + r.userId() + (detail == null ? "" : "; " + detail);
            }
            audit.record(actor, (String) request.getAttribute(ROLE), action, target(request),
                    (String) request.getAttribute(TENANT), request.getRemoteAddr(), response.getStatus(), detail);
        } catch (RuntimeException e) {
            log.error("Could not record an admin action in the audit trail", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static String target(HttpServletRequest request) {
        Object vars = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        if (!(vars instanceof Map<?, ?> map) || map.isEmpty()) return null;
        return new TreeMap<>((Map<String, String>) map).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
