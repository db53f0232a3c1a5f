-- credreport IAM store, version 12: the credential report's rows kept current (issue 26).
-- Every write that changes what a report row says renders that row again here, in its own
-- transaction (crates/iam/src/kept_rows.rs). GenerateCredentialReport then stores no bytes:
-- the stored report is a snapshot of these rows, read and joined when it is fetched.
--
-- A row is kept around its password_next_rotation cell, the one cell that depends on the
-- account (its password policy's maximum age): `head`, then the cell, then `tail`. When the
-- cell is worked out as the report is read, `rotation_from` is the password's last change;
-- otherwise the cell is the end of `head`. The root row's name key is '' (it sorts first).
-- `epoch` is the account's epoch (reports.rows_epoch) when the row was last written.
CREATE TABLE report_rows (
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    name_key       TEXT NOT NULL,
    owner          TEXT NOT NULL,
    head           TEXT NOT NULL,
    rotation_from  INTEGER,
    tail           TEXT NOT NULL,
    epoch          INTEGER NOT NULL,
    PRIMARY KEY (account_id, name_key)
) WITHOUT ROWID;
CREATE UNIQUE INDEX report_rows_owner ON report_rows (account_id, owner);
-- The stored report's rows that changed or went since it was generated, as the report shows
-- them (copied before the first change: copy on write).
CREATE TABLE report_frozen_rows (
    account_id     TEXT NOT NULL REFERENCES accounts(id),
    owner          TEXT NOT NULL,
    name_key       TEXT NOT NULL,
    head           TEXT NOT NULL,
    rotation_from  INTEGER,
    tail           TEXT NOT NULL,
    PRIMARY KEY (account_id, owner)
) WITHOUT ROWID;
-- rows_epoch: what a write stamps on the rows it changes (NULL: the account's rows are not
-- kept yet: its first build renders them all). report_epoch: the stored report is the rows
-- of this epoch or older, and the frozen rows (NULL: the stored report, if any, is bytes,
-- stored whole before this version or by a store copy). report_max_password_age: the policy's
-- maximum age when the stored report was generated.
ALTER TABLE reports ADD COLUMN rows_epoch INTEGER;
ALTER TABLE reports ADD COLUMN report_epoch INTEGER;
ALTER TABLE reports ADD COLUMN report_max_password_age INTEGER;
-- What a row is rendered from, found by owner.
CREATE INDEX mfa_devices_owner ON mfa_devices (account_id, owner);
CREATE INDEX signing_certificates_owner ON signing_certificates (account_id, owner);
