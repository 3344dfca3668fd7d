package org.bollwerk.media;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.bollwerk.account.Requester;
import org.bollwerk.matrix.MatrixException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

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
        String name = fileName(fileName);
        return Map.of("content_uri", media.upload(requester, request.getContentType(), name,
                request.getContentLengthLong(), request.getInputStream()));
    }

    @PostMapping("/_matrix/media/v1/create")
    Map<String, Object> create(Requester requester) {
        return media.create(requester);
    }

    @PutMapping("/_matrix/media/v3/upload/{serverName}/{mediaId}")
    Map<String, Object> uploadTo(Requester requester, HttpServletRequest request, @PathVariable String serverName,
                                 @PathVariable String mediaId,
                                 @RequestParam(name = "filename", required = false) String fileName) throws IOException {
        String name = fileName(fileName);
        media.uploadTo(requester, serverName, mediaId, request.getContentType(), name, request.getContentLengthLong(),
                request.getInputStream());
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
    void download(Requester requester, @PathVariable String serverName, @PathVariable String mediaId,
                  @PathVariable(required = false) String fileName, HttpServletResponse response) throws IOException {
        serve(media.download(requester, serverName, mediaId), fileName, response);
    }

    @GetMapping(CLIENT + "/thumbnail/{serverName}/{mediaId}")
    void thumbnail(Requester requester, @PathVariable String serverName, @PathVariable String mediaId,
                   @RequestParam int width, @RequestParam int height,
                   @RequestParam(required = false) String method, HttpServletResponse response) throws IOException {
        serve(media.thumbnail(requester, serverName, mediaId, width, height, method), null, response);
    }

    /** URL previews would make the server fetch arbitrary URLs for users (SSRF, tracking): not offered. */
    @GetMapping({CLIENT + "/preview_url", "/_matrix/media/v3/preview_url", "/_matrix/media/r0/preview_url"})
    Map<String, Object> previewUrl(Requester requester) {
        throw MatrixException.forbidden("URL previews are disabled on this server");
    }

    // ---- legacy unauthenticated media (spec v1.11 deprecated it)

    @GetMapping({"/_matrix/media/{v:v3|r0}/download/{serverName}/{mediaId}",
            "/_matrix/media/{v:v3|r0}/download/{serverName}/{mediaId}/{fileName}"})
    void legacyDownload(@PathVariable String serverName, @PathVariable String mediaId,
                        @PathVariable(required = false) String fileName, HttpServletResponse response) throws IOException {
        requireLegacy();
        serve(media.download(null, serverName, mediaId), fileName, response);
    }

    @GetMapping("/_matrix/media/{v:v3|r0}/thumbnail/{serverName}/{mediaId}")
    void legacyThumbnail(@PathVariable String serverName, @PathVariable String mediaId,
                         @RequestParam int width, @RequestParam int height,
                         @RequestParam(required = false) String method, HttpServletResponse response) throws IOException {
        requireLegacy();
        serve(media.thumbnail(null, serverName, mediaId, width, height, method), null, response);
    }

    private void requireLegacy() {
        if (!props.legacyUnauthenticated()) {
            throw MatrixException.notFound("Unauthenticated media is disabled on this server; use the authenticated "
                    + "/_matrix/client/v1/media endpoints");
        }
    }

    // ---- helpers

    private static String fileName(String name) {
        if (name == null || name.isBlank()) return null;
        if (name.length() > 255) throw MatrixException.invalidParam("filename is too long");
        // NUL cannot be stored in PostgreSQL text, and no control character belongs in Content-Disposition
        if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw MatrixException.invalidParam("filename must not contain control characters");
        }
        return name;
    }

    /** Streams the content out; the headers are set only now that the content could be opened. */
    private static void serve(MediaService.Content content, String fileNameOverride, HttpServletResponse response)
            throws IOException {
        try (InputStream body = content.body()) {
            String type = content.contentType() == null ? "application/octet-stream" : content.contentType();
            String name = fileNameOverride != null ? fileNameOverride : content.fileName();
            String disposition = ContentTypes.inline(type) ? "inline" : "attachment";
            if (name != null && !name.isBlank()) {
                String ascii = name.replaceAll("[^A-Za-z0-9._ -]", "_");
                disposition += "; filename=\"" + ascii + "\"; filename*=utf-8''"
                        + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
            }
            response.setStatus(200);
            response.setHeader(HttpHeaders.CONTENT_TYPE, type);
            response.setHeader(HttpHeaders.CONTENT_DISPOSITION, disposition);
            response.setHeader("Content-Security-Policy", CSP);
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
            response.setHeader(HttpHeaders.CACHE_CONTROL, "private, max-age=86400");
            if (content.length() >= 0) response.setContentLengthLong(content.length());
            // A chunk failing authentication midway aborts the response: the client sees it cut short, never
            // unauthenticated bytes (each chunk is released only after its tag was verified).
            body.transferTo(response.getOutputStream());
        }
    }
}
