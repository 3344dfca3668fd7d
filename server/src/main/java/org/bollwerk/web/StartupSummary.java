package org.bollwerk.web;

import org.apache.catalina.connector.Connector;
import org.bollwerk.config.BollwerkProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One INFO line once the server is ready, saying what an operator checks first: the server name, where the
 * client API and the admin listener listen (scheme, address, port), which database (host and name, never user
 * or password) and where the key-encryption key comes from.
 */
@Component
class StartupSummary {
    private static final Logger log = LoggerFactory.getLogger(StartupSummary.class);
    private final BollwerkProperties props;
    private final AdminListener.Settings admin;
    private final Environment environment;
    private final java.util.concurrent.atomic.AtomicBoolean summarised = new java.util.concurrent.atomic.AtomicBoolean();

    StartupSummary(BollwerkProperties props, AdminListener.Settings admin, Environment environment) {
        this.props = props;
        this.admin = admin;
        this.environment = environment;
    }

    /** One listening connector. */
    record Listener(String scheme, String address, int port) {
        @Override
        public String toString() {
            return scheme + "://" + address + ":" + port;
        }
    }

    @EventListener
    void ready(ApplicationReadyEvent event) {
        if (!summarised.compareAndSet(false, true)) return;   // once, also when a child context's event reaches us
        try {
            log.info(line(event.getApplicationContext() instanceof WebServerApplicationContext web ? listeners(web) : List.of()));
        } catch (RuntimeException e) {
            log.warn("Could not summarise the start-up: {}", e.toString());   // never a reason to stop a ready server
        }
    }

    String line(List<Listener> listeners) {
        String client = listeners.stream().filter(l -> !admin.enabled() || l.port() != admin.port()).findFirst()
                .map(Listener::toString).orElse("?");
        String adminText = !admin.enabled() ? "off (admin API on the client API port)"
                : listeners.stream().filter(l -> l.port() == admin.port()).findFirst().map(Listener::toString)
                .orElse("http://" + admin.address() + ":" + admin.port());
        return "Bollwerk ready: server name " + props.serverName() + "; client API " + client + "; admin listener "
                + adminText + "; database " + database(props.database().url(), props.dataDir())
                + "; key provider " + keyProvider();
    }

    private static List<Listener> listeners(WebServerApplicationContext web) {
        List<Listener> out = new ArrayList<>();
        if (web.getWebServer() instanceof TomcatWebServer tomcat) {
            for (Connector connector : tomcat.getTomcat().getService().findConnectors()) {
                Object address = connector.getProperty("address");
                String host = address == null ? "*" : address.toString().replaceFirst("^.*/", "");
                boolean tls = connector.getSecure() || "https".equals(connector.getScheme());
                out.add(new Listener(tls ? "https" : "http", host, connector.getLocalPort()));
            }
        }
        return out;
    }

    /** {@code postgresql db.example.org:5432/bollwerk}, or the SQLite file; never user, password or parameters. */
    static String database(String url, Path dataDir) {
        if (url == null || url.isBlank()) return "sqlite " + dataDir.resolve("bollwerk.db").toAbsolutePath().normalize();
        if (!url.startsWith("jdbc:")) return "(unrecognised URL)";
        String rest = url.substring(5);
        int colon = rest.indexOf(':');
        String kind = colon < 0 ? rest : rest.substring(0, colon);
        if (kind.equals("sqlite")) {
            String file = rest.substring(colon + 1);
            int query = file.indexOf('?');
            return "sqlite " + (query < 0 ? file : file.substring(0, query));
        }
        try {
            URI uri = URI.create(rest);
            String host = uri.getHost() == null ? "localhost" : uri.getHost();
            String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
            String name = uri.getPath() == null ? "" : uri.getPath();
            return kind + " " + host + port + name;
        } catch (IllegalArgumentException e) {
            return kind + " (host not shown)";
        }
    }

    private String keyProvider() {
        String provider = environment.getProperty("bollwerk.keys.provider", "file");
        if (provider.equalsIgnoreCase("pkcs11")) {
            return "pkcs11 (library " + environment.getProperty("bollwerk.keys.pkcs11.library", "?") + ", key label "
                    + environment.getProperty("bollwerk.keys.pkcs11.key-label", "bollwerk-kek") + ")";
        }
        String file = environment.getProperty("bollwerk.keys.kek-file", "");
        return "file " + (file.isBlank() ? props.dataDir().resolve("keys").resolve("kek.key").toAbsolutePath().normalize() : file);
    }
}
