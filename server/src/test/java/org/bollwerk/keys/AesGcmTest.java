package org.bollwerk.keys;

import org.junit.jupiter.api.Test;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one AES-GCM construction: its layout is the one keys and values were stored in before it existed. */
class AesGcmTest {
    private static final byte[] SECRET = "thirty-two bytes of a data key!!".getBytes();
    private final SecretKey key = new SecretKeySpec(new SecureRandom().generateSeed(32), "AES");

    @Test
    void aKeyWrappedAsBeforeTheHelperExistedStillUnwraps() throws Exception {
        byte[] nonce = new SecureRandom().generateSeed(12);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.updateAAD("bollwerk data key|acme|3".getBytes());
        byte[] sealed = cipher.doFinal(SECRET);
        byte[] stored = new byte[12 + sealed.length];
        System.arraycopy(nonce, 0, stored, 0, 12);
        System.arraycopy(sealed, 0, stored, 12, sealed.length);

        assertThat(AesGcm.open(key, null, stored, "bollwerk data key|acme|3".getBytes())).isEqualTo(SECRET);
    }

    @Test
    void aSealedValueIsPrefixThenNonceThenCiphertextAndTag() throws Exception {
        byte[] prefix = {1, 2, 3};
        byte[] sealed = AesGcm.seal(key, null, prefix, SECRET, null);

        assertThat(sealed).hasSize(3 + 12 + SECRET.length + 16);
        assertThat(Arrays.copyOf(sealed, 3)).isEqualTo(prefix);
        assertThat(AesGcm.open(key, null, sealed, 3, null)).isEqualTo(SECRET);
    }

    @Test
    void aChangedPrefixOrOtherAssociatedDataDoesNotOpen() throws Exception {
        byte[] sealed = AesGcm.seal(key, null, new byte[]{1, 2, 3}, SECRET, "row-1".getBytes());
        byte[] otherPrefix = sealed.clone();
        otherPrefix[0] = 9;

        assertThatThrownBy(() -> AesGcm.open(key, null, otherPrefix, 3, "row-1".getBytes()))
                .isInstanceOf(AEADBadTagException.class);
        assertThatThrownBy(() -> AesGcm.open(key, null, sealed, 3, "row-2".getBytes()))
                .isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void aTruncatedValueIsRefusedAsNotAuthentic() {
        assertThatThrownBy(() -> AesGcm.open(key, null, new byte[20], null)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void everySealUsesAFreshNonce() throws Exception {
        assertThat(AesGcm.seal(key, null, SECRET, null)).isNotEqualTo(AesGcm.seal(key, null, SECRET, null));
    }
}
