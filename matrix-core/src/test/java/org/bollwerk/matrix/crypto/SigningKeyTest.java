package org.bollwerk.matrix.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bollwerk.matrix.MatrixAssertions.assertMatrixError;

import org.bollwerk.matrix.ErrCode;
import org.junit.jupiter.api.Test;

class SigningKeyTest {

    private static final String SEED = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";

    @Test
    void derivesTheSpecPublicKeyFromTheSpecSeed() {
        // Expected value computed independently with Python's "cryptography" package from the same seed.
        SigningKey key = SigningKey.fromSeed("ed25519:1", SEED);
        assertThat(key.publicKeyBase64()).isEqualTo("XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI");
        assertThat(SigningKey.encodePublicKey(SigningKey.decodePublicKey(key.publicKeyBase64())))
                .isEqualTo(key.publicKeyBase64());
    }

    @Test
    void roundTripsTheSeed() {
        SigningKey key = SigningKey.fromSeed("ed25519:1", SEED);
        SigningKey again = SigningKey.fromSeed(key.keyId(), key.seedBase64());
        assertThat(again.publicKeyBase64()).isEqualTo(key.publicKeyBase64());
        assertThat(again.privateKey().getEncoded()).isEqualTo(key.privateKey().getEncoded());
    }

    @Test
    void generatesFreshKeysWithSynapseStyleIds() {
        SigningKey a = SigningKey.generate();
        SigningKey b = SigningKey.generate();
        assertThat(a.keyId()).matches("ed25519:a_[A-Za-z0-9]{4}");
        assertThat(a.version()).startsWith("a_");
        assertThat(a.seedBase64()).isNotEqualTo(b.seedBase64());
        assertThat(SigningKey.fromSeed(a.keyId(), a.seedBase64()).publicKeyBase64()).isEqualTo(a.publicKeyBase64());
    }

    @Test
    void neverPrintsThePrivateKey() {
        SigningKey key = SigningKey.fromSeed("ed25519:1", SEED);
        assertThat(key.toString()).doesNotContain(key.seedBase64()).contains("ed25519:1").contains(key.publicKeyBase64());
    }

    @Test
    void rejectsBadSeedsAndKeyIds() {
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> SigningKey.fromSeed("ed25519:1", "AAAA"));
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> SigningKey.fromSeed("ed25519:1", "not base64!"));
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> SigningKey.fromSeed("rsa:1", SEED));
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> SigningKey.fromSeed("ed25519:a b", SEED));
        assertMatrixError(ErrCode.M_INVALID_PARAM, () -> SigningKey.decodePublicKey("AAAA"));
    }
}
