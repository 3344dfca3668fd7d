package org.bollwerk.storage;

import org.bollwerk.config.BollwerkProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Races on the one writer that every write goes through (through {@link Db#write}, as features use it):
 * many threads write at once, so writes share batches; some of them fail. Every acknowledged write must be
 * committed exactly once, visible once acknowledged, in the order it was acknowledged; a failed write must
 * leave nothing behind and must not take the others of its batch with it. A real SQLite file (or, with
 * {@code -Dbollwerk.test.database=postgresql}, a fresh PostgreSQL schema), migrated as at start-up.
 */
class GroupCommitWriterTest {
    @TempDir
    Path dataDir;

    private DataSources sources;
    private StreamNotifier notifier;
    private Db db;
    private JdbcClient reader;

    private record Write(int thread, int seq) {
    }

    @BeforeEach
    void database() throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put("bollwerk.data-dir", dataDir.toString());
        if ("postgresql".equals(System.getProperty("bollwerk.test.database"))) {
            String url = System.getProperty("bollwerk.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
            String user = System.getProperty("bollwerk.test.postgres.user", "postgres");
            String schema = "bw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            try (Connection c = DriverManager.getConnection(url, user, "")) {
                c.createStatement().execute("CREATE SCHEMA " + schema);
            }
            settings.put("bollwerk.database.url", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
            settings.put("bollwerk.database.user", user);
            settings.put("bollwerk.database.pool-size", "3");
        }
        BollwerkProperties props = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("bollwerk", BollwerkProperties.class);
        sources = DataSources.create(props);
        Migrations.apply(sources.writer(), sources.dialect());
        JdbcClient.create(sources.writer()).sql("""
                CREATE TABLE race_writes (thread INTEGER NOT NULL, seq INTEGER NOT NULL, position BIGINT NOT NULL UNIQUE,
                                          PRIMARY KEY (thread, seq))""").update();
        notifier = new StreamNotifier();
        reader = JdbcClient.create(sources.reader());
        db = new Db(sources.dialect(), JdbcClient.create(sources.writer()), reader,
                new TransactionTemplate(new DataSourceTransactionManager(sources.writer())), new StreamPositions(notifier));
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
        if (sources != null) sources.close();
    }

    @Test
    void everyAcknowledgedWriteIsCommittedOnceInOrderWhileFailingWritesOfTheSameBatchLeaveNothing() throws InterruptedException {
        RaceRun race = new RaceRun();
        int threads = 16;
        int perThread = RaceRun.iterations(250);
        Map<Write, Long> acknowledged = new ConcurrentHashMap<>();
        Map<Write, Boolean> failed = new ConcurrentHashMap<>();
        AtomicLong highestAcknowledged = new AtomicLong();
        race.run(threads, (thread, random) -> {
            for (int seq = 0; seq < perThread; seq++) {
                Write write = new Write(thread, seq);
                int kind = random.nextInt(10);  // 0: fails by throwing, 1: fails on a constraint, else succeeds
                long floor = highestAcknowledged.get();
                try {
                    long position = db.write(() -> {
                        long p = db.nextPosition();
                        db.sql().sql("INSERT INTO race_writes (thread, seq, position) VALUES (?, ?, ?)")
                                .params(write.thread(), write.seq(), p).update();
                        if (kind == 0) throw new IllegalStateException("refused after writing");
                        if (kind == 1) {
                            db.sql().sql("INSERT INTO race_writes (thread, seq, position) VALUES (?, ?, ?)")
                                    .params(write.thread(), write.seq(), -p).update();
                        }
                        return p;
                    });
                    if (kind <= 1) throw new AssertionError(write + " should have failed but was acknowledged");
                    acknowledged.put(write, position);
                    // Acknowledged means committed and announced: a write that started after it ranks after it.
                    if (position <= floor) throw new AssertionError(write + " got position " + position
                            + " although " + floor + " was acknowledged before it started");
                    if (notifier.current() < position) throw new AssertionError(write + " acknowledged at " + position
                            + " before the notifier announced it (at " + notifier.current() + ")");
                    long visible = reader.sql("SELECT COUNT(*) FROM race_writes WHERE thread = ? AND seq = ?")
                            .params(thread, seq).query(Long.class).single();
                    if (visible != 1) throw new AssertionError(write + " acknowledged but a reader sees it " + visible + " times");
                    highestAcknowledged.accumulateAndGet(position, Math::max);
                } catch (IllegalStateException | DataAccessException expected) {  // SQLite's constraint error is not translated to DuplicateKeyException
                    if (kind > 1) throw new AssertionError(write + " failed although it should not", expected);
                    failed.put(write, true);
                }
            }
        });

        record Row(int thread, int seq, long position) {
        }
        List<Row> rows = reader.sql("SELECT thread, seq, position FROM race_writes ORDER BY position")
                .query((rs, n) -> new Row(rs.getInt(1), rs.getInt(2), rs.getLong(3))).list();
        String seed = "seed " + race.seed();
        assertThat(rows).as(seed).hasSize(acknowledged.size());
        for (Row row : rows) {
            Write write = new Write(row.thread(), row.seq());
            assertThat(acknowledged.get(write)).as(seed + ": committed " + write).isEqualTo(row.position());
            assertThat(failed).as(seed).doesNotContainKey(write);
        }
        // Each thread's writes committed in the order it made them.
        Map<Integer, Integer> lastSeq = new HashMap<>();
        for (Row row : rows) {
            Integer before = lastSeq.put(row.thread(), row.seq());
            if (before != null) assertThat(row.seq()).as(seed + ": order of thread " + row.thread()).isGreaterThan(before);
        }
        long counter = StreamPositions.readCommitted(reader);
        assertThat(counter).as(seed + ": positions of failed writes are handed out again, never skipped")
                .isEqualTo(rows.getLast().position());
        assertThat(notifier.current()).as(seed + ": the notifier never announces a rolled-back position").isEqualTo(counter);
        assertThat(failed).as(seed + ": some writes failed").isNotEmpty();
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)  // a write left waiting on a closed writer hangs: fail instead
    void closingTheWriterWhileThreadsWriteAnswersEveryWriteAndLosesNoAcknowledgedOne() throws InterruptedException {
        RaceRun race = new RaceRun();
        java.util.Random random = new java.util.Random(race.seed());
        AtomicLong acknowledged = new AtomicLong();
        int rounds = RaceRun.iterations(250) / 5;
        for (int round = 0; round < rounds; round++) {
            Db writer = new Db(sources.dialect(), JdbcClient.create(sources.writer()), reader,
                    new TransactionTemplate(new DataSourceTransactionManager(sources.writer())), new StreamPositions(notifier));
            int thisRound = round;
            Thread closer = Thread.ofPlatform().start(() -> {
                java.util.concurrent.locks.LockSupport.parkNanos(random.nextInt(3_000_000));
                writer.close();
            });
            // Every write either commits or is refused: none may wait forever on a writer that is gone.
            race.run(4, (thread, r) -> {
                for (int seq = 0; ; seq++) {
                    int s = seq;
                    try {
                        writer.write(() -> writer.sql().sql("INSERT INTO race_writes (thread, seq, position) VALUES (?, ?, ?)")
                                .params(thisRound * 100 + thread, s, writer.nextPosition()).update());
                        acknowledged.incrementAndGet();
                    } catch (IllegalStateException shutDown) {
                        if (!String.valueOf(shutDown.getMessage()).contains("shut down")) throw shutDown;
                        return;
                    }
                }
            });
            closer.join();
        }
        long rows = reader.sql("SELECT COUNT(*) FROM race_writes").query(Long.class).single();
        assertThat(rows).as("seed " + race.seed()).isEqualTo(acknowledged.get());
        assertThat(StreamPositions.readCommitted(reader)).isEqualTo(rows);
    }
}
