-- Roles and instance profiles.
CREATE TABLE roles (
    account_id            TEXT NOT NULL REFERENCES accounts(id),
    role_id               TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    name_key              TEXT NOT NULL,
    path                  TEXT NOT NULL,
    created               INTEGER NOT NULL,
    assume_role_policy    TEXT NOT NULL,
    description           TEXT,
    max_session_duration  INTEGER NOT NULL,
    last_used             INTEGER,
    last_used_region      TEXT,
    UNIQUE (account_id, name_key)
);

CREATE TABLE instance_profiles (
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    profile_id  TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    path        TEXT NOT NULL,
    created     INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE instance_profile_roles (
    account_id  TEXT NOT NULL,
    profile_id  TEXT NOT NULL,
    role_id     TEXT NOT NULL,
    PRIMARY KEY (account_id, profile_id, role_id)
) WITHOUT ROWID;
CREATE INDEX instance_profile_roles_role ON instance_profile_roles (account_id, role_id);
