-- The PostgreSQL store's schema, version 1: the SQLite store's tables as of its migration 8,
-- with PostgreSQL's types, and the report bytes in the database (every instance of a fleet
-- reads them). Every text column compares and sorts by bytes (COLLATE "C"), as SQLite's do:
-- paging by name key must not depend on the database's locale.

CREATE TABLE accounts (
    id                      TEXT COLLATE "C" PRIMARY KEY,
    created                 BIGINT NOT NULL,
    organization_member     BOOLEAN NOT NULL,
    root_password_hash      TEXT,
    root_password_created   BIGINT,
    root_password_changed   BIGINT,
    root_password_reset     BOOLEAN,
    root_password_previous  TEXT,
    root_password_last_used BIGINT,
    password_policy         TEXT
);

CREATE TABLE users (
    account_id          TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    user_id             TEXT COLLATE "C" PRIMARY KEY,
    name                TEXT COLLATE "C" NOT NULL,
    name_key            TEXT COLLATE "C" NOT NULL,
    path                TEXT COLLATE "C" NOT NULL,
    created             BIGINT NOT NULL,
    password_last_used  BIGINT,
    UNIQUE (account_id, name_key)
);
CREATE INDEX users_listing ON users (account_id, name_key, name);

CREATE TABLE login_profiles (
    account_id      TEXT COLLATE "C" NOT NULL,
    user_id         TEXT COLLATE "C" PRIMARY KEY REFERENCES users(user_id),
    hash            TEXT NOT NULL,
    created         BIGINT NOT NULL,
    changed         BIGINT NOT NULL,
    reset_required  BOOLEAN NOT NULL,
    previous        TEXT NOT NULL
);
CREATE INDEX login_profiles_account ON login_profiles (account_id);

CREATE TABLE access_keys (
    key_id              TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id          TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    owner               TEXT COLLATE "C" NOT NULL,
    secret              BYTEA NOT NULL,
    active              BOOLEAN NOT NULL,
    created             BIGINT NOT NULL,
    last_used           BIGINT,
    last_used_region    TEXT,
    last_used_service   TEXT,
    PRIMARY KEY (account_id, key_id)
);
CREATE INDEX access_keys_owner ON access_keys (account_id, owner);

CREATE TABLE mfa_devices (
    account_id      TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    serial_key      TEXT COLLATE "C" NOT NULL,
    serial          TEXT NOT NULL,
    name            TEXT NOT NULL,
    path            TEXT NOT NULL,
    seed            BYTEA NOT NULL,
    created         BIGINT NOT NULL,
    owner           TEXT COLLATE "C",
    enabled         BIGINT,
    last_counter    BIGINT,
    PRIMARY KEY (account_id, serial_key)
);

CREATE TABLE signing_certificates (
    cert_id     TEXT COLLATE "C" PRIMARY KEY,
    account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    owner       TEXT COLLATE "C" NOT NULL,
    body        TEXT NOT NULL,
    der_sha256  BYTEA NOT NULL,
    active      BOOLEAN NOT NULL,
    uploaded    BIGINT NOT NULL
);
CREATE INDEX signing_certificates_account ON signing_certificates (account_id);

CREATE TABLE reports (
    account_id      TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts(id),
    generated       BIGINT,
    building_since  BIGINT
);
CREATE INDEX reports_building ON reports (account_id) WHERE building_since IS NOT NULL;

CREATE TABLE report_contents (
    account_id  TEXT COLLATE "C" PRIMARY KEY REFERENCES accounts(id),
    content     BYTEA NOT NULL
);

CREATE TABLE console_sessions (
    token_hash  BYTEA PRIMARY KEY,
    account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    owner       TEXT COLLATE "C" NOT NULL,
    stage       TEXT NOT NULL,
    created     BIGINT NOT NULL,
    expires     BIGINT NOT NULL
);
CREATE INDEX console_sessions_expires ON console_sessions (expires);

CREATE TABLE groups (
    account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    group_id    TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL,
    path        TEXT COLLATE "C" NOT NULL,
    created     BIGINT NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE group_members (
    account_id  TEXT COLLATE "C" NOT NULL,
    group_id    TEXT COLLATE "C" NOT NULL,
    user_id     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (account_id, user_id);

CREATE TABLE inline_policies (
    account_id   TEXT COLLATE "C" NOT NULL,
    entity_kind  TEXT COLLATE "C" NOT NULL,
    entity_id    TEXT COLLATE "C" NOT NULL,
    name         TEXT COLLATE "C" NOT NULL,
    name_key     TEXT COLLATE "C" NOT NULL,
    document     TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_id, name_key)
);

CREATE TABLE managed_policies (
    account_id       TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    policy_id        TEXT COLLATE "C" PRIMARY KEY,
    name             TEXT COLLATE "C" NOT NULL,
    name_key         TEXT COLLATE "C" NOT NULL,
    path             TEXT COLLATE "C" NOT NULL,
    description      TEXT,
    created          BIGINT NOT NULL,
    updated          BIGINT NOT NULL,
    default_version  BIGINT NOT NULL,
    next_version     BIGINT NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE policy_versions (
    policy_id  TEXT COLLATE "C" NOT NULL,
    version    BIGINT NOT NULL,
    document   TEXT NOT NULL,
    created    BIGINT NOT NULL,
    PRIMARY KEY (policy_id, version)
);

CREATE TABLE policy_attachments (
    account_id   TEXT COLLATE "C" NOT NULL,
    entity_kind  TEXT COLLATE "C" NOT NULL,
    entity_id    TEXT COLLATE "C" NOT NULL,
    policy_arn   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_id, policy_arn)
);
CREATE INDEX policy_attachments_policy ON policy_attachments (account_id, policy_arn);

CREATE TABLE tags (
    account_id     TEXT COLLATE "C" NOT NULL,
    resource_kind  TEXT COLLATE "C" NOT NULL,
    resource_id    TEXT COLLATE "C" NOT NULL,
    position       BIGINT NOT NULL,
    key            TEXT NOT NULL,
    value          TEXT NOT NULL,
    PRIMARY KEY (account_id, resource_kind, resource_id, position)
);

CREATE TABLE account_aliases (
    alias       TEXT COLLATE "C" PRIMARY KEY,
    account_id  TEXT COLLATE "C" NOT NULL UNIQUE
);

CREATE TABLE roles (
    account_id            TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    role_id               TEXT COLLATE "C" PRIMARY KEY,
    name                  TEXT COLLATE "C" NOT NULL,
    name_key              TEXT COLLATE "C" NOT NULL,
    path                  TEXT COLLATE "C" NOT NULL,
    created               BIGINT NOT NULL,
    assume_role_policy    TEXT NOT NULL,
    description           TEXT,
    max_session_duration  BIGINT NOT NULL,
    last_used             BIGINT,
    last_used_region      TEXT,
    UNIQUE (account_id, name_key)
);

CREATE TABLE instance_profiles (
    account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    profile_id  TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT COLLATE "C" NOT NULL,
    name_key    TEXT COLLATE "C" NOT NULL,
    path        TEXT COLLATE "C" NOT NULL,
    created     BIGINT NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE instance_profile_roles (
    account_id  TEXT COLLATE "C" NOT NULL,
    profile_id  TEXT COLLATE "C" NOT NULL,
    role_id     TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, profile_id, role_id)
);
CREATE INDEX instance_profile_roles_role ON instance_profile_roles (account_id, role_id);
