package org.bollwerk.tenant;

import org.bollwerk.storage.Db;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;

/** SQL for the tenants, tenant_domains and tenant_partners tables, which this feature owns. */
@Repository
class TenantStore {
    private final Db db;

    TenantStore(Db db) {
        this.db = db;
    }

    record Row(String id, String name, TenantStatus status, String baseUrl) {
    }

    List<Row> all() {
        return db.sql().sql("SELECT tenant_id, name, status, base_url FROM tenants ORDER BY tenant_id")
                .query(TenantStore::row).list();
    }

    Optional<Row> row(String tenantId) {
        return db.sql().sql("SELECT tenant_id, name, status, base_url FROM tenants WHERE tenant_id = ?").param(tenantId)
                .query(TenantStore::row).optional();
    }

    private static Row row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Row(rs.getString(1), rs.getString(2), TenantStatus.stored(rs.getString(3)), rs.getString(4));
    }

    void insert(String tenantId, String name, long now) {
        db.sql().sql("INSERT INTO tenants (tenant_id, name, status, created_ts) VALUES (?, ?, 'active', ?)")
                .params(tenantId, name, now).update();
    }

    void update(String tenantId, String name, TenantStatus status, String baseUrl) {
        db.sql().sql("UPDATE tenants SET name = ?, status = ?, base_url = ? WHERE tenant_id = ?")
                .params(name, status.wire(), baseUrl, tenantId).update();
    }

    Optional<String> tenantOfDomain(String domain) {
        return db.sql().sql("SELECT tenant_id FROM tenant_domains WHERE domain = ?").param(domain)
                .query(String.class).optional();
    }

    List<String> domains(String tenantId) {
        return db.sql().sql("SELECT domain FROM tenant_domains WHERE tenant_id = ? ORDER BY domain")
                .param(tenantId).query(String.class).list();
    }

    void insertDomain(String domain, String tenantId) {
        db.sql().sql("INSERT INTO tenant_domains (domain, tenant_id) VALUES (?, ?)").params(domain, tenantId).update();
    }

    int deleteDomain(String domain, String tenantId) {
        return db.sql().sql("DELETE FROM tenant_domains WHERE domain = ? AND tenant_id = ?").params(domain, tenantId)
                .update();
    }

    List<String> partners(String tenantId) {
        return db.sql().sql("SELECT tenant_b FROM tenant_partners WHERE tenant_a = ? UNION "
                        + "SELECT tenant_a FROM tenant_partners WHERE tenant_b = ? ORDER BY 1")
                .params(tenantId, tenantId).query(String.class).list();
    }

    /** Every partnership as {@code [tenant_a, tenant_b]}. */
    List<String[]> allPartners() {
        return db.sql().sql("SELECT tenant_a, tenant_b FROM tenant_partners")
                .query((rs, n) -> new String[]{rs.getString(1), rs.getString(2)}).list();
    }

    void insertPartners(String low, String high, long now) {
        db.sql().sql("INSERT INTO tenant_partners (tenant_a, tenant_b, created_ts) VALUES (?, ?, ?) "
                + "ON CONFLICT (tenant_a, tenant_b) DO NOTHING").params(low, high, now).update();
    }

    int deletePartners(String low, String high) {
        return db.sql().sql("DELETE FROM tenant_partners WHERE tenant_a = ? AND tenant_b = ?").params(low, high).update();
    }
}
