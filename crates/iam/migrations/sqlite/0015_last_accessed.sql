-- Last-accessed data (service last accessed, Access Advisor): per subject (a user, group,
-- role, or managed policy by ARN), per principal that used it (the user or role whose
-- request it granted), per service namespace and action ('' for the service as a whole),
-- the last authenticated use and its region. Written in IAM's usage windows: a row changes
-- at most once per window (the conditional upsert), never once per request.
CREATE TABLE last_accessed (
    account_id    TEXT NOT NULL,
    subject_kind  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    entity_kind   TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    namespace     TEXT NOT NULL,
    action        TEXT NOT NULL,
    at            INTEGER NOT NULL,
    region        TEXT NOT NULL,
    PRIMARY KEY (account_id, subject_kind, subject_id, entity_kind, entity_id, namespace, action)
) WITHOUT ROWID;
-- GenerateServiceLastAccessedDetails' jobs: each one's answer, computed when it was
-- started (the state at job time), kept for GetServiceLastAccessedDetails and its paging.
CREATE TABLE last_accessed_jobs (
    job_id      TEXT NOT NULL PRIMARY KEY,
    account_id  TEXT NOT NULL,
    created     INTEGER NOT NULL,
    result      TEXT NOT NULL
);
CREATE INDEX last_accessed_jobs_created ON last_accessed_jobs (account_id, created);
