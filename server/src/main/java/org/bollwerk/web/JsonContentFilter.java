package org.bollwerk.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriComponentsBuilder;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Matrix bodies are JSON whatever Content-Type a client sends; many tools (curl -d, some bots) send
 * {@code application/x-www-form-urlencoded}. Such a body must not be parsed as a form (that would
 * consume it), so parameters come from the query string only and the type reads as JSON.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2)
class JsonContentFilter extends OncePerRequestFilter {

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String type = request.getContentType();
        return type == null || !type.toLowerCase().startsWith("application/x-www-form-urlencoded")
                || !RequestPaths.routed(request).startsWith("/_");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new QueryOnlyRequest(request), response);
    }

    private static final class QueryOnlyRequest extends HttpServletRequestWrapper {
        private final Map<String, String[]> parameters;

        QueryOnlyRequest(HttpServletRequest request) {
            super(request);
            Map<String, String[]> params = new LinkedHashMap<>();
            if (request.getQueryString() != null) {
                UriComponentsBuilder.newInstance().query(request.getQueryString()).build(true).getQueryParams()
                        .forEach((name, values) -> params.put(decode(name),
                                values.stream().map(v -> v == null ? "" : decode(v)).toArray(String[]::new)));
            }
            this.parameters = Collections.unmodifiableMap(params);
        }

        private static String decode(String value) {
            try {
                return java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return value;
            }
        }

        @Override
        public String getContentType() {
            return "application/json";
        }

        @Override
        public String getHeader(String name) {
            return "content-type".equalsIgnoreCase(name) ? "application/json" : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return "content-type".equalsIgnoreCase(name) ? Collections.enumeration(List.of("application/json"))
                    : super.getHeaders(name);
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }
    }
}
