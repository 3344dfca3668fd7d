-- Groups of users inside a tenant, and the tenant's sign-in policy (tenant feature): when
-- sign_in_groups is not empty, only members of one of those groups may sign in (white-listing).
CREATE TABLE tenant_groups (
    tenant_id  TEXT NOT NULL,
    group_id   TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_ts BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, group_id)
);
CREATE TABLE tenant_group_members (
    tenant_id TEXT NOT NULL,
    group_id  TEXT NOT NULL,
    user_id   TEXT NOT NULL,
    PRIMARY KEY (tenant_id, group_id, user_id)
);
CREATE INDEX tenant_group_members_user ON tenant_group_members (tenant_id, user_id);
CREATE TABLE tenant_sign_in_policy (
    tenant_id      TEXT PRIMARY KEY,
    sign_in_groups TEXT NOT NULL,
    updated_ts     BIGINT NOT NULL
);
