package org.bollwerk.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.apache.catalina.connector.Connector;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.handler.MappedInterceptor;

import java.io.IOException;

/**
 * Admin endpoints on a listener of their own (SEC-3): with {@code bollwerk.admin-listener.port} set, a
 * second HTTP connector listens there (on {@code bollwerk.admin-listener.address}, loopback by default),
 * and the admin paths answer only on it — on the public port they do not exist (404 M_UNRECOGNIZED).
 * The admin port serves the client API as well, so admin tools can log in there.
 *
 * <p>Two gates, so a spelling of the path cannot walk around them (issue 24): {@link AdminPathFilter} before
 * every other filter, deciding on every reading of the path, and an interceptor after routing, deciding on
 * the handler the router actually picked.
 */
@Configuration(proxyBeanMethods = false)
class AdminListener {
    @Validated
    @ConfigurationProperties("bollwerk.admin-listener")
    record Settings(@Min(0) @Max(65535) @DefaultValue("0") int port,
                    @NotBlank @DefaultValue("127.0.0.1") String address) {
        boolean enabled() {
            return port > 0;
        }
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> adminConnector(Settings settings) {
        return factory -> {
            if (!settings.enabled()) return;
            Connector connector = new Connector(ServerCipherOrder.Protocol.class.getName());
            connector.setPort(settings.port());
            connector.setProperty("address", settings.address());
            factory.addAdditionalConnectors(connector);
        };
    }

    @Bean
    org.springframework.boot.web.servlet.FilterRegistrationBean<AdminPathFilter> adminPathFilter(Settings settings) {
        var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(new AdminPathFilter(settings));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }

    /**
     * The second gate, after routing: whatever spelling reached it, a handler the router picked for an admin
     * path runs only on the admin listener. A {@link MappedInterceptor} bean is picked up by every handler
     * mapping (controllers, the actuator's endpoints, the portal's static files) and runs before their own
     * interceptors, so the admin audit never sees such a request.
     */
    @Bean
    MappedInterceptor adminOnlyOnAdminListener(Settings settings) {
        String[] patterns = RequestPaths.ADMIN_PREFIXES.stream().map(prefix -> prefix + "/**").toArray(String[]::new);
        return new MappedInterceptor(patterns, new HandlerInterceptor() {
            @Override
            public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
                    throws IOException {
                if (!settings.enabled() || request.getLocalPort() == settings.port()) return true;
                AdminPathFilter.unrecognized(response);
                return false;
            }
        });
    }

    /**
     * The first gate, before any other filter that decides by path: an admin path not spelled literally
     * (percent-encoded prefix, {@code ;} parameters, dot segments, double slashes, other case...) is refused
     * as ambiguous (400) on every port; a literal admin path does not exist on any port but the admin
     * listener's (404). Later filters (the portal's sign-in gate) can thus trust the path they see.
     */
    static final class AdminPathFilter extends OncePerRequestFilter {
        private final Settings settings;

        AdminPathFilter(Settings settings) {
            this.settings = settings;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !RequestPaths.adminInAnyReading(request);
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (!RequestPaths.literal(request.getRequestURI())) {
                response.setStatus(400);
                response.setContentType("application/json");
                response.getWriter().write("{\"errcode\":\"M_INVALID_PARAM\",\"error\":\"Ambiguous path: spell admin paths "
                        + "without encoded characters, ';' parameters, dot segments or double slashes\"}");
                return;
            }
            if (settings.enabled() && request.getLocalPort() != settings.port()) {
                unrecognized(response);
                return;
            }
            chain.doFilter(request, response);
        }

        static void unrecognized(HttpServletResponse response) throws IOException {
            response.setStatus(404);
            response.setContentType("application/json");
            response.getWriter().write("{\"errcode\":\"M_UNRECOGNIZED\",\"error\":\"Unrecognized request\"}");
        }
    }
}
