-- credreport IAM store, version 2: a report's bytes apart from its state.
-- The state (generated, building_since) changes on every GenerateCredentialReport and build;
-- the bytes are megabytes, and SQLite rewrites a whole row, overflow pages and all, when any
-- of its columns changes. Apart, a state change writes a few bytes.
CREATE TABLE report_contents (
    account_id  TEXT PRIMARY KEY REFERENCES accounts(id),
    content     BLOB NOT NULL
);
INSERT INTO report_contents (account_id, content)
    SELECT account_id, content FROM reports WHERE content IS NOT NULL AND generated IS NOT NULL;
UPDATE reports SET generated = NULL WHERE content IS NULL;
ALTER TABLE reports DROP COLUMN content;

