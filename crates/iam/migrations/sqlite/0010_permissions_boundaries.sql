-- Permissions boundaries of users and roles (Put{User,Role}PermissionsBoundary): at most one
-- managed policy per identity, by ARN. A table of its own, not a column: the users table is
-- read from a covering index (a report build), which a column would widen for nothing the
-- report shows.
CREATE TABLE permissions_boundaries (
    account_id   TEXT NOT NULL,
    entity_kind  TEXT NOT NULL,
    entity_id    TEXT NOT NULL,
    policy_arn   TEXT NOT NULL,
    PRIMARY KEY (account_id, entity_kind, entity_id)
) WITHOUT ROWID;
CREATE INDEX permissions_boundaries_policy ON permissions_boundaries (account_id, policy_arn);
