-- Groups and their members; the inline policies of users, groups and roles in one table
-- (the users' move here from user_policies); customer managed policies, their versions and
-- their attachments; tags; account aliases.
CREATE TABLE groups (
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    group_id    TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    path        TEXT NOT NULL,
    created     INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE group_members (
    account_id  TEXT NOT NULL,
    group_id    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    PRIMARY KEY (account_id, group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_members_user ON group_members (account_id, user_id);

CREATE TABLE inline_policies (
    account_id   TEXT NOT NULL,
    entity_kind  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    name         TEXT NOT NULL,
    name_key     TEXT NOT NULL,
    document     TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_id, name_key)
) WITHOUT ROWID;
INSERT INTO inline_policies (account_id, entity_kind, entity_id, name, name_key, document)
    SELECT account_id, 'user', user_id, name, name_key, document FROM user_policies;
DROP TABLE user_policies;

CREATE TABLE managed_policies (
    account_id       TEXT NOT NULL REFERENCES accounts(id),
    policy_id        TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    name_key         TEXT NOT NULL,
    path             TEXT NOT NULL,
    description      TEXT,
    created          INTEGER NOT NULL,
    updated          INTEGER NOT NULL,
    default_version  INTEGER NOT NULL,
    next_version     INTEGER NOT NULL,
    UNIQUE (account_id, name_key)
);

CREATE TABLE policy_versions (
    policy_id  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    created    INTEGER NOT NULL,
    PRIMARY KEY (policy_id, version)
) WITHOUT ROWID;

CREATE TABLE policy_attachments (
    account_id   TEXT NOT NULL,
    entity_kind  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    policy_arn   TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_id, policy_arn)
) WITHOUT ROWID;
CREATE INDEX policy_attachments_policy ON policy_attachments (account_id, policy_arn);

CREATE TABLE tags (
    account_id     TEXT NOT NULL,
    resource_kind  TEXT NOT NULL,
    resource_id    TEXT NOT NULL,
    position       INTEGER NOT NULL,
    key            TEXT NOT NULL,
    value          TEXT NOT NULL,
    PRIMARY KEY (account_id, resource_kind, resource_id, position)
) WITHOUT ROWID;

CREATE TABLE account_aliases (
    alias       TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL UNIQUE
);
