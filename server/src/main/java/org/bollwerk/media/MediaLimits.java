package org.bollwerk.media;

import org.bollwerk.ratelimit.ConcurrencyLimits;
import org.springframework.stereotype.Component;

/**
 * How many uploads and thumbnail generations run at once, per user and in total. Uploads stream to disk,
 * so a permit costs one chunk of memory and a request thread; a thumbnail permit costs a core and the
 * decoded source. Over a bound the request is refused at once (429 {@code M_LIMIT_EXCEEDED}, retry_after_ms).
 */
@Component
class MediaLimits {
    private static final long RETRY_AFTER_MS = 2_000;

    private final ConcurrencyLimits uploads;
    private final ConcurrencyLimits thumbnails;

    MediaLimits(MediaProperties props) {
        this.uploads = new ConcurrencyLimits("uploads", props.concurrentUploadsPerUser(), props.concurrentUploads(),
                RETRY_AFTER_MS);
        int thumbnailsTotal = props.concurrentThumbnails() > 0 ? props.concurrentThumbnails()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        this.thumbnails = new ConcurrencyLimits("thumbnail generations", props.concurrentThumbnailsPerUser(),
                thumbnailsTotal, RETRY_AFTER_MS);
    }

    ConcurrencyLimits.Permit upload(String userId) {
        return uploads.acquire(userId);
    }

    /** Uploads streaming now, all users together. */
    int uploadsInProgress() {
        return uploads.inUse();
    }

    ConcurrencyLimits.Permit thumbnail(String userId) {
        return thumbnails.acquire(userId);
    }
}
