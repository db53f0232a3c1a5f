-- The credential report's rows kept current (issue 26): the SQLite store's migration 12
-- (crates/iam/migrations/sqlite/0012_report_rows.sql says what each column holds).
CREATE TABLE report_rows (
    account_id     TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    name_key       TEXT COLLATE "C" NOT NULL,
    owner          TEXT COLLATE "C" NOT NULL,
    head           TEXT NOT NULL,
    rotation_from  BIGINT,
    tail           TEXT NOT NULL,
    epoch          BIGINT NOT NULL,
    PRIMARY KEY (account_id, name_key)
);
CREATE UNIQUE INDEX report_rows_owner ON report_rows (account_id, owner);
CREATE TABLE report_frozen_rows (
    account_id     TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    owner          TEXT COLLATE "C" NOT NULL,
    name_key       TEXT COLLATE "C" NOT NULL,
    head           TEXT NOT NULL,
    rotation_from  BIGINT,
    tail           TEXT NOT NULL,
    PRIMARY KEY (account_id, owner)
);
ALTER TABLE reports ADD COLUMN rows_epoch BIGINT;
ALTER TABLE reports ADD COLUMN report_epoch BIGINT;
ALTER TABLE reports ADD COLUMN report_max_password_age BIGINT;
CREATE INDEX mfa_devices_owner ON mfa_devices (account_id, owner);
CREATE INDEX signing_certificates_owner ON signing_certificates (account_id, owner);
