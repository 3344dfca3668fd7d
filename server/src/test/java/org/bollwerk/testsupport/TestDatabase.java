package org.bollwerk.testsupport;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.nio.file.Path;

/**
 * Points a Spring Boot test at its database: an SQLite file in {@code dataDir} by default, or the
 * PostgreSQL server named by {@code -Dbollwerk.test.database=postgresql}
 * ({@code -Dbollwerk.test.postgres.url}, {@code -Dbollwerk.test.postgres.user}, default {@code postgres}).
 * Each Spring context gets its own PostgreSQL schema, so tests never see each other's rows.
 */
public final class TestDatabase {
    private TestDatabase() {
    }

    public static boolean postgres() {
        return "postgresql".equalsIgnoreCase(System.getProperty("bollwerk.test.database", "sqlite"));
    }

    /**
     * Sets the test's data directory. The database itself (SQLite in that directory, or a fresh
     * PostgreSQL schema per context) is chosen by {@link TestDatabaseEnvironment}.
     */
    public static void register(DynamicPropertyRegistry registry, Path dataDir) {
        registry.add("bollwerk.data-dir", dataDir::toString);
    }
}
