-- Tenants the operator declared partners: their users may find, invite and talk to each other.
-- One row per pair, stored with tenant_a < tenant_b so a pair exists once.
CREATE TABLE tenant_partners (
    tenant_a   TEXT NOT NULL REFERENCES tenants (tenant_id),
    tenant_b   TEXT NOT NULL REFERENCES tenants (tenant_id),
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (tenant_a, tenant_b)
);

-- The client-server URL announced in /.well-known/matrix/client for this tenant's domains; NULL: the
-- deployment's public base URL (or the URL of the request).
ALTER TABLE tenants ADD COLUMN base_url TEXT;
