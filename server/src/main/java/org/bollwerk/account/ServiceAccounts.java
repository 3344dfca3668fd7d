package org.bollwerk.account;

import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.storage.Db;
import org.bollwerk.tenant.TenantRoles;
import org.bollwerk.tenant.TenantService;
import org.springframework.stereotype.Service;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Admin service accounts: scoped, expiring, revocable credentials for admin automation, created by a person
 * who signed in with the second factor (the portal, or the admin API with a portal-issued token). A service
 * account acts for its creator and can never do more than the creator may do now, nor more than its scope;
 * it reaches the admin API only. Decisions: docs/adr/0013-service-accounts.md.
 */
@Service
public class ServiceAccounts {
    /** Tokens start with this, so that secret scanners can recognise a leaked one. */
    public static final String TOKEN_PREFIX = "bw_sa_";
    public static final String ACTOR_PREFIX = "service-account:";
    /** Scope word for every operator-only admin endpoint. */
    public static final String OPERATOR = "operator";
    /** Scope word for the operator-only audit endpoints (export, checkpoints, verification): the daily export job. */
    public static final String AUDIT_EXPORT = "audit.export";
    public static final List<String> OPERATOR_WORDS = List.of(AUDIT_EXPORT, OPERATOR);
    private static final int MAX_NAME = 100;
    private static final int MAX_ENTRIES = 64;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Db db;
    private final ServiceAccountStore store;
    private final AccountService accounts;
    private final TenantService tenants;
    private final TenantRoles roles;
    private final ServiceAccountProperties properties;

    ServiceAccounts(Db db, ServiceAccountStore store, AccountService accounts, TenantService tenants, TenantRoles roles,
                    ServiceAccountProperties properties) {
        this.db = db;
        this.store = store;
        this.accounts = accounts;
        this.tenants = tenants;
        this.roles = roles;
        this.properties = properties;
    }

    /** A new service account and its token, which is shown this once and never again. */
    public record Created(ServiceAccount account, String token) {
        @Override
        public String toString() {
            return "Created[" + account + "]";   // never the token
        }
    }

    /** What the creator asked for; the lists as given (validated by {@link #create}). */
    public record Request(String name, List<String> permissions, List<String> tenants, List<String> sources, long expiresTs) {
    }

    /** Every permission word a scope may hold: the tenant-role permissions and the operator words. */
    public static List<String> scopeWords() {
        List<String> words = new ArrayList<>(TenantRoles.PERMISSIONS);
        words.addAll(OPERATOR_WORDS);
        return words;
    }

    public Duration maxLifetime() {
        return properties.maxLifetime();
    }

    /**
     * Creates a service account for {@code creator}: its scope may hold only what the creator holds now (tenant
     * permissions in those tenants; the operator words and all tenants only for operators), its expiry must lie
     * within {@code bollwerk.service-accounts.max-lifetime}. 400 for bad input, 403 beyond the creator's rights.
     */
    public Created create(String creator, Request request) {
        UserAccount owner = accounts.user(creator).filter(u -> accounts.maySignIn(creator))
                .orElseThrow(() -> MatrixException.forbidden("Your account may not sign in"));
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME || name.chars().anyMatch(Character::isISOControl)) {
            throw MatrixException.invalidParam("Give a name of 1 to " + MAX_NAME + " characters");
        }
        List<String> permissions = distinct(request.permissions(), "permissions");
        List<String> tenantIds = distinct(request.tenants(), "tenants");
        if (permissions.isEmpty()) throw MatrixException.invalidParam("Give at least one permission");
        if (tenantIds.isEmpty()) throw MatrixException.invalidParam("Give at least one tenant (or \"*\" for all)");
        for (String word : permissions) {
            if (!scopeWords().contains(word)) throw MatrixException.invalidParam("Unknown permission " + abbreviate(word));
            if (OPERATOR_WORDS.contains(word) && !owner.admin()) {
                throw MatrixException.forbidden("Only operators may give the permission " + word);
            }
        }
        for (String tenantId : tenantIds) {
            if (TokenScope.ALL_TENANTS.equals(tenantId)) {
                if (!owner.admin()) throw MatrixException.forbidden("Only operators may give all tenants");
                continue;
            }
            if (tenants.tenant(tenantId).isEmpty()) throw MatrixException.invalidParam("Unknown tenant " + abbreviate(tenantId));
            if (owner.admin()) continue;
            for (String permission : permissions) {
                if (roles.roleGranting(creator, tenantId, permission).isEmpty()) {
                    throw MatrixException.forbidden("You cannot hand out " + permission + " in tenant " + tenantId
                            + ": you do not hold it there");
                }
            }
        }
        List<String> sources = distinct(request.sources(), "sources").stream()
                .map(text -> AddressRange.parse(text).text()).toList();
        long now = System.currentTimeMillis();
        if (request.expiresTs() <= now) throw MatrixException.invalidParam("The expiry must lie in the future");
        if (request.expiresTs() > now + properties.maxLifetime().toMillis()) {
            throw MatrixException.invalidParam("The expiry may lie at most " + properties.maxLifetime().toDays()
                    + " days ahead (bollwerk.service-accounts.max-lifetime)");
        }
        String token = AccessTokens.newToken(TOKEN_PREFIX);
        ServiceAccount account = new ServiceAccount(newId(), name, creator, permissions, tenantIds, sources, now,
                request.expiresTs(), null, null, null);
        db.write(() -> store.insert(account, AccessTokens.hash(token)));
        return new Created(account, token);
    }

    /** All service accounts ({@code createdBy} null) or those one account created, newest first. */
    public List<ServiceAccount> list(String createdBy) {
        return store.list(createdBy);
    }

    public Optional<ServiceAccount> get(String id) {
        return store.byId(id);
    }

    /** Revokes it; effective at once on every node, because every use reads the row. Returns whether it was active. */
    public boolean revoke(String id) {
        long now = System.currentTimeMillis();
        return db.write(() -> store.revoke(id, now));
    }

    /** Whether {@code token} looks like a service-account token (not whether it is valid). */
    public static boolean isServiceAccountToken(String token) {
        return token != null && token.startsWith(TOKEN_PREFIX);
    }

    /**
     * The requester a service-account token stands for: its creator's account, restricted to its scope, with
     * admin rights only through the scope (admin = false, so code that skips the scope check refuses). 401
     * {@code M_UNKNOWN_TOKEN} when unknown, revoked or expired, or when the creator may no longer sign in.
     * The source address is checked apart ({@link #requireAllowedSource}), so that a refusal names the account.
     */
    Requester authenticate(String token) {
        String hash = AccessTokens.hash(token);
        ServiceAccount account = store.byTokenHash(hash).orElseThrow(AccountService::unknownToken);
        long now = System.currentTimeMillis();
        if (!account.activeAt(now)) throw AccountService.unknownToken();
        UserAccount creator = accounts.user(account.createdBy()).filter(u -> accounts.maySignIn(u.userId()))
                .orElseThrow(AccountService::unknownToken);
        TokenScope scope = new TokenScope(account.actor(), Set.copyOf(account.permissions()), Set.copyOf(account.tenants()),
                creator.admin());
        return new Requester(creator.userId(), null, creator.tenantId(), false, hash, scope);
    }

    /** 403 unless {@code remoteAddress} lies in one of the account's sources (or it has none); notes the use. */
    void requireAllowedSource(Requester requester, String remoteAddress) {
        ServiceAccount account = store.byTokenHash(requester.tokenHash()).orElseThrow(AccountService::unknownToken);
        boolean allowed = account.sources().isEmpty()
                || account.sources().stream().anyMatch(source -> AddressRange.parse(source).contains(remoteAddress));
        if (!allowed) {
            throw new MatrixException(ErrCode.M_FORBIDDEN, 403, "This service account may not be used from this address",
                    Map.of());
        }
        long now = System.currentTimeMillis();
        if (account.lastUsedTs() == null || now - account.lastUsedTs() > 60_000 || !remoteAddress.equals(account.lastUsedIp())) {
            db.write(() -> store.noteUse(account.id(), now, remoteAddress));   // at most once a minute per address
        }
    }

    private static List<String> distinct(List<String> values, String field) {
        if (values == null) return List.of();
        if (values.size() > MAX_ENTRIES) throw MatrixException.invalidParam("Too many " + field);
        Set<String> out = new LinkedHashSet<>();
        for (String value : values) {
            if (value == null || value.isBlank()) continue;
            String trimmed = value.strip();
            if (trimmed.contains(" ") || trimmed.length() > 255) throw MatrixException.invalidParam("Bad entry in " + field);
            out.add(trimmed);
        }
        return List.copyOf(out);
    }

    private static String newId() {
        String alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        StringBuilder id = new StringBuilder("sa_");
        for (int i = 0; i < 12; i++) id.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        return id.toString();
    }

    private static String abbreviate(String text) {
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }
}
