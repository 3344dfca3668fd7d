package org.bollwerk.portal;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 6238 appendix B test vectors (SHA-1, shown here with the 6 digits apps use), Base32 of RFC 4648. */
class TotpTest {
    private static final String RFC_SECRET = Totp.base32("12345678901234567890".getBytes(StandardCharsets.US_ASCII));

    @Test
    void rfc6238Vectors() {
        assertThat(RFC_SECRET).isEqualTo("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assertThat(Totp.code(RFC_SECRET, Totp.stepAt(59_000L))).isEqualTo("287082");
        assertThat(Totp.code(RFC_SECRET, Totp.stepAt(1_111_111_109_000L))).isEqualTo("081804");
        assertThat(Totp.code(RFC_SECRET, Totp.stepAt(1_234_567_890_000L))).isEqualTo("005924");
        assertThat(Totp.code(RFC_SECRET, Totp.stepAt(2_000_000_000_000L))).isEqualTo("279037");
    }

    @Test
    void oneStepOfDriftIsAcceptedAndUsedStepsNeverAgain() {
        long now = 1_234_567_890_000L;
        long step = Totp.stepAt(now);
        assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 1), now, 0)).isEqualTo(step - 1);
        assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step + 1), now, 0)).isEqualTo(step + 1);
        assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step + 2), now, 0)).isEqualTo(-1);
        assertThat(Totp.matchingStep(RFC_SECRET, Totp.code(RFC_SECRET, step), now, step)).isEqualTo(-1);
        assertThat(Totp.matchingStep(RFC_SECRET, "12345", now, 0)).isEqualTo(-1);
        assertThat(Totp.matchingStep(RFC_SECRET, "abcdef", now, 0)).isEqualTo(-1);
    }

    @Test
    void base32RoundTrip() {
        byte[] bytes = {0, 1, 2, (byte) 0xff, 0x7f, 42, 9};
        assertThat(Totp.unbase32(Totp.base32(bytes))).isEqualTo(bytes);
        assertThat(Totp.unbase32(Totp.newSecret())).hasSize(20);
    }
}
