package org.bollwerk.account;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantService;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Enrolment tokens: a token lets a person or a device-management system register an account in the
 * token's tenant while open registration is off. Managed through the Synapse-compatible admin API.
 */
@Service
public class RegistrationTokens {
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Db db;
    private final RegistrationTokenStore store;
    private final TenantService tenants;

    RegistrationTokens(Db db, RegistrationTokenStore store, TenantService tenants) {
        this.db = db;
        this.store = store;
        this.tenants = tenants;
    }

    public Optional<RegistrationToken> token(String token) {
        return store.token(token);
    }

    /** Every token, or only those of {@code tenantId}; {@code valid} null: both valid and invalid ones. */
    public List<RegistrationToken> tokens(String tenantId, Boolean valid) {
        long now = System.currentTimeMillis();
        return store.tokens(tenantId).stream().filter(t -> valid == null || t.validAt(now) == valid).toList();
    }

    /** Whether any token could be used to register now (then {@code /register} offers the token stage). */
    public boolean anyValid() {
        return !tokens(null, true).isEmpty();
    }

    /**
     * Creates a token; {@code token} null means a random one of {@code length} characters (default 16).
     * 400 {@code M_INVALID_PARAM} when the token exists, a value is out of range or the tenant is unknown.
     */
    public RegistrationToken create(String token, Integer length, Long usesAllowed, Long expiryTime, String tenantId) {
        String tenant = tenantId == null ? org.bollwerk.tenant.Tenant.DEFAULT_ID : tenantId;
        if (tenants.tenant(tenant).isEmpty()) throw MatrixException.invalidParam("Unknown tenant " + tenant);
        validateLimits(usesAllowed, expiryTime);
        if (token != null && length != null) throw MatrixException.invalidParam("Give either token or length, not both");
        if (token != null && !TOKEN.matcher(token).matches()) {
            throw MatrixException.invalidParam("token must be 1-64 characters of A-Z, a-z, 0-9, '.', '_', '~', '-'");
        }
        if (length != null && (length < 1 || length > 64)) throw MatrixException.invalidParam("length must be 1-64");
        String value = token != null ? token : random(length == null ? 16 : length);
        RegistrationToken created = new RegistrationToken(value, tenant, usesAllowed, 0, 0, expiryTime);
        try {
            db.write(() -> {
                if (store.token(value).isPresent()) throw MatrixException.invalidParam("Token already in use");
                store.insert(created, System.currentTimeMillis());
            });
        } catch (DuplicateKeyException race) {
            throw MatrixException.invalidParam("Token already in use");
        }
        return created;
    }

    /** Sets uses_allowed and expiry_time (null: unlimited) of an existing token. */
    public RegistrationToken update(String token, Long usesAllowed, Long expiryTime) {
        validateLimits(usesAllowed, expiryTime);
        return db.write(() -> {
            existing(token);
            store.update(token, usesAllowed, expiryTime);
            return existing(token);
        });
    }

    public void delete(String token) {
        db.write(() -> {
            if (store.delete(token) == 0) throw MatrixException.notFound("No such registration token: " + token);
        });
    }

    /** Whether registration with the token would be accepted now: as registration, a disabled tenant's token is not. */
    public boolean isValid(String token) {
        return store.token(token).map(t -> t.validAt(System.currentTimeMillis()) && tenants.isActive(t.tenantId()))
                .orElse(false);
    }

    /**
     * Counts one use of the token; call inside the write transaction that creates the account, so a failed
     * registration does not use it up. 401-style refusal is the caller's business: returns false when
     * unknown, used up or expired.
     */
    boolean consume(String token) {
        return store.consume(token, System.currentTimeMillis());
    }

    private RegistrationToken existing(String token) {
        return store.token(token).orElseThrow(() -> MatrixException.notFound("No such registration token: " + token));
    }

    private static void validateLimits(Long usesAllowed, Long expiryTime) {
        if (usesAllowed != null && usesAllowed < 0) throw MatrixException.invalidParam("uses_allowed must be >= 0");
        if (expiryTime != null && expiryTime < System.currentTimeMillis()) {
            throw MatrixException.invalidParam("expiry_time must not be in the past");
        }
    }

    private static String random(int length) {
        StringBuilder token = new StringBuilder(length);
        for (int i = 0; i < length; i++) token.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        return token.toString();
    }
}
