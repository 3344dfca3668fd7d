package org.bollwerk.media;

import org.bollwerk.keys.AtRestCipher;
import org.bollwerk.matrix.json.Json;
import org.bollwerk.testsupport.ClientApiTestBase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class MediaIT extends ClientApiTestBase {
    private static final int MAX = 200_000;
    private static final String CLIENT_MEDIA = "/_matrix/client/v1/media";

    @DynamicPropertySource
    static void limits(DynamicPropertyRegistry registry) {
        registry.add("bollwerk.media.max-upload-bytes", () -> MAX);
        registry.add("bollwerk.media.quota-bytes-per-user", () -> 3 * MAX);
        registry.add("bollwerk.media.max-pending-uploads", () -> 3);
        registry.add("bollwerk.media.concurrent-uploads-per-user", () -> 2);
        registry.add("bollwerk.media.concurrent-uploads", () -> 3);
        registry.add("bollwerk.media.max-image-pixels", () -> 20_000_000);
        registry.add("bollwerk.media.concurrent-thumbnails", () -> 2);
    }

    @Autowired
    Environment environment;
    @Autowired
    MediaLimits limits;
    @Autowired
    MediaStore store;
    @Autowired
    AtRestCipher cipher;
    private final HttpClient client = HttpClient.newHttpClient();

    record Raw(int status, byte[] body, HttpResponse<byte[]> response) {
        JsonNode json() {
            return Json.MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
        }

        String errcode() {
            return json().path("errcode").asString(null);
        }

        String header(String name) {
            return response.headers().firstValue(name).orElse(null);
        }
    }

    private Raw call(String method, String path, String token, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) request.header("Authorization", "Bearer " + token);
        if (contentType != null) request.header("Content-Type", contentType);
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Raw(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Raw upload(User user, String contentType, byte[] body, String query) {
        return call("POST", "/_matrix/media/v3/upload" + query, user.token(), contentType, body);
    }

    private String uploaded(User user, String contentType, byte[] body, String query) {
        Raw r = upload(user, contentType, body, query);
        assertThat(r.status()).as(new String(r.body())).isEqualTo(200);
        return r.json().get("content_uri").asString();
    }

    private static String path(String mxc) {
        return mxc.substring("mxc://".length());
    }

    private static void refusedRaw(Raw r, int status, String errcode) {
        assertThat(r.status()).as(new String(r.body())).isEqualTo(status);
        assertThat(r.errcode()).isEqualTo(errcode);
    }

    static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, width / 2, height);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private long mediaFileCount() throws IOException {
        Path dir = Path.of(environment.getRequiredProperty("bollwerk.data-dir")).resolve("media");
        if (!Files.exists(dir)) return 0;
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void anUploadedImageDownloadsUnchangedWithSafeHeaders() throws IOException {
        User alice = newUser("alice");
        byte[] image = png(400, 300);
        String mxc = uploaded(alice, "image/png", image, "?filename=holiday%20photo.png");
        assertThat(mxc).startsWith("mxc://localhost/");

        Raw download = call("GET", CLIENT_MEDIA + "/download/" + path(mxc), alice.token(), null, null);
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(image);
        assertThat(download.header("Content-Type")).isEqualTo("image/png");
        assertThat(download.header("Content-Security-Policy")).startsWith("sandbox");
        assertThat(download.header("Content-Disposition")).startsWith("inline").contains("holiday%20photo.png");

        Raw named = call("GET", CLIENT_MEDIA + "/download/" + path(mxc) + "/other.png", newUser("bob").token(), null, null);
        assertThat(named.body()).isEqualTo(image);
        assertThat(named.header("Content-Disposition")).contains("other.png");
    }

    @Test
    void mediaSentToARoomIsServedToItsMembersButNotToOutsiders() throws IOException {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User eve = newUser("eve");
        String roomId = privateRoomWith(alice, bob);
        String mxc = uploaded(alice, "image/png", png(12, 12), "");
        ok(send(alice, roomId, "img-" + System.nanoTime(), java.util.Map.of("msgtype", "m.image", "body", "x.png", "url", mxc)));
        assertThat(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), bob.token(), null, null).status()).isEqualTo(200);
        assertThat(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), alice.token(), null, null).status()).isEqualTo(200);
        refusedRaw(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), eve.token(), null, null), 404, "M_NOT_FOUND");
        refusedRaw(call("GET", CLIENT_MEDIA + "/thumbnail/" + path(mxc) + "?width=8&height=8", eve.token(), null, null),
                404, "M_NOT_FOUND");
    }

    @Test
    void downloadsNeedAValidTokenAndAKnownLocalMediaId() throws IOException {
        User alice = newUser("alice");
        String mxc = uploaded(alice, "image/png", png(10, 10), "");
        refusedRaw(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), null, null, null), 401, "M_MISSING_TOKEN");
        refusedRaw(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), "not-a-token", null, null), 401, "M_UNKNOWN_TOKEN");
        refusedRaw(call("GET", CLIENT_MEDIA + "/download/localhost/doesNotExist123", alice.token(), null, null), 404, "M_NOT_FOUND");
        refusedRaw(call("GET", CLIENT_MEDIA + "/download/other.example/" + mxc.substring(mxc.lastIndexOf('/') + 1),
                alice.token(), null, null), 404, "M_NOT_FOUND");
        refusedRaw(call("GET", CLIENT_MEDIA + "/download/localhost/bad%24id", alice.token(), null, null), 404, "M_NOT_FOUND");
        refusedRaw(call("POST", "/_matrix/media/v3/upload", null, "image/png", png(4, 4)), 401, "M_MISSING_TOKEN");
    }

    @Test
    void theLegacyUnauthenticatedPathsAreOffByDefault() throws IOException {
        User alice = newUser("alice");
        String mxc = uploaded(alice, "image/png", png(10, 10), "");
        Raw legacy = call("GET", "/_matrix/media/v3/download/" + path(mxc), null, null, null);
        refusedRaw(legacy, 404, "M_NOT_FOUND");
        assertThat(legacy.json().get("error").asString()).contains("/_matrix/client/v1/media");
        refusedRaw(call("GET", "/_matrix/media/v3/thumbnail/" + path(mxc) + "?width=32&height=32", null, null, null),
                404, "M_NOT_FOUND");
    }

    @Test
    void anOversizedUploadIsRefusedAndNothingIsStored() throws IOException {
        User alice = newUser("alice");
        long before = mediaFileCount();
        refusedRaw(upload(alice, "application/octet-stream", new byte[MAX + 1], ""), 413, "M_TOO_LARGE");
        assertThat(mediaFileCount()).isEqualTo(before);
        assertThat(uploaded(alice, "application/octet-stream", new byte[MAX], "")).startsWith("mxc://");
    }

    @Test
    void anUploadDeclaredAsAnImageThatIsNotOneIsRefused() throws IOException {
        User alice = newUser("alice");
        long before = mediaFileCount();
        refusedRaw(upload(alice, "image/png", "<script>alert(1)</script>".getBytes(), ""), 400, "M_INVALID_PARAM");
        refusedRaw(upload(alice, "image/jpeg", png(8, 8), ""), 400, "M_INVALID_PARAM");
        assertThat(mediaFileCount()).isEqualTo(before);
    }

    @Test
    void htmlIsServedAsAnAttachmentInASandbox() {
        User alice = newUser("alice");
        String mxc = uploaded(alice, "text/html", "<html><script>alert(1)</script></html>".getBytes(), "?filename=x.html");
        Raw download = call("GET", CLIENT_MEDIA + "/download/" + path(mxc), alice.token(), null, null);
        assertThat(download.header("Content-Disposition")).startsWith("attachment");
        assertThat(download.header("Content-Security-Policy")).startsWith("sandbox");
        assertThat(download.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void theQuotaOfAUserIsEnforced() {
        User alice = newUser("alice");
        for (int i = 0; i < 3; i++) uploaded(alice, "application/octet-stream", new byte[MAX], "");
        Raw over = upload(alice, "application/octet-stream", new byte[10], "");
        refusedRaw(over, 413, "M_TOO_LARGE");
        assertThat(over.json().get("error").asString()).contains("quota");
        uploaded(newUser("bob"), "application/octet-stream", new byte[10], "");  // others are not affected
    }

    // ---- resource exhaustion (issue 24, findings 6 and 12)

    /**
     * An upload over a plain socket that sends its headers and the first bytes of its body, then waits: the
     * server holds it (and its permit) until {@link #finish} sends the rest and reads the status.
     */
    private final class SlowUpload implements AutoCloseable {
        private static final int LENGTH = 1000;
        private final java.net.Socket socket;

        SlowUpload(User user) throws IOException {
            socket = new java.net.Socket("127.0.0.1", port);
            String head = "POST /_matrix/media/v3/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + user.token()
                    + "\r\nContent-Type: text/plain\r\nContent-Length: " + LENGTH + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[16]);
            socket.getOutputStream().flush();
        }

        int finish() throws IOException {
            socket.getOutputStream().write(new byte[LENGTH - 16]);
            socket.getOutputStream().flush();
            socket.setSoTimeout(30_000);
            String status = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Waits until the server streams {@code count} uploads at once (the slow ones hold their permits). */
    private void awaitUploadsInProgress(int count) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (limits.uploadsInProgress() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server holds " + limits.uploadsInProgress() + " uploads, not " + count);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void concurrentUploadsAreBoundedPerUserAndInTotal() throws Exception {
        User alice = newUser("alice");
        User bob = newUser("bob");
        User carol = newUser("carol");
        try (SlowUpload a1 = new SlowUpload(alice); SlowUpload a2 = new SlowUpload(alice)) {
            awaitUploadsInProgress(2);
            Raw refused = upload(alice, "text/plain", "small".getBytes(), "");  // per user: 2 at once
            refusedRaw(refused, 429, "M_LIMIT_EXCEEDED");
            assertThat(refused.json().get("retry_after_ms").asLong()).isPositive();
            assertThat(uploaded(bob, "text/plain", "bob is not held up".getBytes(), "")).startsWith("mxc://");
            try (SlowUpload b1 = new SlowUpload(bob)) {
                awaitUploadsInProgress(3);
                Raw busy = upload(carol, "text/plain", "small".getBytes(), "");  // in total: 3 at once
                refusedRaw(busy, 429, "M_LIMIT_EXCEEDED");
                assertThat(busy.json().get("error").asString()).contains("busy");
                assertThat(b1.finish()).isEqualTo(200);
            }
            assertThat(a1.finish()).isEqualTo(200);
            assertThat(a2.finish()).isEqualTo(200);
        }
        // the permits came back
        assertThat(uploaded(alice, "text/plain", "again".getBytes(), "")).startsWith("mxc://");
        assertThat(uploaded(carol, "text/plain", "again".getBytes(), "")).startsWith("mxc://");
    }

    @Test
    void concurrentUploadsCannotTogetherExceedTheQuota() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                User alice = newUser("quota");
                for (int i = 0; i < 2; i++) uploaded(alice, "application/octet-stream", new byte[MAX], "");
                // one more MAX fits the quota (3 × MAX); two at once must not both get in
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Raw>> racing = new java.util.ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    racing.add(pool.submit(() -> {
                        start.await();
                        return upload(alice, "application/octet-stream", new byte[MAX], "");
                    }));
                }
                start.countDown();
                List<Integer> statuses = new java.util.ArrayList<>();
                for (Future<Raw> r : racing) statuses.add(r.get(30, TimeUnit.SECONDS).status());
                assertThat(statuses).as("round %d", round).containsOnlyOnce(200);
                assertThat(store.bytesUploadedBy(alice.userId())).isEqualTo(3L * MAX);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void thumbnailGenerationIsBoundedPerUserWhileStoredThumbnailsStillServe() throws IOException {
        User alice = newUser("alice");
        String first = uploaded(alice, "image/png", png(900, 700), "");
        String second = uploaded(alice, "image/png", png(900, 700), "");
        String thumb = CLIENT_MEDIA + "/thumbnail/%s?width=96&height=96&method=crop";
        byte[] stored = call("GET", thumb.formatted(path(first)), alice.token(), null, null).body();
        try (var generating = limits.thumbnail(alice.userId())) {  // alice has one generation running
            Raw refused = call("GET", thumb.formatted(path(second)), alice.token(), null, null);
            refusedRaw(refused, 429, "M_LIMIT_EXCEEDED");
            assertThat(refused.json().get("retry_after_ms").asLong()).isPositive();
            assertThat(call("GET", thumb.formatted(path(first)), alice.token(), null, null).body()).isEqualTo(stored);
        }
        assertThat(call("GET", thumb.formatted(path(second)), alice.token(), null, null).status()).isEqualTo(200);
    }

    /** A PNG that is only a header declaring {@code width} × {@code height}: decoding it would need gigabytes. */
    private static byte[] pngHeaderOnly(int width, int height) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(17).put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(ihdr.array());
        return java.nio.ByteBuffer.allocate(8 + 4 + 17 + 4).put(new byte[]{(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }

    @Test
    void imagesDeclaringMorePixelsThanTheLimitAreRefusedBeforeDecoding() throws IOException {
        User alice = newUser("alice");
        for (int[] size : new int[][]{{100_000, 100_000}, {20_001, 1_000}, {1, 20_000_001}}) {
            String bomb = uploaded(alice, "image/png", pngHeaderOnly(size[0], size[1]), "");
            long start = System.nanoTime();
            refusedRaw(call("GET", CLIENT_MEDIA + "/thumbnail/" + path(bomb) + "?width=32&height=32&method=crop",
                    alice.token(), null, null), 400, "M_UNKNOWN");
            assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
        }
        try (var permit = limits.thumbnail(alice.userId())) {  // the refusals gave their permits back
            assertThat(permit).isNotNull();
        }
    }

    @Test
    void largeImagesAreDecodedSubsampledToAboutTwiceTheThumbnail() throws IOException {
        assertThat(Thumbnailer.subsampling(4000, 3000, new Thumbnailer.Size(320, 240, "scale"))).isEqualTo(6);
        assertThat(Thumbnailer.subsampling(4000, 1000, new Thumbnailer.Size(96, 96, "crop"))).isEqualTo(5);
        assertThat(Thumbnailer.subsampling(500, 400, new Thumbnailer.Size(320, 240, "scale"))).isEqualTo(1);
        User alice = newUser("alice");
        String mxc = uploaded(alice, "image/png", png(4000, 3000), "");
        Raw scaled = call("GET", CLIENT_MEDIA + "/thumbnail/" + path(mxc) + "?width=320&height=240&method=scale",
                alice.token(), null, null);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(scaled.body()));
        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(240);
        assertThat(new Color(image.getRGB(40, 120))).isEqualTo(Color.ORANGE);  // the left half stays orange
        assertThat(new Color(image.getRGB(280, 120))).isEqualTo(Color.BLACK);
    }

    @Test
    void filesAreStoredInEncryptedChunksAndFilesStoredWholeBeforeStillRead() throws IOException {
        User alice = newUser("alice");
        byte[] content = new byte[MAX];
        new java.util.Random(7).nextBytes(content);
        String mxc = uploaded(alice, "application/octet-stream", content, "");
        String mediaId = mxc.substring(mxc.lastIndexOf('/') + 1);
        Path file = mediaFile(mediaId);
        assertThat(Files.readAllBytes(file)[0]).isEqualTo((byte) 0x02);
        Raw download = call("GET", CLIENT_MEDIA + "/download/" + path(mxc), alice.token(), null, null);
        assertThat(download.body()).isEqualTo(content);
        assertThat(download.header("Content-Length")).isEqualTo(String.valueOf(MAX));

        // a file as the server wrote it before (one AES-GCM value) still downloads
        Files.write(file, cipher.encrypt(org.bollwerk.tenant.Tenant.DEFAULT_ID, content, MediaFiles.aad("localhost", mediaId, "")));
        assertThat(Files.readAllBytes(file)[0]).isEqualTo((byte) 0x01);
        assertThat(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), alice.token(), null, null).body()).isEqualTo(content);
        // and a file altered on disk is not served
        byte[] altered = Files.readAllBytes(file);
        altered[altered.length - 1] ^= 1;
        Files.write(file, altered);
        assertThat(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), alice.token(), null, null).status()).isNotEqualTo(200);
    }

    @Test
    void anUploadWithoutContentLengthIsCountedAsItStreamsAndRefusedPastTheLimit() throws Exception {
        User alice = newUser("alice");
        long before = mediaFileCount();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_matrix/media/v3/upload"))
                .header("Authorization", "Bearer " + alice.token()).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[MAX + 1]))).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(Json.MAPPER.readTree(response.body()).get("errcode").asString()).isEqualTo("M_TOO_LARGE");
        assertThat(mediaFileCount()).isEqualTo(before);
    }

    private Path mediaFile(String mediaId) throws IOException {
        Path dir = Path.of(environment.getRequiredProperty("bollwerk.data-dir")).resolve("media");
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.getFileName().toString().equals(mediaId)).findFirst().orElseThrow();
        }
    }

    @Test
    void createdContentUrisAreUploadedOnceByTheirCreator() throws IOException {
        User alice = newUser("alice");
        User bob = newUser("bob");
        JsonNode created = ok(http.send("POST", "/_matrix/media/v1/create", alice.token(), java.util.Map.of()));
        String mxc = created.get("content_uri").asString();
        assertThat(created.get("unused_expires_at").asLong()).isGreaterThan(System.currentTimeMillis());

        refusedRaw(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), alice.token(), null, null), 504, "M_NOT_YET_UPLOADED");
        refusedRaw(call("PUT", "/_matrix/media/v3/upload/" + path(mxc), bob.token(), "image/png", png(5, 5)), 403, "M_FORBIDDEN");
        byte[] image = png(5, 5);
        assertThat(call("PUT", "/_matrix/media/v3/upload/" + path(mxc), alice.token(), "image/png", image).status()).isEqualTo(200);
        refusedRaw(call("PUT", "/_matrix/media/v3/upload/" + path(mxc), alice.token(), "image/png", image), 409,
                "M_CANNOT_OVERWRITE_MEDIA");
        assertThat(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), bob.token(), null, null).body()).isEqualTo(image);
        refusedRaw(call("PUT", "/_matrix/media/v3/upload/localhost/neverCreated1", alice.token(), "image/png", image),
                404, "M_NOT_FOUND");
    }

    @Test
    void tooManyPendingContentUrisAreRefused() {
        User alice = newUser("alice");
        for (int i = 0; i < 3; i++) ok(http.send("POST", "/_matrix/media/v1/create", alice.token(), java.util.Map.of()));
        refused(http.send("POST", "/_matrix/media/v1/create", alice.token(), java.util.Map.of()), 429, "M_LIMIT_EXCEEDED");
    }

    @Test
    void thumbnailsAreScaledOrCroppedAndRefusedForNonImages() throws IOException {
        User alice = newUser("alice");
        String mxc = uploaded(alice, "image/png", png(1000, 500), "");
        Raw scaled = call("GET", CLIENT_MEDIA + "/thumbnail/" + path(mxc) + "?width=300&height=200&method=scale",
                alice.token(), null, null);
        assertThat(scaled.status()).isEqualTo(200);
        BufferedImage s = ImageIO.read(new ByteArrayInputStream(scaled.body()));
        assertThat(s.getWidth()).isEqualTo(320);
        assertThat(s.getHeight()).isEqualTo(160);

        Raw cropped = call("GET", CLIENT_MEDIA + "/thumbnail/" + path(mxc) + "?width=96&height=96&method=crop",
                alice.token(), null, null);
        BufferedImage c = ImageIO.read(new ByteArrayInputStream(cropped.body()));
        assertThat(c.getWidth()).isEqualTo(96);
        assertThat(c.getHeight()).isEqualTo(96);
        Raw again = call("GET", CLIENT_MEDIA + "/thumbnail/" + path(mxc) + "?width=96&height=96&method=crop",
                alice.token(), null, null);
        assertThat(again.body()).isEqualTo(cropped.body());  // stored, not generated again

        String text = uploaded(alice, "text/plain", "hello".getBytes(), "");
        refusedRaw(call("GET", CLIENT_MEDIA + "/thumbnail/" + path(text) + "?width=32&height=32", alice.token(), null, null),
                400, "M_UNKNOWN");
        refusedRaw(call("GET", CLIENT_MEDIA + "/thumbnail/" + path(mxc) + "?width=32&height=32&method=zoom", alice.token(),
                null, null), 400, "M_INVALID_PARAM");
        refusedRaw(call("GET", CLIENT_MEDIA + "/thumbnail/" + path(mxc) + "?width=-1&height=32", alice.token(), null, null),
                400, "M_INVALID_PARAM");
    }

    @Test
    void configAnnouncesTheLimitAndUrlPreviewsAreDisabled() {
        User alice = newUser("alice");
        assertThat(ok(http.get(CLIENT_MEDIA + "/config", alice.token())).get("m.upload.size").asLong()).isEqualTo(MAX);
        refused(http.get(CLIENT_MEDIA + "/config", null), 401, "M_MISSING_TOKEN");
        refused(http.get(CLIENT_MEDIA + "/preview_url?url=https%3A%2F%2Fexample.org", alice.token()), 403, "M_FORBIDDEN");
    }

    @Test
    void uploadedFilesAreEncryptedOnDisk() throws IOException {
        User alice = newUser("alice");
        String marker = "MEDIA-PLAINTEXT-" + UUID.randomUUID();
        String mxc = uploaded(alice, "text/plain", (marker + " in a file").getBytes(), "?filename=" + marker + ".txt");
        assertThat(new String(call("GET", CLIENT_MEDIA + "/download/" + path(mxc), alice.token(), null, null).body()))
                .startsWith(marker);
        Path dataDir = Path.of(environment.getRequiredProperty("bollwerk.data-dir"));
        try (Stream<Path> files = Files.walk(dataDir.resolve("media"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain(marker);
            }
        }
    }
}
