package org.bollwerk.portal;

import org.bollwerk.account.AccountService;
import org.bollwerk.keys.AtRestCipher;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The portal's second factor: TOTP enrolment and checks with replay protection and a lock-out after
 * repeated wrong codes, one-time recovery codes (only their hashes are stored), and the short-lived admin
 * API tokens issued after a two-factor sign-in. TOTP secrets are encrypted at rest under the tenant's key.
 */
@Service
public class SecondFactor {
    /** Wrong second-factor codes (TOTP or recovery) at the portal's sign-in; no user label. */
    private static final io.micrometer.core.instrument.Counter FAILURES = io.micrometer.core.instrument.Counter
            .builder("bollwerk.portal.second_factor.failures").description("Wrong second-factor codes at the portal sign-in")
            .register(io.micrometer.core.instrument.Metrics.globalRegistry);
    static final int RECOVERY_CODES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecondFactorStore store;
    private final AtRestCipher cipher;
    private final AccountService accounts;
    private final PortalProperties settings;

    SecondFactor(SecondFactorStore store, AtRestCipher cipher, AccountService accounts, PortalProperties settings) {
        this.store = store;
        this.cipher = cipher;
        this.accounts = accounts;
        this.settings = settings;
    }

    enum Outcome { OK, WRONG, LOCKED }

    /** Whether the user has a confirmed second factor. */
    boolean enrolled(String userId) {
        return store.find(userId).map(SecondFactorStore.Row::confirmed).orElse(false);
    }

    /** The secret being enrolled: the pending one, or a new one. Never returns a confirmed secret. */
    String pendingSecret(String userId, String tenantId) {
        Optional<SecondFactorStore.Row> row = store.find(userId);
        if (row.isPresent() && row.get().confirmed()) throw new IllegalStateException("already enrolled");
        if (row.isPresent()) return decrypt(row.get());
        String secret = Totp.newSecret();
        store.putPending(userId, tenantId, cipher.encryptText(tenantId, secret, associatedData(userId)), System.currentTimeMillis());
        return decrypt(store.find(userId).orElseThrow());
    }

    /** Confirms the pending secret with a first code; returns the recovery codes (shown once) or empty. */
    Optional<List<String>> confirm(String userId, String code) {
        SecondFactorStore.Row row = store.find(userId).filter(r -> !r.confirmed()).orElse(null);
        if (row == null) return Optional.empty();
        long step = Totp.matchingStep(decrypt(row), code, System.currentTimeMillis(), row.lastStep());
        if (step < 0) return Optional.empty();
        List<String> codes = newCodes();
        store.confirm(userId, step, codes.stream().map(SecondFactor::hash).toList());
        return Optional.of(codes);
    }

    /** Checks a TOTP code or a recovery code of an enrolled user. */
    Outcome verify(String userId, String code) {
        SecondFactorStore.Row row = store.find(userId).filter(SecondFactorStore.Row::confirmed).orElse(null);
        if (row == null) return Outcome.WRONG;
        long now = System.currentTimeMillis();
        if (row.lockedUntil() > now) return Outcome.LOCKED;
        String text = code == null ? "" : code.strip();
        boolean ok;
        if (text.replace(" ", "").matches("[0-9]{" + Totp.DIGITS + "}")) {
            long step = Totp.matchingStep(decrypt(row), text, now, row.lastStep());
            ok = step >= 0 && store.accept(userId, step);
        } else {
            ok = !text.isEmpty() && text.length() <= 64 && store.spendRecoveryCode(userId, hash(text), now);
        }
        if (ok) return Outcome.OK;
        FAILURES.increment();
        store.fail(userId, settings.maxCodeFailures(), now + settings.codeLockout().toMillis());
        return store.find(userId).map(r -> r.lockedUntil() > now).orElse(false) ? Outcome.LOCKED : Outcome.WRONG;
    }

    int unusedRecoveryCodes(String userId) {
        return store.unusedRecoveryCodes(userId);
    }

    /** New recovery codes replace all earlier ones. */
    List<String> renewRecoveryCodes(String userId) {
        List<String> codes = newCodes();
        store.replaceRecoveryCodes(userId, codes.stream().map(SecondFactor::hash).toList());
        return codes;
    }

    /** Removes a user's second factor (an operator's reset for someone who lost device and codes). */
    void reset(String userId) {
        store.remove(userId);
    }

    /** An admin API access token of its own device, valid for {@code bollwerk.portal.api-token-lifetime}. */
    IssuedToken issueApiToken(String userId, String clientIp) {
        expireApiTokens();
        String deviceId = "PORTAL_API_" + HexFormat.of().formatHex(randomBytes(6)).toUpperCase(Locale.ROOT);
        AccountService.Session session = accounts.openSession(userId, deviceId, "Admin API token (portal)", clientIp);
        long now = System.currentTimeMillis();
        long expires = now + settings.apiTokenLifetime().toMillis();
        store.insertApiToken(accounts.authenticate(session.accessToken()).tokenHash(), userId, deviceId, now, expires);
        return new IssuedToken(session.accessToken(), deviceId, expires);
    }

    record IssuedToken(String accessToken, String deviceId, long expiresTs) {
    }

    /**
     * Whether the access token (by its hash, {@code Requester.tokenHash()}) was issued by the portal after a
     * two-factor sign-in and has not expired.
     */
    public boolean isSecondFactorToken(String tokenHash) {
        return tokenHash != null && store.apiTokenExpiry(tokenHash).map(e -> e > System.currentTimeMillis()).orElse(false);
    }

    /** Logs out the devices of expired portal tokens (their token rows go with the device). */
    void expireApiTokens() {
        for (SecondFactorStore.IssuedToken expired : store.takeExpired(System.currentTimeMillis())) {
            accounts.deleteDevice(expired.userId(), expired.deviceId());
        }
    }

    private String decrypt(SecondFactorStore.Row row) {
        return cipher.decryptText(row.secret(), associatedData(row.userId()));
    }

    private static String associatedData(String userId) {
        return "portal_second_factor:" + userId;
    }

    private static List<String> newCodes() {
        List<String> codes = new ArrayList<>();
        for (int i = 0; i < RECOVERY_CODES; i++) {
            String text = Totp.base32(randomBytes(10)).toLowerCase(Locale.ROOT);   // 80 bits, 16 characters
            codes.add(text.substring(0, 4) + "-" + text.substring(4, 8) + "-" + text.substring(8, 12) + "-" + text.substring(12));
        }
        return codes;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** Recovery codes are random 80-bit values: a plain SHA-256 is enough (no password to stretch). */
    static String hash(String code) {
        String normal = code.strip().replace("-", "").replace(" ", "").toLowerCase(Locale.ROOT);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(normal.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
