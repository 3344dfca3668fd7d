package org.bollwerk.userdata;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Push settings ({@code bollwerk.push.*}, env {@code BOLLWERK_PUSH_*}). Here because pushers live here: setting
 * a pusher checks the allow-list; the push module reads the rest when it delivers.
 *
 * @param allowedGateways    URL prefixes of the push gateways pushes may go to, e.g.
 *                           {@code https://push.example.org/_matrix/push/v1/notify}; empty = no push leaves the server
 * @param retryFor           how long a push is retried while its gateway fails, then dropped
 * @param concurrentRequests requests to push gateways at once (all gateways together)
 * @param requestTimeout     connect and response timeout of one request to a gateway
 */
@Validated
@ConfigurationProperties("bollwerk.push")
public record PushProperties(
        @NotNull @DefaultValue("") List<String> allowedGateways,
        @NotNull @DefaultValue("1h") Duration retryFor,
        @Min(1) @DefaultValue("8") int concurrentRequests,
        @NotNull @DefaultValue("10s") Duration requestTimeout) {

    public static final String ALLOWED_GATEWAYS_SETTING = "BOLLWERK_PUSH_ALLOWED_GATEWAYS";

    public PushProperties {
        allowedGateways = allowedGateways.stream().map(String::trim).filter(g -> !g.isEmpty()).toList();
        for (String gateway : allowedGateways) {
            URI uri = parse(gateway);
            if (uri == null || uri.getHost() == null) {
                throw new IllegalArgumentException("bollwerk.push.allowed-gateways: '" + gateway
                        + "' is not an http(s) URL");
            }
        }
        if (retryFor.isNegative() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("bollwerk.push.retry-for and request-timeout must be positive");
        }
    }

    /**
     * Whether pushes may go to {@code url}: same scheme, host and port as an allowed entry and a path under its
     * path. Compared as parsed URLs, so {@code https://push.example.org.evil.net} is not under
     * {@code https://push.example.org}.
     */
    public boolean allows(String url) {
        URI candidate = parse(url);
        if (candidate == null || candidate.getHost() == null) return false;
        for (String gateway : allowedGateways) {
            URI allowed = parse(gateway);
            if (allowed.getScheme().equalsIgnoreCase(candidate.getScheme())
                    && allowed.getHost().equalsIgnoreCase(candidate.getHost())
                    && port(allowed) == port(candidate)
                    && pathOf(candidate).startsWith(pathOf(allowed))) {
                return true;
            }
        }
        return false;
    }

    private static URI parse(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getRawUserInfo() != null) return null;
            return uri;
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) return uri.getPort();
        return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private static String pathOf(URI uri) {
        return uri.getRawPath() == null ? "" : uri.getRawPath();
    }
}
