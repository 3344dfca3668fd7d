package org.bollwerk.ha;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * nginx in the foreground with the shipped docs/ha/nginx.conf, changed only where a test must differ:
 * loopback node addresses and listen port, pid/log/temp files in a temporary prefix, one worker.
 */
final class Nginx {
    private final Path prefix;
    private final int port;
    private Process process;

    Nginx(Path prefix, int port) {
        this.prefix = prefix;
        this.port = port;
    }

    static Path binary() {
        for (String candidate : List.of("/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx")) {
            if (Files.isExecutable(Path.of(candidate))) return Path.of(candidate);
        }
        return null;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    Path errorLog() {
        return prefix.resolve("error.log");
    }

    Path accessLog() {
        return prefix.resolve("access.log");
    }

    void start(Path template, List<Integer> nodePorts) throws IOException {
        String conf = Files.readString(template);
        conf = replace(conf, "(?m)^worker_processes .*;", "worker_processes 1;");
        conf = replace(conf, "(?m)^pid .*;", "pid " + prefix.resolve("nginx.pid") + ";");
        conf = replace(conf, "(?m)^error_log .*;", "error_log " + errorLog() + " warn;");
        conf = replace(conf, "access_log [^;]*;", "access_log " + accessLog()
                + ";\n    client_body_temp_path " + prefix.resolve("body") + ";\n    proxy_temp_path " + prefix.resolve("proxy")
                + ";\n    fastcgi_temp_path " + prefix.resolve("fastcgi") + ";\n    uwsgi_temp_path " + prefix.resolve("uwsgi")
                + ";\n    scgi_temp_path " + prefix.resolve("scgi") + ";");
        conf = replace(conf, "listen 80;", "listen 127.0.0.1:" + port + ";");
        for (int i = 0; i < 3; i++) {
            conf = replace(conf, Pattern.quote("10.0.0.1" + (i + 1) + ":8008"), "127.0.0.1:" + nodePorts.get(i));
        }
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, conf);
        process = new ProcessBuilder(binary().toString(), "-p", prefix.toString(), "-c", file.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(prefix.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited: " + Files.readString(prefix.resolve("nginx.out")) + tail(errorLog()));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                Http.sleep(100);
            }
        }
        throw new AssertionError("nginx did not listen on " + port);
    }

    private static String replace(String text, String regex, String replacement) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new AssertionError("docs/ha/nginx.conf no longer has " + regex + ": update the HA test");
        return m.replaceAll(Matcher.quoteReplacement(replacement));
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    void stop() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
    }
}
