-- Permissions boundaries of users and roles (Put{User,Role}PermissionsBoundary): at most one
-- managed policy per identity, by ARN.
CREATE TABLE permissions_boundaries (
    account_id   TEXT COLLATE "C" NOT NULL,
    entity_kind  TEXT COLLATE "C" NOT NULL,
    entity_id    TEXT COLLATE "C" NOT NULL,
    policy_arn   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_id)
);
CREATE INDEX permissions_boundaries_policy ON permissions_boundaries (account_id, policy_arn);
