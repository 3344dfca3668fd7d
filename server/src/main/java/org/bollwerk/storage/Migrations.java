package org.bollwerk.storage;

import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.util.Map;

/**
 * Applies the one migration set ({@code db/migration}, ADR 0008) to either database. The few words the
 * two dialects spell differently are Flyway placeholders, filled in here per dialect.
 */
final class Migrations {
    static final String LOCATION = "classpath:db/migration";

    private Migrations() {
    }

    static void apply(DataSource dataSource, Dialect dialect) {
        Flyway flyway = configure(dataSource, dialect);
        LegacyMigrationChecksums.adopt(flyway, dataSource, dialect);
        flyway.migrate();
    }

    static Flyway configure(DataSource dataSource, Dialect dialect) {
        return Flyway.configure()
                .dataSource(dataSource)
                .locations(LOCATION)
                .placeholders(placeholders(dialect))
                .failOnMissingLocations(true)
                .load();
    }

    /** Every placeholder a migration may use; see db/migration/README.md. */
    static Map<String, String> placeholders(Dialect dialect) {
        return switch (dialect) {
            case SQLITE -> Map.of(
                    "bytes", "BLOB",
                    "generated_id", "INTEGER PRIMARY KEY AUTOINCREMENT",
                    "without_rowid", "WITHOUT ROWID");
            case POSTGRESQL -> Map.of(
                    "bytes", "BYTEA",
                    "generated_id", "BIGSERIAL PRIMARY KEY",
                    "without_rowid", "");
        };
    }
}
