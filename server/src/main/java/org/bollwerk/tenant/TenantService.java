package org.bollwerk.tenant;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.matrix.ErrCode;
import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.id.ServerName;
import org.bollwerk.storage.Db;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/**
 * Tenants, their domains and partnerships: which tenant a domain belongs to, whether a tenant is active,
 * whether users of two tenants may interact. Creates the default tenant on first start.
 */
@Service
public class TenantService {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final int MAX_NAME_LENGTH = 256;
    /** How long another node's change to status or partners may take to be seen here. */
    private static final long RULES_TTL_MS = 5_000;

    private final Db db;
    private final TenantStore store;
    private final String defaultDomain;
    // Only hits are cached: misses come from arbitrary user input and must not grow memory.
    private final ConcurrentHashMap<String, String> tenantByDomain = new ConcurrentHashMap<>();
    private volatile Rules rules;

    /** Statuses and partner pairs, read together: small (one row per tenant and per pair). */
    private record Rules(Map<String, TenantStatus> statusById, Set<String> partnerPairs, long loadedAt) {
    }

    TenantService(Db db, TenantStore store, BollwerkProperties props) {
        this.db = db;
        this.store = store;
        this.defaultDomain = props.serverName();
        ensureDefaultTenant();
    }

    private void ensureDefaultTenant() {
        db.write(() -> {
            db.sql().sql("INSERT INTO tenants (tenant_id, name, status, created_ts) VALUES (?, ?, 'active', ?) "
                            + "ON CONFLICT (tenant_id) DO NOTHING")
                    .params(Tenant.DEFAULT_ID, defaultDomain, System.currentTimeMillis()).update();
            db.sql().sql("INSERT INTO tenant_domains (domain, tenant_id) VALUES (?, ?) ON CONFLICT (domain) DO NOTHING")
                    .params(defaultDomain, Tenant.DEFAULT_ID).update();
        });
    }

    /** The server name of the default tenant ({@code bollwerk.server-name}). */
    public String defaultDomain() {
        return defaultDomain;
    }

    /** The tenant serving {@code domain}, if this deployment hosts it. */
    public Optional<String> tenantOfDomain(String domain) {
        String cached = tenantByDomain.get(domain);
        if (cached != null) return Optional.of(cached);
        Optional<String> found = store.tenantOfDomain(domain);
        found.ifPresent(tenant -> tenantByDomain.put(domain, tenant));
        return found;
    }

    /** Like {@link #tenantOfDomain} but read from the database, for checks inside a write transaction. */
    public Optional<String> tenantOfDomainNow(String domain) {
        return store.tenantOfDomain(domain);
    }

    public boolean isLocalDomain(String domain) {
        return tenantOfDomain(domain).isPresent();
    }

    public List<String> domains(String tenantId) {
        return store.domains(tenantId);
    }

    public List<Tenant> tenants() {
        return store.all().stream().map(this::tenant).toList();
    }

    public Optional<Tenant> tenant(String tenantId) {
        return store.row(tenantId).map(this::tenant);
    }

    private Tenant tenant(TenantStore.Row row) {
        return new Tenant(row.id(), row.name(), row.status(), store.domains(row.id()), row.baseUrl());
    }

    public List<String> partners(String tenantId) {
        return store.partners(tenantId);
    }

    /** Whether users of this tenant may log in and use their tokens. Unknown tenants are not active. */
    public boolean isActive(String tenantId) {
        TenantStatus status = rules().statusById().get(tenantId);
        // A tenant created on another node since the last load: look again rather than refuse its users.
        if (status == null && tenantId != null) {
            forgetRules();
            status = rules().statusById().get(tenantId);
        }
        return status == TenantStatus.ACTIVE;
    }

    /**
     * Whether users of {@code tenantA} may see and talk to users of {@code tenantB}: the same tenant, or
     * tenants the operator declared partners. Tenants are isolated otherwise.
     */
    public boolean mayInteract(String tenantA, String tenantB) {
        if (tenantA == null || tenantB == null) return false;
        if (tenantA.equals(tenantB)) return true;
        return rules().partnerPairs().contains(pairKey(tenantA, tenantB));
    }

    private Rules rules() {
        Rules current = rules;
        if (current != null && System.currentTimeMillis() - current.loadedAt() < RULES_TTL_MS) return current;
        Map<String, TenantStatus> statuses = new ConcurrentHashMap<>();
        for (TenantStore.Row row : store.all()) statuses.put(row.id(), row.status());
        Set<String> pairs = new java.util.HashSet<>();
        for (String[] pair : store.allPartners()) pairs.add(pairKey(pair[0], pair[1]));
        Rules loaded = new Rules(Map.copyOf(statuses), Set.copyOf(pairs), System.currentTimeMillis());
        rules = loaded;
        return loaded;
    }

    private void forgetRules() {
        rules = null;
    }

    private static String pairKey(String a, String b) {
        return a.compareTo(b) < 0 ? a + "\0" + b : b + "\0" + a;
    }

    // ---- operator changes

    /** Creates an active tenant with its domains; 409 when the ID or a domain is taken. */
    public Tenant create(String tenantId, String name, List<String> domains) {
        validateId(tenantId);
        validateName(name);
        if (domains == null || domains.isEmpty()) throw MatrixException.invalidParam("A tenant needs at least one domain");
        Set<String> normalized = new LinkedHashSet<>();
        for (String domain : domains) normalized.add(normalizeDomain(domain));
        try {
            db.write(() -> {
                if (store.row(tenantId).isPresent()) throw conflict("Tenant " + tenantId + " already exists");
                for (String domain : normalized) {
                    if (store.tenantOfDomain(domain).isPresent()) throw conflict("Domain " + domain + " is already in use");
                }
                store.insert(tenantId, name, System.currentTimeMillis());
                for (String domain : normalized) store.insertDomain(domain, tenantId);
            });
        } catch (DuplicateKeyException race) {
            throw conflict("Tenant or domain already exists");
        } finally {
            forgetRules();
        }
        return tenant(tenantId).orElseThrow();
    }

    /**
     * Changes the name, status ({@code active} or {@code disabled}) and/or base URL; null leaves a field
     * unchanged, an empty base URL removes it.
     */
    public Tenant update(String tenantId, String name, String statusWord, String baseUrl) {
        if (baseUrl != null && !baseUrl.isEmpty() && !baseUrl.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
            throw MatrixException.invalidParam("base_url must be an http(s) URL");
        }
        if (name != null) validateName(name);
        TenantStatus status = statusWord == null ? null : TenantStatus.fromWire(statusWord)
                .orElseThrow(() -> MatrixException.invalidParam("status must be 'active' or 'disabled'"));
        if (status == TenantStatus.DISABLED && Tenant.DEFAULT_ID.equals(tenantId)) {
            throw MatrixException.invalidParam("The default tenant cannot be disabled");
        }
        try {
            db.write(() -> {
                TenantStore.Row row = existing(tenantId);
                store.update(tenantId, name == null ? row.name() : name, status == null ? row.status() : status,
                        baseUrl == null ? row.baseUrl() : baseUrl.isEmpty() ? null : baseUrl);
            });
        } finally {
            forgetRules();
        }
        return tenant(tenantId).orElseThrow();
    }

    public void addDomain(String tenantId, String domain) {
        String normalized = normalizeDomain(domain);
        try {
            db.write(() -> {
                existing(tenantId);
                Optional<String> owner = store.tenantOfDomain(normalized);
                if (owner.filter(tenantId::equals).isPresent()) return;  // already there: idempotent
                if (owner.isPresent()) throw conflict("Domain " + normalized + " is already in use");
                store.insertDomain(normalized, tenantId);
            });
        } catch (DuplicateKeyException race) {
            throw conflict("Domain " + normalized + " is already in use");
        }
    }

    /**
     * Removes a domain from a tenant. {@code inUse} is asked inside the same write transaction (the
     * account feature knows whether users carry the domain), so no user can appear in between.
     */
    public void removeDomain(String tenantId, String domain, BooleanSupplier inUse) {
        String normalized = domain.toLowerCase(Locale.ROOT);
        if (normalized.equals(defaultDomain)) {
            throw MatrixException.invalidParam("The server name " + defaultDomain + " cannot be removed");
        }
        db.write(() -> {
            existing(tenantId);
            if (!store.tenantOfDomain(normalized).filter(tenantId::equals).isPresent()) {
                throw MatrixException.notFound("Tenant " + tenantId + " has no domain " + normalized);
            }
            if (store.domains(tenantId).size() == 1) {
                throw MatrixException.invalidParam("A tenant keeps at least one domain");
            }
            if (inUse.getAsBoolean()) throw conflict("Users of domain " + normalized + " exist; it cannot be removed");
            store.deleteDomain(normalized, tenantId);
        });
        tenantByDomain.remove(normalized);
    }

    /** Makes two tenants partners (idempotent). */
    public void addPartner(String tenantId, String otherId) {
        if (tenantId.equals(otherId)) throw MatrixException.invalidParam("A tenant cannot partner with itself");
        try {
            db.write(() -> {
                existing(tenantId);
                existing(otherId);
                String[] pair = ordered(tenantId, otherId);
                store.insertPartners(pair[0], pair[1], System.currentTimeMillis());
            });
        } finally {
            forgetRules();
        }
    }

    /** Ends a partnership; 404 when there was none. */
    public void removePartner(String tenantId, String otherId) {
        try {
            db.write(() -> {
                existing(tenantId);
                existing(otherId);
                String[] pair = ordered(tenantId, otherId);
                if (store.deletePartners(pair[0], pair[1]) == 0) {
                    throw MatrixException.notFound("Tenants " + tenantId + " and " + otherId + " are not partners");
                }
            });
        } finally {
            forgetRules();
        }
    }

    private TenantStore.Row existing(String tenantId) {
        return store.row(tenantId).orElseThrow(() -> MatrixException.notFound("Unknown tenant " + tenantId));
    }

    private static String[] ordered(String a, String b) {
        return a.compareTo(b) < 0 ? new String[]{a, b} : new String[]{b, a};
    }

    private static void validateId(String tenantId) {
        if (tenantId == null || !ID.matcher(tenantId).matches()) {
            throw MatrixException.invalidParam("Tenant ID must be 1-64 characters of a-z, 0-9, '.', '_', '-'");
        }
    }

    private static void validateName(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw MatrixException.invalidParam("Tenant name must be 1-" + MAX_NAME_LENGTH + " characters");
        }
    }

    private static String normalizeDomain(String domain) {
        return ServerName.validate(domain == null ? null : domain.trim().toLowerCase(Locale.ROOT));
    }

    private static MatrixException conflict(String message) {
        return new MatrixException(ErrCode.M_INVALID_PARAM, 409, message, Map.of());
    }

}
