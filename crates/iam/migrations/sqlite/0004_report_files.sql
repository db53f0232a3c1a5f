-- credreport IAM store, version 4: report bytes in files beside the database file
-- (crates/iam/src/store/report_files.rs). A row names the file that holds the account's
-- latest complete report, and its length. The migration moves the bytes of
-- report_contents into files, then drops that table (code in store/sqlite.rs).
CREATE TABLE report_files (
    account_id  TEXT PRIMARY KEY REFERENCES accounts(id),
    file        TEXT NOT NULL,
    length      INTEGER NOT NULL
);
