package org.bollwerk.tenant;

import org.bollwerk.config.BollwerkProperties;
import org.bollwerk.storage.Db;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Looks up which tenant a domain belongs to; creates the default tenant on first start. */
@Service
public class TenantService {
    private final Db db;
    private final String defaultDomain;
    // Only hits are cached: misses come from arbitrary user input and must not grow memory.
    private final ConcurrentHashMap<String, String> tenantByDomain = new ConcurrentHashMap<>();

    TenantService(Db db, BollwerkProperties props) {
        this.db = db;
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
        Optional<String> found = db.sql().sql("SELECT tenant_id FROM tenant_domains WHERE domain = ?")
                .param(domain).query(String.class).optional();
        found.ifPresent(tenant -> tenantByDomain.put(domain, tenant));
        return found;
    }

    public boolean isLocalDomain(String domain) {
        return tenantOfDomain(domain).isPresent();
    }

    public List<String> domains(String tenantId) {
        return db.sql().sql("SELECT domain FROM tenant_domains WHERE tenant_id = ? ORDER BY domain")
                .param(tenantId).query(String.class).list();
    }
}
