package org.bollwerk.media;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.ratelimit.ConcurrencyLimits;
import org.bollwerk.storage.Db;
import org.bollwerk.room.MediaReferenced;
import org.bollwerk.room.RoomReader;
import org.bollwerk.tenant.TenantIsolation;
import org.bollwerk.tenant.TenantService;
import org.springframework.context.event.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Uploads, downloads and thumbnails, with the limits and access rules of the media repository. */
@Service
public class MediaService {
    private static final Logger log = LoggerFactory.getLogger(MediaService.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Enough of the start of a file to recognise every type {@link ContentTypes} checks. */
    private static final int SNIFF_BYTES = 32;

    private final Db db;
    private final MediaStore store;
    private final MediaFiles files;
    private final TenantService tenants;
    private final MediaProperties props;

    private final RoomReader rooms;
    private final TenantIsolation isolation;
    private final MediaLimits limits;

    MediaService(Db db, MediaStore store, MediaFiles files, TenantService tenants, MediaProperties props,
                 RoomReader rooms, TenantIsolation isolation, MediaLimits limits) {
        this.rooms = rooms;
        this.isolation = isolation;
        this.limits = limits;
        this.db = db;
        this.store = store;
        this.files = files;
        this.tenants = tenants;
        this.props = props;
    }

    public long maxUploadBytes() {
        return props.maxUploadBytes();
    }

    /**
     * Content ready to be served: an open stream the caller copies out and closes (never the whole file in
     * memory), and its length when known ({@code -1} otherwise).
     */
    public record Content(InputStream body, long length, String contentType, String fileName) {
    }

    /**
     * Stores an upload streamed from {@code body} and returns its {@code mxc://} URI.
     *
     * @param declaredLength the request's Content-Length, or -1 when it has none (chunked)
     */
    public String upload(Requester requester, String declaredType, String fileName, long declaredLength, InputStream body) {
        String type = ContentTypes.normalise(declaredType);
        checkDeclaredSize(requester, declaredLength);
        String serverName = serverOf(requester);
        String mediaId = newMediaId();
        try (ConcurrencyLimits.Permit permit = limits.upload(requester.userId());
             MediaFiles.Staged staged = files.stageOriginal(requester.tenantId(), serverName, mediaId)) {
            long size = receive(staged, type, body);
            storeAtomically(requester, serverName, mediaId, staged, () -> store.insertUploaded(serverName, mediaId,
                    requester.tenantId(), requester.userId(), type, fileName, size, System.currentTimeMillis()), size);
        } catch (IOException e) {
            throw new UncheckedIOException("Upload failed", e);
        }
        return "mxc://" + serverName + "/" + mediaId;
    }

    /** Reserves a content URI to upload to later ({@code /create}). */
    public Map<String, Object> create(Requester requester) {
        long now = System.currentTimeMillis();
        if (store.pendingOf(requester.userId(), now) >= props.maxPendingUploads()) {
            throw new MatrixException(ErrCode.M_LIMIT_EXCEEDED, 429, "Too many pending uploads; upload to the "
                    + "content URIs you created first", Map.of("retry_after_ms", 60_000));
        }
        String serverName = serverOf(requester);
        String mediaId = newMediaId();
        long expires = now + props.unusedExpiresMs();
        db.write(() -> store.insertPending(serverName, mediaId, requester.tenantId(), requester.userId(), now, expires));
        return Map.of("content_uri", "mxc://" + serverName + "/" + mediaId, "unused_expires_at", expires);
    }

    /** Uploads the content of a URI reserved with {@link #create}, streamed from {@code body}. */
    public void uploadTo(Requester requester, String serverName, String mediaId, String declaredType, String fileName,
                         long declaredLength, InputStream body) {
        MediaStore.Media media = find(serverName, mediaId);
        if (!media.uploader().equals(requester.userId())) {
            throw MatrixException.forbidden("This content URI was created by another user");
        }
        if (media.uploaded()) throw new MatrixException(ErrCode.M_CANNOT_OVERWRITE_MEDIA, "Media already uploaded");
        if (media.expiresTs() != null && media.expiresTs() < System.currentTimeMillis()) {
            throw MatrixException.notFound("This content URI expired before anything was uploaded to it");
        }
        String type = ContentTypes.normalise(declaredType);
        checkDeclaredSize(requester, declaredLength);
        try (ConcurrencyLimits.Permit permit = limits.upload(requester.userId());
             MediaFiles.Staged staged = files.stageOriginal(media.tenantId(), serverName, mediaId)) {
            long size = receive(staged, type, body);
            storeAtomically(requester, serverName, mediaId, staged, () -> {
                if (!store.completePending(serverName, mediaId, type, fileName, size)) {
                    throw new MatrixException(ErrCode.M_CANNOT_OVERWRITE_MEDIA, "Media already uploaded");
                }
            }, size);
        } catch (IOException e) {
            throw new UncheckedIOException("Upload failed", e);
        }
    }

    /**
     * Copies the request body through the encryption into the staged file, refusing it once it passes the
     * size limit or when its first bytes are not of the declared type. Only one chunk is in memory at a time.
     *
     * @return the size of the content
     */
    private long receive(MediaFiles.Staged staged, String type, InputStream body) throws IOException {
        long max = props.maxUploadBytes();
        byte[] buffer = new byte[64 * 1024];
        byte[] head = new byte[SNIFF_BYTES];
        int headLength = 0;
        long total = 0;
        OutputStream out = staged.content();
        try (body) {
            int n;
            while ((n = readBody(body, buffer)) >= 0) {
                if (n == 0) continue;
                total += n;
                if (total > max) throw tooLarge(max);
                if (headLength < head.length) {
                    int copy = Math.min(n, head.length - headLength);
                    System.arraycopy(buffer, 0, head, headLength, copy);
                    headLength += copy;
                    if (headLength == head.length) checkContent(type, head);  // refuse early, before the rest
                }
                out.write(buffer, 0, n);
            }
        }
        if (headLength < head.length) checkContent(type, java.util.Arrays.copyOf(head, headLength));
        staged.finish();
        return total;
    }

    /** A body that breaks off (client gone, malformed chunking) is the client's fault: 400, not a server error. */
    private static int readBody(InputStream body, byte[] buffer) {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            throw new MatrixException(ErrCode.M_UNKNOWN, 400, "The upload could not be read to its end", Map.of());
        }
    }

    /**
     * Checks the quota and records the upload in one write: the writer runs writes one at a time, and on
     * PostgreSQL a per-uploader lock orders the nodes of a cluster, so concurrent uploads cannot together pass
     * a quota that each alone would. The file is moved into place inside that write, after the row was
     * accepted; if the write fails, the file is removed again.
     */
    private void storeAtomically(Requester requester, String serverName, String mediaId, MediaFiles.Staged staged,
                                 Runnable record, long size) {
        boolean[] moved = {false};
        try {
            db.write(() -> {
                if (props.quotaBytesPerUser() > 0) {
                    store.lockQuotaOf(requester.userId());
                    checkQuota(requester, size);
                }
                record.run();
                staged.commit();
                moved[0] = true;
            });
        } catch (RuntimeException e) {
            if (moved[0]) files.deleteOriginal(serverName, mediaId);
            throw e;
        }
    }

    /** The original content; {@code requester} null only on the legacy unauthenticated paths when enabled. */
    public Content download(Requester requester, String serverName, String mediaId) {
        MediaStore.Media media = readable(requester, serverName, mediaId);
        return new Content(openOriginal(serverName, mediaId), media.sizeBytes(), media.contentType(), media.uploadName());
    }

    /** The file name suffix of a thumbnail (and part of its associated data). */
    static String thumbnailVariant(int width, int height, String method) {
        return ".thumb-" + width + "x" + height + "-" + method;
    }

    public Content thumbnail(Requester requester, String serverName, String mediaId, int width, int height, String method) {
        if (width < 1 || height < 1 || width > 10_000 || height > 10_000) {
            throw MatrixException.invalidParam("width and height must be between 1 and 10000");
        }
        if (method == null) method = "scale";
        if (!method.equals("scale") && !method.equals("crop")) throw MatrixException.invalidParam("method must be scale or crop");
        MediaStore.Media media = readable(requester, serverName, mediaId);
        if (!Thumbnailer.THUMBNAILABLE.contains(media.contentType())) {
            throw new MatrixException(ErrCode.M_UNKNOWN, 400, "Cannot generate thumbnails of " + media.contentType(), Map.of());
        }
        Thumbnailer.Size size = Thumbnailer.snap(width, height, method);
        String variant = thumbnailVariant(size.width(), size.height(), size.method());
        Optional<MediaStore.Thumbnail> stored = store.thumbnail(serverName, mediaId, size.width(), size.height(), size.method());
        if (stored.isPresent()) {
            Optional<byte[]> bytes = files.readThumbnail(serverName, mediaId, variant);
            if (bytes.isPresent()) return bytes(bytes.get(), stored.get().contentType());
        }
        Thumbnailer.Result result;
        // Decoding is the expensive part (CPU, and memory for the source): bounded per user and in total.
        try (ConcurrencyLimits.Permit permit = limits.thumbnail(requester == null ? "-" : requester.userId());
             InputStream original = openOriginal(serverName, mediaId)) {
            result = Thumbnailer.thumbnail(original, media.contentType(), size, props.maxImagePixels());
        } catch (IOException | RuntimeException e) {
            if (e instanceof MatrixException refused) throw refused;
            log.debug("No thumbnail for {}/{}: {}", serverName, mediaId, e.toString());
            throw new MatrixException(ErrCode.M_UNKNOWN, 400, "Cannot generate a thumbnail of this image", Map.of());
        }
        if (result == null) {  // already small enough: the original is the thumbnail
            return new Content(openOriginal(serverName, mediaId), media.sizeBytes(), media.contentType(), null);
        }
        files.writeThumbnail(media.tenantId(), serverName, mediaId, variant, result.bytes());
        db.write(() -> store.insertThumbnail(serverName, mediaId, size.width(), size.height(), size.method(),
                result.contentType(), result.bytes().length, System.currentTimeMillis()));
        return bytes(result.bytes(), result.contentType());
    }

    private InputStream openOriginal(String serverName, String mediaId) {
        return files.openOriginal(serverName, mediaId).orElseThrow(() -> MatrixException.notFound("Media not found"));
    }

    private static Content bytes(byte[] bytes, String contentType) {
        return new Content(new ByteArrayInputStream(bytes), bytes.length, contentType, null);
    }

    private static MatrixException tooLarge(long max) {
        return new MatrixException(ErrCode.M_TOO_LARGE, "Upload is larger than " + max + " bytes");
    }

    /** Refuses before reading anything when the declared length alone is too much (the exact check comes later). */
    private void checkDeclaredSize(Requester requester, long declaredLength) {
        if (declaredLength > props.maxUploadBytes()) throw tooLarge(props.maxUploadBytes());
        if (declaredLength > 0) checkQuota(requester, declaredLength);
    }

    // ---- rules

    private MediaStore.Media readable(Requester requester, String serverName, String mediaId) {
        MediaStore.Media media = find(serverName, mediaId);
        if (requester != null && !mayRead(requester.userId(), serverName, mediaId, media)) {
            throw MatrixException.notFound("Media not found");
        }
        if (!media.uploaded()) {
            throw new MatrixException(ErrCode.M_NOT_YET_UPLOADED, "The content of this URI has not been uploaded yet");
        }
        return media;
    }

    /**
     * The access decision: the isolation policy decides across organisations (the holding tenant and its
     * partners); once an event of a room refers to the content, only its uploader and those who may see such
     * a room may read it.
     */
    private boolean mayRead(String userId, String serverName, String mediaId, MediaStore.Media media) {
        if (!isolation.seeMedia(userId, "mxc://" + serverName + "/" + mediaId, media.tenantId()).allowed()) return false;
        if (userId.equals(media.uploader())) return true;
        List<String> referringRooms = store.rooms(serverName, mediaId);
        return referringRooms.isEmpty() || referringRooms.stream().anyMatch(room -> mayReadRoom(room, userId));
    }

    private boolean mayReadRoom(String roomId, String userId) {
        try {
            rooms.requireCanRead(roomId, userId);
            return true;
        } catch (MatrixException refused) {
            return false;
        }
    }

    /**
     * Ties content to the rooms whose events point at it (same transaction as the event) — only content the
     * sender could already read: otherwise anyone who learnt a URI could widen its audience to their own room.
     */
    @EventListener
    void referenced(MediaReferenced event) {
        for (String uri : event.mxcUris()) {
            String rest = uri.substring("mxc://".length());
            int slash = rest.indexOf('/');
            if (slash <= 0 || slash == rest.length() - 1) continue;
            String serverName = rest.substring(0, slash);
            String mediaId = rest.substring(slash + 1);
            Optional<MediaStore.Media> media = store.media(serverName, mediaId);
            if (media.isPresent() && mayRead(event.sender(), serverName, mediaId, media.get())) {
                store.referToRoom(serverName, mediaId, event.roomId());
            }
        }
    }

    private MediaStore.Media find(String serverName, String mediaId) {
        if (!mediaId.matches("[A-Za-z0-9_-]{2,255}")) throw MatrixException.notFound("Media not found");
        if (!tenants.isLocalDomain(serverName)) {
            throw MatrixException.notFound("Media of other servers is not available (no federation)");
        }
        return store.media(serverName, mediaId).orElseThrow(() -> MatrixException.notFound("Media not found"));
    }

    private static void checkContent(String type, byte[] head) {
        if (!ContentTypes.matches(type, head)) {
            throw MatrixException.invalidParam("The content is not of the declared type " + type);
        }
    }

    private void checkQuota(Requester requester, long size) {
        if (props.quotaBytesPerUser() == 0) return;
        long used = store.bytesUploadedBy(requester.userId());
        if (used + size > props.quotaBytesPerUser()) {
            throw new MatrixException(ErrCode.M_TOO_LARGE, "Upload quota exceeded: " + used + " of "
                    + props.quotaBytesPerUser() + " bytes used");
        }
    }

    private static String serverOf(Requester requester) {
        return requester.userId().substring(requester.userId().indexOf(':') + 1);
    }

    private static String newMediaId() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
