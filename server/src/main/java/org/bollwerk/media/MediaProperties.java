package org.bollwerk.media;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Media repository settings ({@code bollwerk.media.*}, env {@code BOLLWERK_MEDIA_*}).
 *
 * @param maxUploadBytes        largest upload (413 {@code M_TOO_LARGE} above); announced as {@code m.upload.size}
 * @param quotaBytesPerUser     total bytes one user may have uploaded; 0 = no quota
 * @param legacyUnauthenticated serve the old unauthenticated {@code /_matrix/media/v3/download|thumbnail}
 *                              paths (anyone who knows a media ID could fetch it); off by default
 * @param maxPendingUploads     content URIs a user may hold open via {@code /create} at once
 * @param unusedExpiresMs       how long a created content URI waits for its upload
 * @param maxImagePixels        larger images are not thumbnailed (decompression bombs); checked on the
 *                              declared dimensions before anything is decoded
 * @param concurrentUploadsPerUser     uploads one user may stream at once (429 {@code M_LIMIT_EXCEEDED} above)
 * @param concurrentUploads            uploads the server streams at once, all users together
 * @param concurrentThumbnailsPerUser  thumbnail generations one user may cause at once
 * @param concurrentThumbnails         thumbnail generations at once in total; 0 = half the CPUs (at least 1)
 */
@Validated
@ConfigurationProperties("bollwerk.media")
public record MediaProperties(
        @Min(1) @DefaultValue("52428800") long maxUploadBytes,
        @Min(0) @DefaultValue("1073741824") long quotaBytesPerUser,
        @DefaultValue("false") boolean legacyUnauthenticated,
        @Min(1) @DefaultValue("20") int maxPendingUploads,
        @Min(1000) @DefaultValue("86400000") long unusedExpiresMs,
        @Min(1) @DefaultValue("40000000") long maxImagePixels,
        @Min(1) @DefaultValue("3") int concurrentUploadsPerUser,
        @Min(1) @DefaultValue("32") int concurrentUploads,
        @Min(1) @DefaultValue("1") int concurrentThumbnailsPerUser,
        @Min(0) @DefaultValue("0") int concurrentThumbnails) {
}
