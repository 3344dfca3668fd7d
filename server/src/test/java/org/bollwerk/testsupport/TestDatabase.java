package org.bollwerk.testsupport;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.nio.file.Path;

/**
 * Points a Spring Boot test at its database: an SQLite file in {@code dataDir} by default, or the
 * PostgreSQL server named by {@code -Dbollwerk.test.database=postgresql}
 * ({@code -Dbollwerk.test.postgres.url}, {@code -Dbollwerk.test.postgres.user}, default {@code postgres}).
 * PostgreSQL is shared by all test classes, so tests must use fresh user IDs and not count absolute rows.
 */
public final class TestDatabase {
    private TestDatabase() {
    }

    public static boolean postgres() {
        return "postgresql".equalsIgnoreCase(System.getProperty("bollwerk.test.database", "sqlite"));
    }

    public static void register(DynamicPropertyRegistry registry, Path dataDir) {
        registry.add("bollwerk.data-dir", dataDir::toString);
        if (postgres()) {
            registry.add("bollwerk.database.url",
                    () -> System.getProperty("bollwerk.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test"));
            registry.add("bollwerk.database.user", () -> System.getProperty("bollwerk.test.postgres.user", "postgres"));
            registry.add("bollwerk.database.password", () -> System.getProperty("bollwerk.test.postgres.password", ""));
        }
    }
}
