-- credreport IAM store, version 5: access keys stored in account order.
-- A report build reads every key of an account. Through the (account_id, owner) index each
-- key was a second search, in the rowid table, which made that read a third of the build's
-- store read. Clustered by (account_id, key_id) the read is one range scan. An index copy of
-- the last use (a covering index) would have cost every recorded key use a second write;
-- here the row is still written once. Key ids stay unique across accounts.
CREATE TABLE access_keys_by_account (
    key_id              TEXT NOT NULL UNIQUE,
    account_id          TEXT NOT NULL REFERENCES accounts(id),
    owner               TEXT NOT NULL,
    secret              BLOB NOT NULL,
    active              INTEGER NOT NULL,
    created             INTEGER NOT NULL,
    last_used           INTEGER,
    last_used_region    TEXT,
    last_used_service   TEXT,
    PRIMARY KEY (account_id, key_id)
) WITHOUT ROWID;
INSERT INTO access_keys_by_account SELECT * FROM access_keys;
DROP TABLE access_keys;
ALTER TABLE access_keys_by_account RENAME TO access_keys;
CREATE INDEX access_keys_owner ON access_keys (account_id, owner);
