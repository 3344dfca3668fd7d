package org.bollwerk.storage;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * The one migration set (ADR 0008) gives SQLite and PostgreSQL the same schema, and databases migrated
 * with the former per-database folders carry on with it. Needs the machine's PostgreSQL, like the suite's
 * PostgreSQL run ({@code -Dbollwerk.test.postgres.url}, default the local {@code test} database).
 */
class OneMigrationSetIT {
    private static final List<String> REWRITTEN = List.of(
            "V1__core.sql", "V40__keys.sql", "V52__admin_audit.sql", "V61__audit_signing_key.sql");

    @TempDir
    Path dir;

    @Test
    void sqliteAndPostgresqlGetTheSameSchemaFromTheOneSet() throws Exception {
        DataSource sqlite = sqlite();
        DataSource postgres = postgres();
        Migrations.apply(sqlite, Dialect.SQLITE);
        Migrations.apply(postgres, Dialect.POSTGRESQL);

        TreeSet<String> inSqlite;
        TreeSet<String> inPostgres;
        try (Connection c = sqlite.getConnection()) {
            inSqlite = SchemaOutline.read(c, null);
        }
        try (Connection c = postgres.getConnection()) {
            inPostgres = SchemaOutline.read(c, c.getSchema());
        }
        // The outline sees what matters: a generated key, a unique constraint, a foreign key, a named index.
        assertThat(inSqlite).contains(
                "column admin_audit.id int64 generated not null",
                "column events.pdu bytes not null",
                "unique index events [event_id]",
                "unique index events events_txn [sender, txn_device, txn_id]",
                "foreign key access_tokens [device_id->device_id, user_id->user_id] devices on delete cascade");
        List<String> diff = new ArrayList<>();
        inSqlite.stream().filter(line -> !inPostgres.contains(line)).forEach(line -> diff.add("only in SQLite:     " + line));
        inPostgres.stream().filter(line -> !inSqlite.contains(line)).forEach(line -> diff.add("only in PostgreSQL: " + line));
        if (!diff.isEmpty()) {
            fail("The migrations give the two databases different schemas:\n  " + String.join("\n  ", diff));
        }
    }

    @Test
    void theMigrationFolderHoldsOneSetAndNoPerDatabaseFolders() throws Exception {
        Path folder = Path.of(getClass().getResource("/db/migration/V1__core.sql").toURI()).getParent();
        try (Stream<Path> entries = Files.list(folder)) {
            assertThat(entries.filter(Files::isDirectory).map(p -> p.getFileName().toString()))
                    .as("Migrations go into db/migration itself, once for both databases (db/migration/README.md)")
                    .isEmpty();
        }
    }

    @Test
    void aSqliteDatabaseMigratedWithTheFormerFolderStartsWithTheOneSet() throws Exception {
        carriesOn(sqlite(), Dialect.SQLITE, "sqlite");
    }

    @Test
    void aPostgresqlSchemaMigratedWithTheFormerFolderStartsWithTheOneSet() throws Exception {
        carriesOn(postgres(), Dialect.POSTGRESQL, "postgresql");
    }

    @Test
    void aRecordedChecksumThatNoFormerFileHadStillFailsValidation() throws Exception {
        DataSource sqlite = sqlite();
        Flyway.configure().dataSource(sqlite).locations("filesystem:" + formerFolder("sqlite")).load().migrate();
        try (Connection c = sqlite.getConnection()) {
            c.createStatement().executeUpdate("UPDATE flyway_schema_history SET checksum = 12345 WHERE version = '40'");
        }

        assertThatThrownBy(() -> Migrations.apply(sqlite, Dialect.SQLITE))
                .isInstanceOf(FlywayValidateException.class)
                .hasMessageContaining("40");
    }

    /** The newest version that was released as two per-database folders. */
    private static final int LAST_FORMER_VERSION = 80;

    private void carriesOn(DataSource dataSource, Dialect dialect, String former) throws Exception {
        Flyway.configure().dataSource(dataSource).locations("filesystem:" + formerFolder(former)).load().migrate();

        Flyway flyway = Migrations.configure(dataSource, dialect);
        assertThat(LegacyMigrationChecksums.adopt(flyway, dataSource, dialect)).isEqualTo(REWRITTEN.size());
        assertThat(LegacyMigrationChecksums.adopt(flyway, dataSource, dialect)).as("a second start").isZero();
        Migrations.apply(dataSource, dialect);

        MigrationInfo[] applied = flyway.info().applied();
        assertThat(applied).isNotEmpty().allSatisfy(info -> assertThat(info.isChecksumMatching())
                .as("checksum of " + info.getScript()).isTrue());
        assertThat(flyway.info().pending()).isEmpty();
    }

    /** The former folder of one database: the unchanged files of the one set plus the four former files. */
    private Path formerFolder(String database) throws IOException, URISyntaxException {
        Path folder = Files.createDirectories(dir.resolve("former-" + database + "-" + UUID.randomUUID()));
        Path oneSet = Path.of(getClass().getResource("/db/migration/V1__core.sql").toURI()).getParent();
        try (Stream<Path> files = Files.list(oneSet)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                String name = file.getFileName().toString();
                // Only what existed while the two folders did; later files are the one set's own (placeholders).
                if (Integer.parseInt(name.substring(1, name.indexOf("__"))) > LAST_FORMER_VERSION) continue;
                if (REWRITTEN.contains(name)) {
                    try (InputStream in = getClass().getResourceAsStream("/db/former-migration/" + database + "/" + name)) {
                        Files.copy(in, folder.resolve(name));
                    }
                } else {
                    Files.copy(file, folder.resolve(name));
                }
            }
        }
        return folder;
    }

    private DataSource sqlite() {
        SQLiteDataSource sqlite = new SQLiteDataSource();
        sqlite.setUrl("jdbc:sqlite:" + dir.resolve("bollwerk-" + UUID.randomUUID() + ".db"));
        return sqlite;
    }

    private static DataSource postgres() throws SQLException {
        String base = System.getProperty("bollwerk.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getProperty("bollwerk.test.postgres.user", "postgres");
        String schema = "bw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(base, user, "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        PGSimpleDataSource postgres = new PGSimpleDataSource();
        postgres.setURL(base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema);
        postgres.setUser(user);
        return postgres;
    }
}
