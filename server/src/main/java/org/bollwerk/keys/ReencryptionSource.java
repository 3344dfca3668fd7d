package org.bollwerk.keys;

/**
 * One kind of data encrypted at rest (events, device names, media files …), implemented by the feature that
 * owns it, so the re-encryption job can move it to the newest data key version batch by batch. A cursor is
 * the source's own position (e.g. a stream ordering); the job stores it so an interrupted run resumes.
 */
public interface ReencryptionSource {
    /** A stable name, shown in the progress (e.g. {@code events}). */
    String name();

    /** How many values there are (the job's total; an estimate is fine). */
    long count();

    /**
     * Re-encrypts up to {@code limit} values after {@code afterCursor} ({@code null}: from the start) under
     * their tenant's current key version (plain values stored before encryption existed are encrypted),
     * using {@link AtRestCipher#reencrypt}. Database changes go through {@code db.write}.
     *
     * @return the values looked at and the cursor of the last one; {@code cursor == null} when none were left
     */
    Batch reencrypt(String afterCursor, int limit);

    record Batch(String cursor, int seen) {
        public static final Batch END = new Batch(null, 0);
    }
}
