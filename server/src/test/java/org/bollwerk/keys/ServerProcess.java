package org.bollwerk.keys;

import org.bollwerk.testsupport.MatrixHttp;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A Bollwerk server in its own JVM (the test classpath), for settings that only take effect per process —
 * such as {@code SOFTHSM2_CONF}, which a PKCS#11 library reads once. The database is fixed up front (the
 * data directory's SQLite file, or one PostgreSQL schema) so that restarts see the same data.
 */
final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    final int port;
    final MatrixHttp http;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.http = new MatrixHttp(port);
    }

    /** The database settings for a series of restarts: none for SQLite, a fresh schema for PostgreSQL. */
    static List<String> database() {
        if (!"postgresql".equals(System.getProperty("bollwerk.test.database"))) return List.of();
        String base = System.getProperty("bollwerk.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getProperty("bollwerk.test.postgres.user", "postgres");
        String schema = "bw_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection c = DriverManager.getConnection(base, user, "")) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return List.of("bollwerk.database.url=" + base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema,
                "bollwerk.database.user=" + user);
    }

    /** A JDBC connection to the server's database (to look at stored rows directly). */
    static Connection connect(Path dataDir, List<String> database) throws SQLException {
        if (database.isEmpty()) return DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("bollwerk.db"));
        String url = database.get(0).substring("bollwerk.database.url=".length());
        return DriverManager.getConnection(url, database.get(1).substring("bollwerk.database.user=".length()), "");
    }

    /** Starts a server and waits until it answers; returns null (with the output in {@code failure}) if it exits. */
    static ServerProcess start(Path dataDir, Map<String, String> env, List<String> settings, StringBuilder failure)
            throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "org.bollwerk.BollwerkApplication", "--server.port=" + port, "--bollwerk.data-dir=" + dataDir,
                "--bollwerk.rate-limit.enabled=false", "--bollwerk.server-name=localhost"));
        settings.forEach(s -> command.add("--" + s));
        Path log = Files.createTempFile(dataDir.getParent(), "server-", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        // The tests drive the admin API with a password-login token, not a portal-issued one.
        builder.environment().putIfAbsent("BOLLWERK_ADMIN_REQUIRE_SECOND_FACTOR", "false");
        Process process = builder.start();
        ServerProcess server = new ServerProcess(process, log, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                failure.append(server.output());
                return null;
            }
            try {
                if (server.http.get("/_matrix/client/versions", null).status() == 200) return server;
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        server.close();
        throw new AssertionError("server did not start within 180 s:\n" + server.output());
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
