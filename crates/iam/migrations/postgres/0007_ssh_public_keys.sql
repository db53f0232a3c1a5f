-- IAM users' SSH public keys (UploadSSHPublicKey, issue 27): the body as uploaded, the MD5
-- fingerprint of the key blob (duplicates are refused by it), Active/Inactive.
CREATE TABLE ssh_public_keys (
    key_id       TEXT COLLATE "C" PRIMARY KEY,
    account_id   TEXT COLLATE "C" NOT NULL REFERENCES accounts(id),
    user_id      TEXT COLLATE "C" NOT NULL REFERENCES users(user_id),
    body         TEXT NOT NULL,
    fingerprint  TEXT COLLATE "C" NOT NULL,
    active       BOOLEAN NOT NULL,
    uploaded     BIGINT NOT NULL
);
CREATE INDEX ssh_public_keys_user ON ssh_public_keys (account_id, user_id);
