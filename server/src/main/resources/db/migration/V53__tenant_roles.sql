-- Roles a tenant defined itself from the permission list (built-in roles live in code), and who holds
-- which role in which tenant. Operators are the server admins (users.admin) and need no row here.
CREATE TABLE tenant_roles (
    tenant_id   TEXT NOT NULL REFERENCES tenants (tenant_id),
    role        TEXT NOT NULL,
    permissions TEXT NOT NULL,
    PRIMARY KEY (tenant_id, role)
);
CREATE TABLE role_assignments (
    user_id    TEXT NOT NULL,
    tenant_id  TEXT NOT NULL REFERENCES tenants (tenant_id),
    role       TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (user_id, tenant_id, role)
);
CREATE INDEX role_assignments_tenant ON role_assignments (tenant_id, role);
