package org.bollwerk.portal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A browser-like HTTP client for the portal: keeps the session cookie, sends Accept: text/html, follows no
 * redirects by itself (tests look at them), and fills in the CSRF token of the last page it saw.
 */
final class PortalClient {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private final HttpClient client;
    private final String base;
    private String csrf;
    private String language = "en";

    PortalClient(int port) {
        this.base = "http://127.0.0.1:" + port;
        this.client = HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    record Page(int status, String body, HttpResponse<String> response) {
        String location() {
            String location = response.headers().firstValue("Location").orElse(null);
            return location == null ? null : URI.create(location).getRawPath();
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    PortalClient language(String language) {
        this.language = language;
        return this;
    }

    Page get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** GET, following redirects within the portal (as a browser would). */
    Page open(String path) {
        Page page = get(path);
        for (int i = 0; i < 5 && page.status() / 100 == 3; i++) page = get(page.location());
        return page;
    }

    /** POST a form with the current CSRF token (unless the form names its own {@code _csrf}). */
    Page post(String path, Map<String, String> form) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (csrf != null) fields.put("_csrf", csrf);
        fields.putAll(form);
        return postRaw(path, fields);
    }

    Page postRaw(String path, Map<String, String> fields) {
        String body = fields.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** POST and follow the redirect that comes back (post/redirect/get). */
    Page submit(String path, Map<String, String> form) {
        Page page = post(path, form);
        return page.status() / 100 == 3 ? open(page.location()) : page;
    }

    private Page send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = client.send(builder.header("Accept", "text/html")
                    .header("Accept-Language", language).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = CSRF.matcher(response.body());
            if (m.find()) csrf = m.group(1);
            return new Page(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String enc(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    static String path(String userId) {
        return URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
