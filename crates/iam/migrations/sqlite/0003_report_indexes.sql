-- credreport IAM store, version 3: the users of an account read from one index alone.
-- A report build (and a ListUsers page) reads users through (account_id, name_key); without
-- this index each of those rows costs a second B-tree search, in the table. It holds every
-- column those reads ask for, and cuts the read of 5,000 users by about a third.
-- Access keys get no such index on purpose: their last use changes with every recorded
-- use, and keeping a copy of it in an index cost a third of the store's durable use writes
-- (BENCHMARKS.md, "IAM core").
CREATE INDEX users_listing
    ON users (account_id, name_key, name, path, user_id, created, password_last_used);
