-- Failed console sign-ins, in the store (they were counted in memory): a key is the
-- SHA-256 of the name typed; rows older than the 15-minute window are pruned as failures
-- are recorded.
CREATE TABLE sign_in_failures (
    key  TEXT NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, at);
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
