-- AWS Organizations, as its read API shows it (DescribeOrganization, ListAccounts,
-- DescribeAccount, ListRoots): an organization, its management account and its one root;
-- each member account's name, email, state, and how and when it joined. An account is in
-- one organization at most (its key), and the management account is a member of its own.
-- Neither table references accounts: an organization's management account may be outside
-- this store (its members still name it).
CREATE TABLE organizations (
    organization_id     TEXT COLLATE "C" PRIMARY KEY,
    management_account  TEXT COLLATE "C" NOT NULL UNIQUE,
    feature_set         TEXT COLLATE "C" NOT NULL,
    root_id             TEXT COLLATE "C" NOT NULL,
    created             BIGINT NOT NULL
);

CREATE TABLE organization_accounts (
    account_id       TEXT COLLATE "C" PRIMARY KEY,
    organization_id  TEXT COLLATE "C" NOT NULL REFERENCES organizations(organization_id),
    name             TEXT COLLATE "C" NOT NULL,
    email            TEXT COLLATE "C" NOT NULL UNIQUE,
    state            TEXT COLLATE "C" NOT NULL,
    joined_method    TEXT COLLATE "C" NOT NULL,
    joined           BIGINT NOT NULL
);
-- ListAccounts: an organization's members in account id order, a page at a time.
CREATE INDEX organization_accounts_listing ON organization_accounts (organization_id, account_id);
