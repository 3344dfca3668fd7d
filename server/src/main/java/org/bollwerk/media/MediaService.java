package org.bollwerk.media;

import org.bollwerk.account.Requester;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.storage.Db;
import org.bollwerk.room.MediaReferenced;
import org.bollwerk.room.RoomReader;
import org.bollwerk.tenant.TenantIsolation;
import org.bollwerk.tenant.TenantService;
import org.springframework.context.event.EventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.io.IOException;
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

    private final Db db;
    private final MediaStore store;
    private final MediaFiles files;
    private final TenantService tenants;
    private final MediaProperties props;

    private final RoomReader rooms;
    private final TenantIsolation isolation;

    MediaService(Db db, MediaStore store, MediaFiles files, TenantService tenants, MediaProperties props,
                 RoomReader rooms, TenantIsolation isolation) {
        this.rooms = rooms;
        this.isolation = isolation;
        this.db = db;
        this.store = store;
        this.files = files;
        this.tenants = tenants;
        this.props = props;
    }

    public long maxUploadBytes() {
        return props.maxUploadBytes();
    }

    /** Content ready to be served. */
    public record Content(byte[] bytes, String contentType, String fileName) {
    }

    /** Stores an upload and returns its {@code mxc://} URI. */
    public String upload(Requester requester, String declaredType, String fileName, byte[] content) {
        String type = checkContent(declaredType, content);
        String serverName = serverOf(requester);
        String mediaId = newMediaId();
        checkQuota(requester, content.length);
        files.writeOriginal(requester.tenantId(), serverName, mediaId, content);
        try {
            db.write(() -> store.insertUploaded(serverName, mediaId, requester.tenantId(), requester.userId(), type,
                    fileName, content.length, System.currentTimeMillis()));
        } catch (RuntimeException e) {
            files.deleteOriginal(serverName, mediaId);
            throw e;
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

    /** Uploads the content of a URI reserved with {@link #create}. */
    public void uploadTo(Requester requester, String serverName, String mediaId, String declaredType, String fileName,
                         byte[] content) {
        MediaStore.Media media = find(serverName, mediaId);
        if (!media.uploader().equals(requester.userId())) {
            throw MatrixException.forbidden("This content URI was created by another user");
        }
        if (media.uploaded()) throw new MatrixException(ErrCode.M_CANNOT_OVERWRITE_MEDIA, "Media already uploaded");
        if (media.expiresTs() != null && media.expiresTs() < System.currentTimeMillis()) {
            throw MatrixException.notFound("This content URI expired before anything was uploaded to it");
        }
        String type = checkContent(declaredType, content);
        checkQuota(requester, content.length);
        files.writeOriginal(media.tenantId(), serverName, mediaId, content);
        boolean done = db.write(() -> store.completePending(serverName, mediaId, type, fileName, content.length));
        if (!done) throw new MatrixException(ErrCode.M_CANNOT_OVERWRITE_MEDIA, "Media already uploaded");
    }

    /** The original content; {@code requester} null only on the legacy unauthenticated paths when enabled. */
    public Content download(Requester requester, String serverName, String mediaId) {
        MediaStore.Media media = readable(requester, serverName, mediaId);
        byte[] bytes = files.readOriginal(serverName, mediaId)
                .orElseThrow(() -> MatrixException.notFound("Media not found"));
        return new Content(bytes, media.contentType(), media.uploadName());
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
            if (bytes.isPresent()) return new Content(bytes.get(), stored.get().contentType(), null);
        }
        byte[] original = files.readOriginal(serverName, mediaId).orElseThrow(() -> MatrixException.notFound("Media not found"));
        Thumbnailer.Result result;
        try {
            result = Thumbnailer.thumbnail(original, media.contentType(), size, props.maxImagePixels());
        } catch (IOException | RuntimeException e) {
            log.debug("No thumbnail for {}/{}: {}", serverName, mediaId, e.toString());
            throw new MatrixException(ErrCode.M_UNKNOWN, 400, "Cannot generate a thumbnail of this image", Map.of());
        }
        if (result == null) return new Content(original, media.contentType(), null);  // already small enough
        files.writeThumbnail(media.tenantId(), serverName, mediaId, variant, result.bytes());
        db.write(() -> store.insertThumbnail(serverName, mediaId, size.width(), size.height(), size.method(),
                result.contentType(), result.bytes().length, System.currentTimeMillis()));
        return new Content(result.bytes(), result.contentType(), null);
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

    private String checkContent(String declaredType, byte[] content) {
        String type = ContentTypes.normalise(declaredType);
        if (!ContentTypes.matches(type, content)) {
            throw MatrixException.invalidParam("The content is not of the declared type " + type);
        }
        return type;
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
