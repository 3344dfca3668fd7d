package org.bollwerk.storage;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.config.SqliteSynchronous;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Builds the writer and reader pools. SQLite allows one writer at a time, so its writer pool has exactly
 * one connection (writes queue for it instead of failing with SQLITE_BUSY) while WAL mode lets a separate
 * pool of readers run concurrently. PostgreSQL uses one pool for both.
 */
record DataSources(Dialect dialect, HikariDataSource writer, HikariDataSource reader) implements AutoCloseable {

    static DataSources create(BollwerkProperties props) {
        BollwerkProperties.Database db = props.database();
        PrivateFiles.dataDirectory(props.dataDir());   // 0700 also with PostgreSQL: media and the key file live there
        if (db.isPostgres()) {
            HikariConfig config = new HikariConfig();
            config.setPoolName("bollwerk-pg");
            config.setJdbcUrl(db.url());
            if (!db.user().isEmpty()) config.setUsername(db.user());
            if (!db.password().isEmpty()) config.setPassword(db.password());
            config.setMaximumPoolSize(db.poolSize());
            config.setMinimumIdle(Math.min(2, db.poolSize()));  // grow under load, shrink when idle
            config.setAutoCommit(true);
            HikariDataSource pool = new HikariDataSource(config);
            return new DataSources(Dialect.POSTGRESQL, pool, pool);
        }
        if (!db.url().isEmpty() && !db.url().startsWith("jdbc:sqlite:")) {
            throw new IllegalArgumentException(
                    "bollwerk.database.url (BOLLWERK_DATABASE_URL) must be a jdbc:postgresql: URL or empty for SQLite");
        }
        String url = db.url().isEmpty() ? "jdbc:sqlite:" + sqliteFile(props.dataDir()) : db.url();
        HikariDataSource writer = sqlitePool("bollwerk-sqlite-writer", url, db.sqliteSynchronous(), 1, false);
        HikariDataSource reader = sqlitePool("bollwerk-sqlite-reader", url, db.sqliteSynchronous(),
                Math.max(2, Math.min(db.poolSize(), 8)), true);
        return new DataSources(Dialect.SQLITE, writer, reader);
    }

    /**
     * The database file, created 0600 before SQLite opens it: SQLite creates its -wal and -shm files with the
     * database file's permissions, so they follow. Files of an older version are narrowed.
     */
    private static Path sqliteFile(Path dataDir) {
        Path file = PrivateFiles.dataDirectory(dataDir).resolve("bollwerk.db").toAbsolutePath();
        try {
            PrivateFiles.file(file);
            PrivateFiles.narrowFile(file.resolveSibling("bollwerk.db-wal"));
            PrivateFiles.narrowFile(file.resolveSibling("bollwerk.db-shm"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the database file " + file, e);
        }
        return file;
    }

    private static HikariDataSource sqlitePool(String name, String url, SqliteSynchronous synchronous, int size,
                                               boolean readOnly) {
        SQLiteConfig sqlite = new SQLiteConfig();
        sqlite.setJournalMode(SQLiteConfig.JournalMode.WAL);
        sqlite.setSynchronous(SQLiteConfig.SynchronousMode.valueOf(synchronous.name()));
        sqlite.setBusyTimeout(10_000);
        sqlite.enforceForeignKeys(true);
        sqlite.setTempStore(SQLiteConfig.TempStore.MEMORY);
        // Lets Hikari's setReadOnly(true) through (sqlite-jdbc refuses it otherwise after connecting).
        if (readOnly) sqlite.setExplicitReadOnly(true);
        SQLiteDataSource ds = new SQLiteDataSource(sqlite);
        ds.setUrl(url);
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setDataSource(ds);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        config.setReadOnly(readOnly);
        config.setConnectionTimeout(30_000);
        return new HikariDataSource(config);
    }

    @Override
    public void close() {
        writer.close();
        if (reader != writer) reader.close();
    }
}
