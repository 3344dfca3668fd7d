package org.bollwerk.ha;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One Bollwerk node: {@code java -jar bollwerk.jar} with its own port and data dir, shared database and KEK. */
final class NodeProcess {
    final String name;
    final int port;
    final Path dir;
    private final Path jar;
    private final Map<String, String> env;
    private Process process;

    NodeProcess(String name, int port, Path dir, Path jar, Map<String, String> env) {
        this.name = name;
        this.port = port;
        this.dir = dir;
        this.jar = jar;
        this.env = env;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Path log() {
        return dir.resolve("node.log");
    }

    void start() throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        // Three JVMs, PostgreSQL, nginx and the clients share two cores here: C1 only and the serial GC
        // roughly halve the CPU a start costs (the throughput figures are taken with the same flags).
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().putAll(env);
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("BOLLWERK_DATA_DIR", dir.resolve("data").toString());
        builder.environment().put("BOLLWERK_NODE_ID", name);
        // The test drives the admin API with a password-login token, not a portal-issued one.
        builder.environment().put("BOLLWERK_ADMIN_REQUIRE_SECOND_FACTOR", "false");
        Files.createDirectories(dir);
        process = builder.start();
    }

    /** Waits until readiness answers 200; fails with the log's tail when the node dies or takes too long. */
    void awaitReady(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new AssertionError(name + " exited with " + process.exitValue() + "\n" + logTail());
            if (Http.call("GET", baseUrl() + "/_bollwerk/health/ready", null, null, Duration.ofSeconds(2)).ok()) return;
            Http.sleep(200);
        }
        throw new AssertionError(name + " not ready within " + limit + "\n" + logTail());
    }

    /** SIGKILL: no shutdown hook, no draining, connections cut. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait: draining, long-polls answered, in-flight requests finished. */
    boolean stopGracefully(Duration limit) throws InterruptedException {
        process.destroy();
        if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) return true;
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        return false;
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log()).stream().filter(l -> !l.startsWith("\tat ")).toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
