package org.bollwerk.storage;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

import javax.sql.DataSource;
import java.util.Map;
import java.util.Objects;

/**
 * Lets databases migrated from the former per-dialect folders ({@code db/migration/sqlite} and
 * {@code .../postgresql}) start with the one set (ADR 0008). Flyway checksums a script's raw text, before
 * placeholders are filled in, so the four scripts that now spell a dialect word as a placeholder have a new
 * checksum. For exactly those scripts, and only when the recorded checksum is the one the former file of
 * this dialect had, the recorded checksum is replaced by the new one. Any other mismatch — an edited
 * script, a history from somewhere else — still fails Flyway's validation, as it should.
 */
final class LegacyMigrationChecksums {
    private static final Logger log = LoggerFactory.getLogger(LegacyMigrationChecksums.class);

    /** Version → checksum Flyway recorded for the former per-dialect file. Never add to these maps. */
    private static final Map<Dialect, Map<String, Integer>> FORMER = Map.of(
            Dialect.SQLITE, Map.of(
                    "1", -1450745521,
                    "40", -1381473974,
                    "52", 27665641,
                    "61", 962146553),
            Dialect.POSTGRESQL, Map.of(
                    "1", 1279536467,
                    "40", -1864614522,
                    "52", 1477079979,
                    "61", 876374125));

    private LegacyMigrationChecksums() {
    }

    /** Returns how many recorded checksums were carried over to the one set. */
    static int adopt(Flyway flyway, DataSource dataSource, Dialect dialect) {
        Map<String, Integer> former = FORMER.get(dialect);
        String table = flyway.getConfiguration().getTable();
        JdbcClient jdbc = JdbcClient.create(dataSource);
        int adopted = 0;
        for (MigrationInfo info : flyway.info().applied()) {
            if (info.getVersion() == null || info.getResolvedChecksum() == null) continue;
            String version = info.getVersion().getVersion();
            Integer recorded = info.getAppliedChecksum();
            if (!Objects.equals(former.get(version), recorded)) continue;
            adopted += jdbc.sql("UPDATE " + table + " SET checksum = ? WHERE version = ? AND checksum = ?")
                    .params(info.getResolvedChecksum(), version, recorded)
                    .update();
        }
        if (adopted > 0) {
            log.info("Carried {} migration checksum(s) over from the former {} migration folder to db/migration",
                    adopted, dialect);
        }
        return adopted;
    }
}
