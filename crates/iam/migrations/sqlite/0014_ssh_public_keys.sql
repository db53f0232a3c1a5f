-- IAM users' SSH public keys (UploadSSHPublicKey, issue 27): the body as uploaded, the MD5
-- fingerprint of the key blob (duplicates are refused by it), Active/Inactive.
CREATE TABLE ssh_public_keys (
    key_id       TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    user_id      TEXT NOT NULL REFERENCES users(user_id),
    body         TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    active       INTEGER NOT NULL,
    uploaded     INTEGER NOT NULL
);
CREATE INDEX ssh_public_keys_user ON ssh_public_keys (account_id, user_id);
