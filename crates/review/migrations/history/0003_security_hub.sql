-- Security Hub imports (a review's `[security_hub]`): each import of an account's
-- findings, by report, next to the notifications; the findings that failed; and, per
-- destination, account and Region, the last version of each finding Security Hub
-- accepted (a digest of its ASFF document, without its timestamps), so the next review
-- sends only what is new or changed, and archives what disappeared.
CREATE TABLE securityhub_imports (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    at INTEGER NOT NULL,
    destination TEXT NOT NULL,
    region TEXT NOT NULL,
    new INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    archived INTEGER NOT NULL,
    unchanged INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    calls INTEGER NOT NULL,
    error TEXT
);
CREATE INDEX securityhub_imports_by_report ON securityhub_imports (report_id, id);
CREATE TABLE securityhub_failures (
    import_id INTEGER NOT NULL REFERENCES securityhub_imports(id),
    finding_id TEXT NOT NULL,
    code TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (import_id, finding_id)
) WITHOUT ROWID;
CREATE TABLE securityhub_findings (
    destination TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    finding_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    archived INTEGER NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    PRIMARY KEY (destination, account, region, finding_id)
) WITHOUT ROWID;
