package org.bollwerk.matrix.id;

/** Generator for device IDs in the style clients know from Synapse. */
public final class DeviceIds {

    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private DeviceIds() {}

    /** Ten random upper-case ASCII letters from a {@link java.security.SecureRandom}. */
    public static String random() {
        return Ids.randomLetters(UPPER, 10);
    }
}
