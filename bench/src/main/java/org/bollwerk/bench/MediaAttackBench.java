package org.bollwerk.bench;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Media resource exhaustion (issue 24, finding 6): do other users' requests stay fast while one user floods
 * the server with large uploads and thumbnails of large images?
 *
 * <p>Two users chat (one sends messages one after the other, the other polls {@code /sync} with
 * {@code timeout=0}); their latencies are measured for a quiet phase, then for an equally long attack phase
 * in which a third user runs {@code uploads} concurrent uploads of {@code sizeMiB} MiB each (streamed from a
 * generator, the bench holds none of it) and {@code thumbnailers} loops of "upload a large image, ask for a
 * thumbnail" (a new image each time, so nothing comes from the thumbnail cache); after a refused or failed
 * request an attacker loop waits 200 ms. Prints one Markdown table row per phase; "failed" counts other
 * statuses and connections the server reset or dropped.
 *
 * <pre>java -cp bench/target/bench.jar:bench/target/lib/* org.bollwerk.bench.MediaAttackBench URL ADMIN PASSWORD LABEL
 *     [SECONDS=20] [UPLOADS=4] [SIZE_MIB=80] [THUMBNAILERS=2] [SERVER_PID]</pre>
 */
public final class MediaAttackBench {
    /** 6000 × 6000 = 36 M pixels: under the server's default decode limit (40 M), about 140 MB as ARGB. */
    private static final int IMAGE_SIDE = 6000;

    private MediaAttackBench() {
    }

    private record Outcomes(AtomicInteger ok, AtomicInteger limited, AtomicInteger failed, AtomicLong bytes) {
        Outcomes() {
            this(new AtomicInteger(), new AtomicInteger(), new AtomicInteger(), new AtomicLong());
        }

        int count(int status) {
            if (status == 200) ok.incrementAndGet();
            else if (status == 429) limited.incrementAndGet();
            else failed.incrementAndGet();
            return status;
        }

        @Override
        public String toString() {
            return ok + " ok / " + limited + " refused (429) / " + failed + " failed";
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: MediaAttackBench URL ADMIN PASSWORD LABEL [SECONDS] [UPLOADS] [SIZE_MIB] [THUMBNAILERS] [SERVER_PID]");
            System.exit(2);
        }
        String base = args[0].replaceAll("/$", "");
        String label = args[3];
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 20;
        int uploads = args.length > 5 ? Integer.parseInt(args[5]) : 4;
        long size = (args.length > 6 ? Long.parseLong(args[6]) : 80) * 1024 * 1024;
        int thumbnailers = args.length > 7 ? Integer.parseInt(args[7]) : 2;
        String serverPid = args.length > 8 ? args[8] : null;

        HttpClient http = MatrixClient.newHttpClient();
        MatrixClient admin = new MatrixClient(http, base).login(args[1], args[2]);
        String domain = admin.userId().substring(admin.userId().indexOf(':') + 1);
        String tag = Long.toString(System.currentTimeMillis() % 100000);
        MatrixClient sender = user(admin, http, base, "@victim_a" + tag + ":" + domain);
        MatrixClient reader = user(admin, http, base, "@victim_b" + tag + ":" + domain);
        MatrixClient attacker = user(admin, http, base, "@attacker" + tag + ":" + domain);
        String roomId = sender.createRoom("private_chat", reader.userId());
        reader.join(roomId);
        byte[] image = bigImage();
        System.err.printf("bench: %s: image %d x %d is %d KiB as PNG%n", label, IMAGE_SIDE, IMAGE_SIDE, image.length / 1024);

        for (int i = 0; i < 50; i++) sender.sendText(roomId, "warm" + i, "warm-up " + i);  // JIT, connections
        Phase quiet = victims(sender, reader, roomId, seconds, "q");

        Outcomes uploaded = new Outcomes();
        Outcomes thumbnails = new Outcomes();
        AtomicLong peakRssKiB = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        Phase attacked;
        try (ExecutorService attack = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < uploads; i++) {
                attack.submit(() -> {
                    while (System.nanoTime() < end) pause(uploaded.count(upload(http, base, attacker, size)));
                    return null;
                });
            }
            for (int i = 0; i < thumbnailers; i++) {
                attack.submit(() -> {
                    while (System.nanoTime() < end) pause(thumbnails.count(thumbnail(http, base, attacker, image)));
                    return null;
                });
            }
            if (serverPid != null) {
                attack.submit(() -> {
                    while (System.nanoTime() < end) {
                        peakRssKiB.accumulateAndGet(rssKiB(serverPid), Math::max);
                        Thread.sleep(200);
                    }
                    return null;
                });
            }
            attacked = victims(sender, reader, roomId, seconds, "a");
            // the attack's last requests may still be running: they are waited for here, not measured
        }
        System.out.printf(Locale.ROOT, "| %s | quiet | %.1f | %.1f | %.1f | %.1f | %d | | | |%n", label,
                quiet.send.p(50), quiet.send.p(99), quiet.sync.p(50), quiet.sync.p(99), quiet.errors);
        System.out.printf(Locale.ROOT, "| %s | attack | %.1f (×%.1f) | %.1f (×%.1f) | %.1f (×%.1f) | %.1f (×%.1f) | %d | %s | %s | %s |%n",
                label, attacked.send.p(50), attacked.send.p(50) / quiet.send.p(50), attacked.send.p(99),
                attacked.send.p(99) / quiet.send.p(99), attacked.sync.p(50), attacked.sync.p(50) / quiet.sync.p(50),
                attacked.sync.p(99), attacked.sync.p(99) / quiet.sync.p(99), attacked.errors, uploaded, thumbnails,
                peakRssKiB.get() == 0 ? "?" : (peakRssKiB.get() / 1024) + " MiB");
    }

    /** After a refusal or failure the attacker waits 200 ms, as a persistent client would, instead of spinning. */
    private static void pause(int status) throws InterruptedException {
        if (status != 200) Thread.sleep(200);
    }

    private static MatrixClient user(MatrixClient admin, HttpClient http, String base, String userId) {
        String password = "bench-attack-" + userId.hashCode();
        admin.adminPutUser(userId, password, false);
        return new MatrixClient(http, base).login(userId, password);
    }

    private record Latencies(List<Double> millis) {
        double p(int percentile) {
            if (millis.isEmpty()) return Double.NaN;
            List<Double> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
        }
    }

    private record Phase(Latencies send, Latencies sync, int errors) {
    }

    /** The two victims for {@code seconds}: sends one after the other, and /sync polls one after the other. */
    private static Phase victims(MatrixClient sender, MatrixClient reader, String roomId, int seconds, String prefix)
            throws Exception {
        List<Double> sends = Collections.synchronizedList(new ArrayList<>());
        List<Double> syncs = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger errors = new AtomicInteger();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        String first = reader.sync(null, 0, null).body().path("next_batch").asString();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> s = pool.submit(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    long t0 = System.nanoTime();
                    MatrixClient.Response r = sender.sendText(roomId, prefix + i + "-" + t0, "message " + i);
                    if (r.ok()) sends.add((System.nanoTime() - t0) / 1e6);
                    else errors.incrementAndGet();
                }
                return null;
            });
            Future<?> y = pool.submit(() -> {
                String since = first;
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    MatrixClient.Response r = reader.sync(since, 0, null);
                    if (r.ok()) {
                        syncs.add((System.nanoTime() - t0) / 1e6);
                        since = r.body().path("next_batch").asString();
                    } else {
                        errors.incrementAndGet();
                    }
                }
                return null;
            });
            s.get();
            y.get();
        }
        return new Phase(new Latencies(sends), new Latencies(syncs), errors.get());
    }

    /** One upload of {@code size} bytes, generated while it streams (Content-Length set, as clients do). */
    private static int upload(HttpClient http, String base, MatrixClient user, long size) {
        InputStream generator = new InputStream() {
            private long left = size;

            @Override
            public int read() {
                return left-- > 0 ? (int) (left & 0x7f) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) return -1;
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) b[off + i] = (byte) ((left - i) * 31);
                left -= n;
                return n;
            }
        };
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/_matrix/media/v3/upload"))
                .header("Authorization", "Bearer " + user.accessToken()).header("Content-Type", "application/octet-stream")
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> generator), size))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;  // connection reset (e.g. the server failed mid-request)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Uploads the large image (anew, so its thumbnail is not cached) and asks for a thumbnail of it. */
    private static int thumbnail(HttpClient http, String base, MatrixClient user, byte[] image) {
        try {
            HttpResponse<String> up = http.send(HttpRequest.newBuilder(URI.create(base + "/_matrix/media/v3/upload"))
                    .header("Authorization", "Bearer " + user.accessToken()).header("Content-Type", "image/png")
                    .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.ofByteArray(image)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (up.statusCode() != 200) return up.statusCode();
            String mxc = MatrixClient.JSON.readTree(up.body()).get("content_uri").asString().substring("mxc://".length());
            return http.send(HttpRequest.newBuilder(URI.create(base + "/_matrix/client/v1/media/thumbnail/" + mxc
                            + "?width=320&height=240&method=scale")).header("Authorization", "Bearer " + user.accessToken())
                    .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** A large, well-compressible image: small to send, expensive to decode in full. */
    private static byte[] bigImage() throws IOException {
        BufferedImage image = new BufferedImage(IMAGE_SIDE, IMAGE_SIDE, BufferedImage.TYPE_BYTE_GRAY);
        byte[] pixels = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < IMAGE_SIDE; y++) {
            for (int x = 0; x < IMAGE_SIDE; x++) pixels[y * IMAGE_SIDE + x] = (byte) ((x / 64 + y / 64) % 2 == 0 ? 40 : 220);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static long rssKiB(String pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
