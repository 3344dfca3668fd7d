package org.bollwerk.testsupport;

import org.springframework.test.context.DynamicPropertyRegistry;

import java.nio.file.Path;

/**
 * Puts a test's data directory (and so its SQLite file) into a {@code @TempDir} of the test class.
 * With {@code -Dbollwerk.test.database=postgresql}, {@link TestDatabaseEnvironment} gives the context
 * a fresh PostgreSQL schema instead; the data directory still holds the server's other files.
 */
public final class TestDatabase {
    private TestDatabase() {
    }

    public static void register(DynamicPropertyRegistry registry, Path dataDir) {
        registry.add("bollwerk.data-dir", dataDir::toString);
    }
}
