package org.bollwerk.media;

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
import java.util.UUID;
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
    }

    @Autowired
    Environment environment;
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
