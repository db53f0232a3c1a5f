-- Failed console sign-ins, shared by every instance: a key is the SHA-256 of the name
-- typed; rows older than the 15-minute window are pruned as failures are recorded.
CREATE TABLE sign_in_failures (
    key  TEXT COLLATE "C" NOT NULL,
    at   BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures (key, at);
CREATE INDEX sign_in_failures_at ON sign_in_failures (at);
