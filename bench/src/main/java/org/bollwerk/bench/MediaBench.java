package org.bollwerk.bench;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Cost of encryption at rest for media (issue 5): upload and download throughput of a running server
 * (which encrypts every file with AES-256-GCM before it reaches the disk), against the time the same
 * AES-256-GCM encryption and decryption of those bytes takes in this JVM. The server has no switch to turn
 * encryption off (secure by default), so "without" is the measured end-to-end time minus the crypto time.
 *
 * <pre>java -cp bench/target/bench.jar:bench/target/lib/* org.bollwerk.bench.MediaBench URL USER PASSWORD [COUNT]</pre>
 */
public final class MediaBench {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int[] SIZES = {64 * 1024, 1024 * 1024, 16 * 1024 * 1024};
    private static final SecureRandom RANDOM = new SecureRandom();

    private MediaBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: MediaBench URL USER PASSWORD [COUNT]");
            System.exit(2);
        }
        String base = args[0].replaceAll("/$", "");
        int count = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String token = login(http, base, args[1], args[2]);
        SecretKey key = aesKey();
        // warm both JITs up (AES-GCM runs on intrinsics only once compiled): 3,000 rounds here, 100 files there
        cryptoMillis(key, new byte[16 * 1024], 3000);
        byte[] warm = new byte[256 * 1024];
        RANDOM.nextBytes(warm);
        for (int i = 0; i < 100; i++) download(http, base, token, upload(http, base, token, warm));
        System.out.println("| file size | files | upload MiB/s | upload p50 ms | download MiB/s | download p50 ms "
                + "| AES-GCM seal ms | AES-GCM open ms | crypto share of upload | of download |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (int size : SIZES) {
            int n = size >= 16 * 1024 * 1024 ? Math.max(3, count / 4) : count;
            byte[] content = new byte[size];
            RANDOM.nextBytes(content);
            for (int i = 0; i < 3; i++) download(http, base, token, upload(http, base, token, content));  // warm-up
            List<Double> up = new ArrayList<>();
            List<Double> down = new ArrayList<>();
            List<String> uris = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long t0 = System.nanoTime();
                uris.add(upload(http, base, token, content));
                up.add((System.nanoTime() - t0) / 1e6);
            }
            for (String uri : uris) {
                long t0 = System.nanoTime();
                byte[] body = download(http, base, token, uri);
                down.add((System.nanoTime() - t0) / 1e6);
                if (body.length != size) throw new IllegalStateException("download returned " + body.length + " bytes");
            }
            double[] crypto = cryptoMillis(key, content, n);
            double upMedian = median(up);
            double downMedian = median(down);
            System.out.printf("| %s | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.0f %% | %.0f %% |%n", human(size), n,
                    mibPerSecond(size, upMedian), upMedian, mibPerSecond(size, downMedian), downMedian, crypto[0], crypto[1],
                    100 * crypto[0] / upMedian, 100 * crypto[1] / downMedian);
        }
    }

    /** Median milliseconds of AES-256-GCM encryption and decryption of {@code content}, as the server does it. */
    private static double[] cryptoMillis(SecretKey key, byte[] content, int n) throws GeneralSecurityException {
        List<Double> seal = new ArrayList<>();
        List<Double> open = new ArrayList<>();
        byte[] aad = "media\0localhost/bench\0".getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < n + 5; i++) {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            long t0 = System.nanoTime();
            Cipher enc = Cipher.getInstance("AES/GCM/NoPadding");
            enc.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            enc.updateAAD(aad);
            byte[] sealed = enc.doFinal(content);
            long t1 = System.nanoTime();
            Cipher dec = Cipher.getInstance("AES/GCM/NoPadding");
            dec.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            dec.updateAAD(aad);
            byte[] opened = dec.doFinal(sealed);
            long t2 = System.nanoTime();
            if (opened.length != content.length) throw new IllegalStateException("round trip failed");
            if (i >= 5) {  // the first rounds warm the JIT up
                seal.add((t1 - t0) / 1e6);
                open.add((t2 - t1) / 1e6);
            }
        }
        return new double[]{median(seal), median(open)};
    }

    private static String login(HttpClient http, String base, String user, String password) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("type", "m.login.password",
                "identifier", Map.of("type", "m.id.user", "user", user), "password", password));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/_matrix/client/v3/login"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IllegalStateException("login failed: " + response.body());
        return JSON.readTree(response.body()).get("access_token").asString();
    }

    private static String upload(HttpClient http, String base, String token, byte[] content) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/_matrix/media/v3/upload"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IllegalStateException("upload failed: " + response.body());
        JsonNode json = JSON.readTree(response.body());
        return json.get("content_uri").asString().substring("mxc://".length());
    }

    private static byte[] download(HttpClient http, String base, String token, String serverAndId) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + "/_matrix/client/v1/media/download/"
                + serverAndId)).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) throw new IllegalStateException("download failed: " + response.statusCode());
        return response.body();
    }

    private static SecretKey aesKey() throws GeneralSecurityException {
        KeyGenerator generator = KeyGenerator.getInstance("AES");
        generator.init(256);
        return generator.generateKey();
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static double mibPerSecond(int bytes, double millis) {
        return bytes / 1024.0 / 1024.0 / (millis / 1000.0);
    }

    private static String human(int bytes) {
        return bytes >= 1024 * 1024 ? bytes / 1024 / 1024 + " MiB" : bytes / 1024 + " KiB";
    }
}
