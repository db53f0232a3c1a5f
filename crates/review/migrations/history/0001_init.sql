-- The history as the first build that kept one wrote it (user_version 1).
CREATE TABLE contents (
    sha256 TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    account TEXT NOT NULL,
    generated INTEGER NOT NULL,
    sha256 TEXT NOT NULL REFERENCES contents(sha256),
    stored INTEGER NOT NULL,
    source TEXT NOT NULL,
    target TEXT,
    as_of INTEGER NOT NULL,
    rows INTEGER NOT NULL,
    critical INTEGER NOT NULL,
    high INTEGER NOT NULL,
    medium INTEGER NOT NULL,
    low INTEGER NOT NULL,
    info INTEGER NOT NULL,
    suppressed INTEGER NOT NULL,
    not_evaluated INTEGER NOT NULL,
    UNIQUE (account, generated, sha256)
);
CREATE INDEX reports_by_account ON reports (account, generated, id);
CREATE TABLE findings (
    report_id INTEGER NOT NULL REFERENCES reports(id),
    seq INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    check_id TEXT NOT NULL,
    severity TEXT NOT NULL,
    status TEXT NOT NULL,
    user TEXT NOT NULL,
    arn TEXT NOT NULL,
    credential TEXT NOT NULL,
    age_days INTEGER,
    message TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    account TEXT NOT NULL,
    principal TEXT NOT NULL,
    started INTEGER NOT NULL,
    finished INTEGER,
    plan_sha256 TEXT,
    undoes INTEGER REFERENCES runs(id)
);
CREATE TABLE actions (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    action TEXT NOT NULL,
    user TEXT NOT NULL,
    access_key_id TEXT,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    before TEXT,
    after TEXT,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    at INTEGER NOT NULL,
    destination TEXT NOT NULL,
    findings INTEGER NOT NULL,
    delivered INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    error TEXT
);
