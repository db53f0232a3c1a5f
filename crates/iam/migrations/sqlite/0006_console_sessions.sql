-- Console sessions (the web console's sign-ins). The token is never stored, only its
-- SHA-256; expired sessions are swept when new ones are made.
CREATE TABLE console_sessions (
    token_hash  BLOB PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    owner       TEXT NOT NULL,
    stage       TEXT NOT NULL,
    created     INTEGER NOT NULL,
    expires     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX console_sessions_expires ON console_sessions (expires);
