-- credreport IAM store, version 1.
CREATE TABLE accounts (
    id                      TEXT PRIMARY KEY,
    created                 INTEGER NOT NULL,
    organization_member     INTEGER NOT NULL,
    root_password_hash      TEXT,
    root_password_created   INTEGER,
    root_password_changed   INTEGER,
    root_password_reset     INTEGER,
    root_password_previous  TEXT,
    root_password_last_used INTEGER,
    password_policy         TEXT
);

CREATE TABLE users (
    account_id          TEXT NOT NULL REFERENCES accounts(id),
    user_id             TEXT PRIMARY KEY,
    name                TEXT NOT NULL,
    name_key            TEXT NOT NULL,
    path                TEXT NOT NULL,
    created             INTEGER NOT NULL,
    password_last_used  INTEGER,
    UNIQUE (account_id, name_key)
);

CREATE TABLE login_profiles (
    account_id      TEXT NOT NULL,
    user_id         TEXT PRIMARY KEY REFERENCES users(user_id),
    hash            TEXT NOT NULL,
    created         INTEGER NOT NULL,
    changed         INTEGER NOT NULL,
    reset_required  INTEGER NOT NULL,
    previous        TEXT NOT NULL
);
CREATE INDEX login_profiles_account ON login_profiles (account_id);

CREATE TABLE access_keys (
    key_id              TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES accounts(id),
    owner               TEXT NOT NULL,
    secret              BLOB NOT NULL,
    active              INTEGER NOT NULL,
    created             INTEGER NOT NULL,
    last_used           INTEGER,
    last_used_region    TEXT,
    last_used_service   TEXT
);
CREATE INDEX access_keys_owner ON access_keys (account_id, owner);

CREATE TABLE mfa_devices (
    account_id      TEXT NOT NULL REFERENCES accounts(id),
    serial_key      TEXT NOT NULL,
    serial          TEXT NOT NULL,
    name            TEXT NOT NULL,
    path            TEXT NOT NULL,
    seed            BLOB NOT NULL,
    created         INTEGER NOT NULL,
    owner           TEXT,
    enabled         INTEGER,
    last_counter    INTEGER,
    PRIMARY KEY (account_id, serial_key)
);

CREATE TABLE signing_certificates (
    cert_id     TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    owner       TEXT NOT NULL,
    body        TEXT NOT NULL,
    der_sha256  BLOB NOT NULL,
    active      INTEGER NOT NULL,
    uploaded    INTEGER NOT NULL
);
CREATE INDEX signing_certificates_account ON signing_certificates (account_id);

CREATE TABLE user_policies (
    account_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users(user_id),
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    document    TEXT NOT NULL,
    PRIMARY KEY (user_id, name_key)
);

CREATE TABLE reports (
    account_id      TEXT PRIMARY KEY REFERENCES accounts(id),
    generated       INTEGER,
    content         BLOB,
    building_since  INTEGER
);
