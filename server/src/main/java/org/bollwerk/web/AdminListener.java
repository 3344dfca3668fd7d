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

import java.io.IOException;
import java.util.List;

/**
 * Admin endpoints on a listener of their own (SEC-3): with {@code bollwerk.admin-listener.port} set, a
 * second HTTP connector listens there (on {@code bollwerk.admin-listener.address}, loopback by default),
 * and the admin paths answer only on it — on the public port they do not exist (404 M_UNRECOGNIZED).
 * The admin port serves the client API as well, so admin tools can log in there.
 */
@Configuration(proxyBeanMethods = false)
class AdminListener {
    static final List<String> ADMIN_PATHS = List.of("/_synapse/admin", "/_bollwerk/admin", "/_bollwerk/actuator", "/admin");

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

    static boolean isAdminPath(String uri) {
        for (String prefix : ADMIN_PATHS) {
            if (uri.equals(prefix) || uri.startsWith(prefix + "/")) return true;
        }
        return false;
    }

    /** Hides the admin paths on every port but the admin listener's. */
    static final class AdminPathFilter extends OncePerRequestFilter {
        private final Settings settings;

        AdminPathFilter(Settings settings) {
            this.settings = settings;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return !settings.enabled() || request.getLocalPort() == settings.port() || !isAdminPath(request.getRequestURI());
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            response.setStatus(404);
            response.setContentType("application/json");
            response.getWriter().write("{\"errcode\":\"M_UNRECOGNIZED\",\"error\":\"Unrecognized request\"}");
        }
    }
}
