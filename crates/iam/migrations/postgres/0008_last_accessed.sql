-- Last-accessed data (service last accessed, Access Advisor): per subject (a user, group,
-- role, or managed policy by ARN), per principal that used it (the user or role whose
-- request it granted), per service namespace and action ('' for the service as a whole),
-- the last authenticated use and its region. Written in IAM's usage windows: a row changes
-- at most once per window (the conditional upsert), never once per request.
CREATE TABLE last_accessed (
    account_id    TEXT COLLATE "C" NOT NULL,
    subject_kind  TEXT COLLATE "C" NOT NULL,
    subject_id    TEXT COLLATE "C" NOT NULL,
    entity_kind   TEXT COLLATE "C" NOT NULL,
    entity_id     TEXT COLLATE "C" NOT NULL,
    namespace     TEXT COLLATE "C" NOT NULL,
    action        TEXT COLLATE "C" NOT NULL,
    at            BIGINT NOT NULL,
    region        TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (account_id, subject_kind, subject_id, entity_kind, entity_id, namespace, action)
);
-- GenerateServiceLastAccessedDetails' jobs: each one's answer, computed when it was
-- started (the state at job time), kept for GetServiceLastAccessedDetails and its paging.
CREATE TABLE last_accessed_jobs (
    job_id      TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    account_id  TEXT COLLATE "C" NOT NULL,
    created     BIGINT NOT NULL,
    result      TEXT COLLATE "C" NOT NULL
);
CREATE INDEX last_accessed_jobs_created ON last_accessed_jobs (account_id, created);
