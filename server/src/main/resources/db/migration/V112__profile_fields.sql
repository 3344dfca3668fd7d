-- Extended profile fields (spec v1.16, MSC4133): one row per custom key of a user's profile (m.tz and
-- namespaced keys; displayname and avatar_url stay in profiles). value is the field's JSON, encrypted at rest
-- under the user's tenant key and bound to user and key; value_bytes is the size of the plain JSON, so the
-- 64 KiB limit of a whole profile is checked without decrypting.
CREATE TABLE profile_fields (
    user_id     TEXT NOT NULL,
    key_name    TEXT NOT NULL,
    value       TEXT NOT NULL,
    value_bytes INTEGER NOT NULL,
    PRIMARY KEY (user_id, key_name)
);
