package org.bollwerk.media;

import jakarta.servlet.http.HttpServletRequest;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The media API: uploads under {@code /_matrix/media/v3}, authenticated downloads under
 * {@code /_matrix/client/v1/media}, and the legacy unauthenticated paths (off unless configured).
 */
@RestController
class MediaController {
    /** What a browser may do with served media: nothing active (as Synapse sends it). */
    static final String CSP = "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; "
            + "style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";
    private static final String CLIENT = "/_matrix/client/v1/media";

    private final MediaService media;
    private final MediaProperties props;

    MediaController(MediaService media, MediaProperties props) {
        this.media = media;
        this.props = props;
    }

    // ---- upload

    @PostMapping({"/_matrix/media/v3/upload", "/_matrix/media/r0/upload"})
    Map<String, Object> upload(Requester requester, HttpServletRequest request,
                               @RequestParam(name = "filename", required = false) String fileName) throws IOException {
        byte[] body = readBody(request);
        return Map.of("content_uri", media.upload(requester, request.getContentType(), fileName(fileName), body));
    }

    @PostMapping("/_matrix/media/v1/create")
    Map<String, Object> create(Requester requester) {
        return media.create(requester);
    }

    @PutMapping("/_matrix/media/v3/upload/{serverName}/{mediaId}")
    Map<String, Object> uploadTo(Requester requester, HttpServletRequest request, @PathVariable String serverName,
                                 @PathVariable String mediaId,
                                 @RequestParam(name = "filename", required = false) String fileName) throws IOException {
        byte[] body = readBody(request);
        media.uploadTo(requester, serverName, mediaId, request.getContentType(), fileName(fileName), body);
        return Map.of();
    }

    // ---- authenticated media

    @GetMapping(CLIENT + "/config")
    Map<String, Object> config(Requester requester) {
        return Map.of("m.upload.size", media.maxUploadBytes());
    }

    @GetMapping({"/_matrix/media/v3/config", "/_matrix/media/r0/config"})
    Map<String, Object> legacyConfig(Requester requester) {
        return config(requester);
    }

    @GetMapping({CLIENT + "/download/{serverName}/{mediaId}", CLIENT + "/download/{serverName}/{mediaId}/{fileName}"})
    ResponseEntity<byte[]> download(Requester requester, @PathVariable String serverName, @PathVariable String mediaId,
                                    @PathVariable(required = false) String fileName) {
        return serve(media.download(requester, serverName, mediaId), fileName);
    }

    @GetMapping(CLIENT + "/thumbnail/{serverName}/{mediaId}")
    ResponseEntity<byte[]> thumbnail(Requester requester, @PathVariable String serverName, @PathVariable String mediaId,
                                     @RequestParam int width, @RequestParam int height,
                                     @RequestParam(required = false) String method) {
        return serve(media.thumbnail(requester, serverName, mediaId, width, height, method), null);
    }

    /** URL previews would make the server fetch arbitrary URLs for users (SSRF, tracking): not offered. */
    @GetMapping({CLIENT + "/preview_url", "/_matrix/media/v3/preview_url", "/_matrix/media/r0/preview_url"})
    Map<String, Object> previewUrl(Requester requester) {
        throw MatrixException.forbidden("URL previews are disabled on this server");
    }

    // ---- legacy unauthenticated media (spec v1.11 deprecated it)

    @GetMapping({"/_matrix/media/{v:v3|r0}/download/{serverName}/{mediaId}",
            "/_matrix/media/{v:v3|r0}/download/{serverName}/{mediaId}/{fileName}"})
    ResponseEntity<byte[]> legacyDownload(@PathVariable String serverName, @PathVariable String mediaId,
                                          @PathVariable(required = false) String fileName) {
        requireLegacy();
        return serve(media.download(null, serverName, mediaId), fileName);
    }

    @GetMapping("/_matrix/media/{v:v3|r0}/thumbnail/{serverName}/{mediaId}")
    ResponseEntity<byte[]> legacyThumbnail(@PathVariable String serverName, @PathVariable String mediaId,
                                           @RequestParam int width, @RequestParam int height,
                                           @RequestParam(required = false) String method) {
        requireLegacy();
        return serve(media.thumbnail(null, serverName, mediaId, width, height, method), null);
    }

    private void requireLegacy() {
        if (!props.legacyUnauthenticated()) {
            throw MatrixException.notFound("Unauthenticated media is disabled on this server; use the authenticated "
                    + "/_matrix/client/v1/media endpoints");
        }
    }

    // ---- helpers

    private byte[] readBody(HttpServletRequest request) throws IOException {
        long max = props.maxUploadBytes();
        if (request.getContentLengthLong() > max) throw tooLarge(max);
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(request.getContentLengthLong(), 0), max));
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = request.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                if (out.size() + (long) n > max) throw tooLarge(max);
                out.write(buffer, 0, n);
            }
        }
        return out.toByteArray();
    }

    private static MatrixException tooLarge(long max) {
        return new MatrixException(ErrCode.M_TOO_LARGE, "Upload is larger than " + max + " bytes");
    }

    private static String fileName(String name) {
        if (name == null || name.isBlank()) return null;
        if (name.length() > 255) throw MatrixException.invalidParam("filename is too long");
        // NUL cannot be stored in PostgreSQL text, and no control character belongs in Content-Disposition
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw MatrixException.invalidParam("filename must not contain control characters");
        }
        return name;
    }

    private static ResponseEntity<byte[]> serve(MediaService.Content content, String fileNameOverride) {
        String type = content.contentType() == null ? "application/octet-stream" : content.contentType();
        String name = fileNameOverride != null ? fileNameOverride : content.fileName();
        String disposition = ContentTypes.inline(type) ? "inline" : "attachment";
        if (name != null && !name.isBlank()) {
            String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
            disposition += "; filename=\"" + ascii + "\"; filename*=utf-8''"
                    + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        }
        return ResponseEntity.ok()
                .header(HttpHeaders.CONTENT_TYPE, type)
                .header(HttpHeaders.CONTENT_DISPOSITION, disposition)
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cross-Origin-Resource-Policy", "cross-origin")
                .header(HttpHeaders.CACHE_CONTROL, "private, max-age=86400")
                .body(content.bytes());
    }
}
