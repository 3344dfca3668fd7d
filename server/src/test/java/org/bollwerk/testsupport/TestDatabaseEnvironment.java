package org.bollwerk.testsupport;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Gives every Spring test context its own real database: a fresh SQLite file in a temporary data
 * directory by default, or, with {@code -Dbollwerk.test.database=postgresql}, a fresh schema in the
 * machine's PostgreSQL ({@code -Dbollwerk.test.postgres.url}, default the local {@code test} database).
 * So the whole suite runs unchanged on both databases and no test sees another's data.
 */
public class TestDatabaseEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> props = new HashMap<>();
        if (!environment.containsProperty("bollwerk.data-dir")) {
            try {
                props.put("bollwerk.data-dir", Files.createTempDirectory("bollwerk-test-").toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // The admin API tests log in with a password; the portal's tests switch the second-factor rule on.
        if (!environment.containsProperty("bollwerk.admin.require-second-factor")) {
            props.put("bollwerk.admin.require-second-factor", "false");
        }
        // Presence timing out in the background takes stream positions, which tests that compare the database
        // before and after a refused request would see; PresenceTimeoutIT sets its own short timeout.
        if (!environment.containsProperty("bollwerk.presence.offline-after")) {
            props.put("bollwerk.presence.offline-after", "24h");
        }
        if ("postgresql".equals(System.getProperty("bollwerk.test.database"))
                && !environment.containsProperty("bollwerk.database.url")) {
            String base = System.getProperty("bollwerk.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
            String user = System.getProperty("bollwerk.test.postgres.user", "postgres");
            String schema = "bw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            createSchema(base, user, schema);
            props.put("bollwerk.database.url", base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            props.put("bollwerk.database.user", user);
            // Cached test contexts keep their pools open: keep each small, or PostgreSQL runs out of clients.
            if (!environment.containsProperty("bollwerk.database.pool-size")) props.put("bollwerk.database.pool-size", "3");
        }
        environment.getPropertySources().addFirst(new MapPropertySource("bollwerk-test-database", props));
    }

    private static void createSchema(String url, String user, String schema) {
        try (Connection c = DriverManager.getConnection(url, user, "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create test schema in PostgreSQL at " + url, e);
        }
    }
}
