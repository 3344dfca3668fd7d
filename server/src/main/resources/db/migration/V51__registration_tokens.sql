-- Enrolment tokens (Synapse's registration tokens), each bound to the tenant its registrations join.
-- uses_allowed NULL: unlimited; expiry_time NULL: never expires (milliseconds since the epoch).
-- completed counts registrations made with the token; pending stays 0 (registration is one request here)
-- and exists for the Synapse admin API's shape.
CREATE TABLE registration_tokens (
    token        TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants (tenant_id),
    uses_allowed BIGINT,
    pending      BIGINT NOT NULL DEFAULT 0,
    completed    BIGINT NOT NULL DEFAULT 0,
    expiry_time  BIGINT,
    created_ts   BIGINT NOT NULL
);
CREATE INDEX registration_tokens_tenant ON registration_tokens (tenant_id, token);
