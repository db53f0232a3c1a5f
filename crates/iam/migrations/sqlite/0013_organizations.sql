-- AWS Organizations, as its read API shows it (DescribeOrganization, ListAccounts,
-- DescribeAccount, ListRoots): an organization, its management account and its one root;
-- each member account's name, email, state, and how and when it joined. An account is in
-- one organization at most (its key), and the management account is a member of its own.
-- Neither table references accounts: an organization's management account may be outside
-- this store (its members still name it).
CREATE TABLE organizations (
    organization_id     TEXT PRIMARY KEY,
    management_account  TEXT NOT NULL UNIQUE,
    feature_set         TEXT NOT NULL,
    root_id             TEXT NOT NULL,
    created             INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE organization_accounts (
    account_id       TEXT PRIMARY KEY,
    organization_id  TEXT NOT NULL REFERENCES organizations(organization_id),
    name             TEXT NOT NULL,
    email            TEXT NOT NULL UNIQUE,
    state            TEXT NOT NULL,
    joined_method    TEXT NOT NULL,
    joined           INTEGER NOT NULL
) WITHOUT ROWID;
-- ListAccounts: an organization's members in account id order, a page at a time.
CREATE INDEX organization_accounts_listing ON organization_accounts (organization_id, account_id);
