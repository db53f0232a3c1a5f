//! A stored value that does not decode is an error naming its table, its row and its
//! column, never a default: each column the store reads is damaged in a real database
//! (a SQLite file, a PostgreSQL database) and read back through the operation that meets
//! it. (The server answers such an `Error::Internal` with 500 ServiceFailure and logs it.)
//!
//! Each case damages one column of one row `populate` wrote, on each backend where the
//! damage can be stored at all: SQLite takes any value in any column (bytes in a text
//! column, 7 in a boolean), PostgreSQL only values of the column's type (so there, text
//! that is not what it names, times out of range, NULL where a value must go with
//! another). A last test holds that every column of every table has a case, or is only
//! ever compared (never read back), with its reason.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

use credreport_iam::model::{Entity, KeptRow, KeptRows, Owner, StoredReport, TagTarget};
use credreport_iam::store::postgres::{PgStore, PgUrl};
use credreport_iam::store::{read, Store, UserQuery};
use credreport_iam::{Error, SqliteStore};
use credreport_testkit::postgres::fresh_database;

mod common;
use common::{acct, populate, t, A1, A2};

const ALICE: &str = "AIDAALICE0000000000001";
const BOB_KEY: &str = "AKIABOB000000000001";
const ALICE_MFA: &str = "arn:aws:iam::123456789012:mfa/alice-phone";
const ALICE_CERT: &str = "CERTALICE000000000000000000001";
const ALICE_SSH_KEY: &str = "APKAALICE00000000001";
const ADMINS: &str = "AGPAADMINS00000000001";
const DEPLOY: &str = "AROADEPLOY00000000001";
const WEB: &str = "AIPAWEB0000000000001";
const BILLING: &str = "ANPABILLING000000001";
const BILLING_ARN: &str = "arn:aws:iam::123456789012:policy/Billing";
const FAILURE_KEY: &str = "6b86b273ff34fce19d6b804eff5a3f57";

/// A time after 9999-12-31: the column's type holds it, a timestamp cannot.
const FAR: &str = "99999999999999";
const FAR_PROBLEM: &str = "99999999999999 is not a time of years 1 to 9999";

/// One damaged value: where, how on each backend (the value set, and the problem the
/// error names), and the read that meets it.
struct Case {
    table: &'static str,
    column: &'static str,
    /// The row damaged (an SQL condition).
    row_where: &'static str,
    /// The row as the error names it.
    row: &'static str,
    sqlite: Option<(&'static str, &'static str)>,
    postgres: Option<(&'static str, &'static str)>,
    read: fn(&dyn Store) -> credreport_iam::Result<()>,
}

/// The same damage and problem on both backends.
const fn both(value: &'static str, problem: &'static str) -> Option<(&'static str, &'static str)> {
    Some((value, problem))
}

const NOT_TEXT: Option<(&str, &str)> = Some(("X'FF'", "expected text, found bytes"));
const NOT_BOOL: Option<(&str, &str)> = Some(("7", "expected 0 or 1, found 7"));
const NOT_UTF8: Option<(&str, &str)> = Some((
    "CAST(X'C328' AS TEXT)",
    "expected text, found text that is not UTF-8",
));

/// What `populate` (shared with `stored_data.rs`, whose rows are a release's) does not
/// write: alice's permissions boundary.
fn boundaries(s: &dyn Store) {
    credreport_iam::store::write(s, Some(&acct(A1)), |tx| {
        tx.set_permissions_boundary(&acct(A1), &Entity::user(ALICE), Some(BILLING_ARN))
    })
    .unwrap();
}

/// What `populate` does not write either (its rows are a release's, from before rows were
/// kept): the second account's report rows kept and made its stored report, carol's row
/// changed since (so frozen as it was), and the build still running.
fn kept_rows(s: &dyn Store) {
    let a2 = acct(A2);
    let row = |owner: &str, name_key: &str, version: u8| KeptRow {
        owner: Owner::from_key(owner),
        name_key: name_key.into(),
        head: format!("{name_key},v{version},"),
        rotation_from: Some(t(40)),
        tail: ",false".into(),
    };
    credreport_iam::store::write(s, Some(&a2), |tx| {
        tx.replace_report_rows(
            &a2,
            &[
                row("root", "", 1),
                row("AIDACAROL0000000000001", "carol", 1),
            ],
        )?;
        tx.store_rows_report(&a2, t(690), Some(90))?;
        tx.put_report_row(&a2, &row("AIDACAROL0000000000001", "carol", 2))?;
        tx.put_report(
            &a2,
            &StoredReport {
                generated: Some(t(690)),
                building_since: Some(t(700)),
                rows: KeptRows::NotYet,
            },
        )
    })
    .unwrap();
}

fn all_users(s: &dyn Store) -> credreport_iam::Result<()> {
    let q = UserQuery {
        path_prefix: None,
        after: None,
        limit: 100,
    };
    read(s, |tx| tx.users(&acct(A1), &q).map(drop))
}

fn everything() -> UserQuery<'static> {
    UserQuery {
        path_prefix: None,
        after: None,
        limit: 100,
    }
}

#[rustfmt::skip] // One case a line or two: a table.
const CASES: &[Case] = &[
    // accounts (the first account: a root password and a password policy)
    Case { table: "accounts", column: "id", row_where: "id = '123456789012'", row: "id=\"12345\"",
        sqlite: both("'12345'", "not a 12-digit account id"), postgres: both("'12345'", "not a 12-digit account id"),
        read: |s| read(s, |tx| tx.account_ids().map(drop)) },
    Case { table: "accounts", column: "created", row_where: "id = '123456789012'", row: "id=\"123456789012\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.account(&acct(A1)).map(drop)) },
    Case { table: "accounts", column: "organization_member", row_where: "id = '123456789012'", row: "id=\"123456789012\"",
        sqlite: NOT_BOOL, postgres: None,
        read: |s| read(s, |tx| tx.account(&acct(A1)).map(drop)) },
    Case { table: "accounts", column: "root_password_hash", row_where: "id = '123456789012'", row: "id=\"123456789012\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.account(&acct(A1)).map(drop)) },
    Case { table: "accounts", column: "root_password_created", row_where: "id = '123456789012'", row: "id=\"123456789012\"",
        sqlite: both("NULL", "expected a time, found NULL"), postgres: both("NULL", "expected a time, found NULL"),
        read: |s| read(s, |tx| tx.account(&acct(A1)).map(drop)) },
    Case { table: "accounts", column: "root_password_changed", row_where: "id = '123456789012'", row: "id=\"123456789012\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.account(&acct(A1)).map(drop)) },
    Case { table: "accounts", column: "root_password_reset", row_where: "id = '123456789012'", row: "id=\"123456789012\"",
        sqlite: both("NULL", "expected a boolean, found NULL"), postgres: both("NULL", "expected a boolean, found NULL"),
        read: |s| read(s, |tx| tx.account(&acct(A1)).map(drop)) },
    Case { table: "accounts", column: "root_password_previous", row_where: "id = '123456789012'", row: "id=\"123456789012\"",
        sqlite: both("'[\"$argon2id$a\", 2]'", "not the JSON expected (Data fault at line 1 column 17)"),
        postgres: both("'[\"$argon2id$a\", 2]'", "not the JSON expected (Data fault at line 1 column 17)"),
        read: |s| read(s, |tx| tx.account(&acct(A1)).map(drop)) },
    Case { table: "accounts", column: "root_password_last_used", row_where: "id = '123456789012'", row: "id=\"123456789012\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.account(&acct(A1)).map(drop)) },
    Case { table: "accounts", column: "password_policy", row_where: "id = '123456789012'", row: "id=\"123456789012\"",
        sqlite: both("'{\"minimum_password_length\": 300}'", "not the JSON expected (Data fault at line 1 column 31)"),
        postgres: both("'{\"minimum_password_length\": 300}'", "not the JSON expected (Data fault at line 1 column 31)"),
        read: |s| read(s, |tx| tx.account(&acct(A1)).map(drop)) },
    // users (alice)
    Case { table: "users", column: "account_id", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: both("'x'", "not a 12-digit account id"), postgres: both("'x'", "not a 12-digit account id"),
        read: |s| read(s, |tx| tx.group_members(&acct(A1), ADMINS).map(drop)) },
    Case { table: "users", column: "user_id", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: all_users },
    Case { table: "users", column: "name", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: all_users },
    Case { table: "users", column: "path", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: NOT_UTF8, postgres: None,
        read: |s| read(s, |tx| tx.user_by_id(&acct(A1), ALICE).map(drop)) },
    Case { table: "users", column: "created", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: all_users },
    Case { table: "users", column: "password_last_used", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: both("-99999999999999", "-99999999999999 is not a time of years 1 to 9999"),
        postgres: both("-99999999999999", "-99999999999999 is not a time of years 1 to 9999"),
        read: |s| read(s, |tx| tx.user_by_id(&acct(A1), ALICE).map(drop)) },
    // login_profiles (alice's)
    Case { table: "login_profiles", column: "user_id", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.login_profiles(&acct(A1)).map(drop)) },
    Case { table: "login_profiles", column: "hash", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.login_profile(&acct(A1), ALICE).map(drop)) },
    Case { table: "login_profiles", column: "created", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.login_profile(&acct(A1), ALICE).map(drop)) },
    Case { table: "login_profiles", column: "changed", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.password_changes(&acct(A1)).map(drop)) },
    Case { table: "login_profiles", column: "reset_required", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: NOT_BOOL, postgres: None,
        read: |s| read(s, |tx| tx.login_profile(&acct(A1), ALICE).map(drop)) },
    // The case: a damaged list of previous hashes read as empty switched the
    // password reuse rule off.
    Case { table: "login_profiles", column: "previous", row_where: "user_id = 'AIDAALICE0000000000001'", row: "user_id=\"AIDAALICE0000000000001\"",
        sqlite: both("'[\"$argon2id$v=19$m=19456,t=2,p=1$alice-old'", "not the JSON expected (Eof fault at line 1 column 42)"),
        postgres: both("'[\"$argon2id$v=19$m=19456,t=2,p=1$alice-old'", "not the JSON expected (Eof fault at line 1 column 42)"),
        read: |s| read(s, |tx| tx.login_profile(&acct(A1), ALICE).map(drop)) },
    // access_keys (Bob's, used)
    Case { table: "access_keys", column: "key_id", row_where: "key_id = 'AKIABOB000000000001'", row: "key_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.access_keys(&acct(A1)).map(drop)) },
    Case { table: "access_keys", column: "account_id", row_where: "key_id = 'AKIABOB000000000001'", row: "key_id=\"AKIABOB000000000001\"",
        sqlite: both("'x'", "not a 12-digit account id"), postgres: both("'x'", "not a 12-digit account id"),
        read: |s| read(s, |tx| tx.access_key(BOB_KEY).map(drop)) },
    Case { table: "access_keys", column: "owner", row_where: "key_id = 'AKIABOB000000000001'", row: "key_id=\"AKIABOB000000000001\"",
        sqlite: both("'bob'", "not root or a user id"), postgres: both("'bob'", "not root or a user id"),
        read: |s| read(s, |tx| tx.key_facts(&acct(A1)).map(drop)) },
    Case { table: "access_keys", column: "secret", row_where: "key_id = 'AKIABOB000000000001'", row: "key_id=\"AKIABOB000000000001\"",
        sqlite: Some(("'sealed'", "expected bytes, found text")), postgres: None,
        read: |s| read(s, |tx| tx.access_key(BOB_KEY).map(drop)) },
    Case { table: "access_keys", column: "active", row_where: "key_id = 'AKIABOB000000000001'", row: "key_id=\"AKIABOB000000000001\"",
        sqlite: NOT_BOOL, postgres: None,
        read: |s| read(s, |tx| tx.key_facts(&acct(A1)).map(drop)) },
    Case { table: "access_keys", column: "created", row_where: "key_id = 'AKIABOB000000000001'", row: "key_id=\"AKIABOB000000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.access_key(BOB_KEY).map(drop)) },
    Case { table: "access_keys", column: "last_used", row_where: "key_id = 'AKIABOB000000000001'", row: "key_id=\"AKIABOB000000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.key_facts(&acct(A1)).map(drop)) },
    Case { table: "access_keys", column: "last_used_region", row_where: "key_id = 'AKIABOB000000000001'", row: "key_id=\"AKIABOB000000000001\"",
        sqlite: both("NULL", "expected text, found NULL"), postgres: both("NULL", "expected text, found NULL"),
        read: |s| read(s, |tx| tx.key_facts(&acct(A1)).map(drop)) },
    Case { table: "access_keys", column: "last_used_service", row_where: "key_id = 'AKIABOB000000000001'", row: "key_id=\"AKIABOB000000000001\"",
        sqlite: NOT_TEXT, postgres: both("NULL", "expected text, found NULL"),
        read: |s| read(s, |tx| tx.access_key(BOB_KEY).map(drop)) },
    // mfa_devices (alice's phone: assigned, a counter)
    Case { table: "mfa_devices", column: "serial", row_where: "serial = 'arn:aws:iam::123456789012:mfa/alice-phone'",
        row: "account_id=\"123456789012\", serial_key=\"arn:aws:iam::123456789012:mfa/alice-phone\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.mfa_devices(&acct(A1)).map(drop)) },
    Case { table: "mfa_devices", column: "name", row_where: "serial = 'arn:aws:iam::123456789012:mfa/alice-phone'",
        row: "account_id=\"123456789012\", serial_key=\"arn:aws:iam::123456789012:mfa/alice-phone\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.mfa_device(&acct(A1), ALICE_MFA).map(drop)) },
    Case { table: "mfa_devices", column: "path", row_where: "serial = 'arn:aws:iam::123456789012:mfa/alice-phone'",
        row: "account_id=\"123456789012\", serial_key=\"arn:aws:iam::123456789012:mfa/alice-phone\"",
        sqlite: NOT_UTF8, postgres: None,
        read: |s| read(s, |tx| tx.mfa_device(&acct(A1), ALICE_MFA).map(drop)) },
    Case { table: "mfa_devices", column: "seed", row_where: "serial = 'arn:aws:iam::123456789012:mfa/alice-phone'",
        row: "account_id=\"123456789012\", serial_key=\"arn:aws:iam::123456789012:mfa/alice-phone\"",
        sqlite: Some(("'sealed'", "expected bytes, found text")), postgres: None,
        read: |s| read(s, |tx| tx.mfa_device(&acct(A1), ALICE_MFA).map(drop)) },
    Case { table: "mfa_devices", column: "created", row_where: "serial = 'arn:aws:iam::123456789012:mfa/alice-phone'",
        row: "account_id=\"123456789012\", serial_key=\"arn:aws:iam::123456789012:mfa/alice-phone\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.mfa_devices(&acct(A1)).map(drop)) },
    // (A report build reads only the owner and the key within the account: the serial.)
    Case { table: "mfa_devices", column: "owner", row_where: "serial = 'arn:aws:iam::123456789012:mfa/alice-phone'",
        row: "serial_key=\"arn:aws:iam::123456789012:mfa/alice-phone\"",
        sqlite: both("'alice'", "not root or a user id"), postgres: both("'alice'", "not root or a user id"),
        read: |s| read(s, |tx| tx.mfa_owners(&acct(A1)).map(drop)) },
    Case { table: "mfa_devices", column: "enabled", row_where: "serial = 'arn:aws:iam::123456789012:mfa/alice-phone'",
        row: "account_id=\"123456789012\", serial_key=\"arn:aws:iam::123456789012:mfa/alice-phone\"",
        sqlite: both("NULL", "NULL for a device with an owner"), postgres: both("NULL", "NULL for a device with an owner"),
        read: |s| read(s, |tx| tx.mfa_device(&acct(A1), ALICE_MFA).map(drop)) },
    Case { table: "mfa_devices", column: "last_counter", row_where: "serial = 'arn:aws:iam::123456789012:mfa/alice-phone'",
        row: "account_id=\"123456789012\", serial_key=\"arn:aws:iam::123456789012:mfa/alice-phone\"",
        sqlite: both("-1", "-1 is out of range"), postgres: both("-1", "-1 is out of range"),
        read: |s| read(s, |tx| tx.mfa_device(&acct(A1), ALICE_MFA).map(drop)) },
    // signing_certificates (alice's)
    Case { table: "signing_certificates", column: "cert_id", row_where: "cert_id = 'CERTALICE000000000000000000001'", row: "cert_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.cert_facts(&acct(A1)).map(drop)) },
    Case { table: "signing_certificates", column: "owner", row_where: "cert_id = 'CERTALICE000000000000000000001'", row: "cert_id=\"CERTALICE000000000000000000001\"",
        sqlite: both("''", "not root or a user id"), postgres: both("''", "not root or a user id"),
        read: |s| read(s, |tx| tx.cert_facts(&acct(A1)).map(drop)) },
    Case { table: "signing_certificates", column: "body", row_where: "cert_id = 'CERTALICE000000000000000000001'", row: "cert_id=\"CERTALICE000000000000000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.signing_certificate(&acct(A1), ALICE_CERT).map(drop)) },
    Case { table: "signing_certificates", column: "der_sha256", row_where: "cert_id = 'CERTALICE000000000000000000001'", row: "cert_id=\"CERTALICE000000000000000000001\"",
        sqlite: Some(("X'0102'", "expected 32 bytes, found 2")), postgres: Some(("decode('0102', 'hex')", "expected 32 bytes, found 2")),
        read: |s| read(s, |tx| tx.signing_certificates(&acct(A1)).map(drop)) },
    Case { table: "signing_certificates", column: "active", row_where: "cert_id = 'CERTALICE000000000000000000001'", row: "cert_id=\"CERTALICE000000000000000000001\"",
        sqlite: NOT_BOOL, postgres: None,
        read: |s| read(s, |tx| tx.cert_facts(&acct(A1)).map(drop)) },
    Case { table: "signing_certificates", column: "uploaded", row_where: "cert_id = 'CERTALICE000000000000000000001'", row: "cert_id=\"CERTALICE000000000000000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.signing_certificate(&acct(A1), ALICE_CERT).map(drop)) },
    // ssh_public_keys (alice's)
    Case { table: "ssh_public_keys", column: "key_id", row_where: "key_id = 'APKAALICE00000000001'", row: "key_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.ssh_public_keys(&acct(A1)).map(drop)) },
    Case { table: "ssh_public_keys", column: "user_id", row_where: "key_id = 'APKAALICE00000000001'", row: "key_id=\"APKAALICE00000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.ssh_public_key(&acct(A1), ALICE_SSH_KEY).map(drop)) },
    Case { table: "ssh_public_keys", column: "body", row_where: "key_id = 'APKAALICE00000000001'", row: "key_id=\"APKAALICE00000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.ssh_public_key(&acct(A1), ALICE_SSH_KEY).map(drop)) },
    Case { table: "ssh_public_keys", column: "fingerprint", row_where: "key_id = 'APKAALICE00000000001'", row: "key_id=\"APKAALICE00000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.ssh_public_keys_of(&acct(A1), ALICE).map(drop)) },
    Case { table: "ssh_public_keys", column: "active", row_where: "key_id = 'APKAALICE00000000001'", row: "key_id=\"APKAALICE00000000001\"",
        sqlite: NOT_BOOL, postgres: None,
        read: |s| read(s, |tx| tx.ssh_public_key(&acct(A1), ALICE_SSH_KEY).map(drop)) },
    Case { table: "ssh_public_keys", column: "uploaded", row_where: "key_id = 'APKAALICE00000000001'", row: "key_id=\"APKAALICE00000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.ssh_public_keys(&acct(A1)).map(drop)) },
    // inline_policies (alice's)
    Case { table: "inline_policies", column: "name", row_where: "entity_id = 'AIDAALICE0000000000001'",
        row: "account_id=\"123456789012\", entity_kind=\"user\", entity_id=\"AIDAALICE0000000000001\", name_key=\"aliceinline\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.inline_policies(&acct(A1), &Entity::user(ALICE)).map(drop)) },
    Case { table: "inline_policies", column: "document", row_where: "entity_id = 'AIDAALICE0000000000001'",
        row: "account_id=\"123456789012\", entity_kind=\"user\", entity_id=\"AIDAALICE0000000000001\", name_key=\"aliceinline\"",
        sqlite: NOT_UTF8, postgres: None,
        read: |s| read(s, |tx| tx.inline_policy(&acct(A1), &Entity::user(ALICE), "aliceinline").map(drop)) },
    // groups (Admins)
    Case { table: "groups", column: "account_id", row_where: "group_id = 'AGPAADMINS00000000001'", row: "group_id=\"AGPAADMINS00000000001\"",
        sqlite: both("'x'", "not a 12-digit account id"), postgres: both("'x'", "not a 12-digit account id"),
        read: |s| read(s, |tx| tx.groups_of_user(&acct(A1), ALICE).map(drop)) },
    Case { table: "groups", column: "group_id", row_where: "group_id = 'AGPAADMINS00000000001'", row: "group_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.groups(&acct(A1), &everything()).map(drop)) },
    Case { table: "groups", column: "name", row_where: "group_id = 'AGPAADMINS00000000001'", row: "group_id=\"AGPAADMINS00000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.group_by_name(&acct(A1), "admins").map(drop)) },
    Case { table: "groups", column: "path", row_where: "group_id = 'AGPAADMINS00000000001'", row: "group_id=\"AGPAADMINS00000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.group_by_id(&acct(A1), ADMINS).map(drop)) },
    Case { table: "groups", column: "created", row_where: "group_id = 'AGPAADMINS00000000001'", row: "group_id=\"AGPAADMINS00000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.group_by_id(&acct(A1), ADMINS).map(drop)) },
    // roles (deploy: a description, a last use)
    Case { table: "roles", column: "account_id", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=\"AROADEPLOY00000000001\"",
        sqlite: both("'x'", "not a 12-digit account id"), postgres: both("'x'", "not a 12-digit account id"),
        read: |s| read(s, |tx| tx.profile_roles(&acct(A1), WEB).map(drop)) },
    Case { table: "roles", column: "role_id", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.roles(&acct(A1), &everything()).map(drop)) },
    Case { table: "roles", column: "name", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=\"AROADEPLOY00000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.role_by_name(&acct(A1), "deploy").map(drop)) },
    Case { table: "roles", column: "path", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=\"AROADEPLOY00000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.role_by_id(&acct(A1), DEPLOY).map(drop)) },
    Case { table: "roles", column: "created", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=\"AROADEPLOY00000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.role_by_id(&acct(A1), DEPLOY).map(drop)) },
    Case { table: "roles", column: "assume_role_policy", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=\"AROADEPLOY00000000001\"",
        sqlite: NOT_UTF8, postgres: None,
        read: |s| read(s, |tx| tx.role_by_id(&acct(A1), DEPLOY).map(drop)) },
    Case { table: "roles", column: "description", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=\"AROADEPLOY00000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.role_by_id(&acct(A1), DEPLOY).map(drop)) },
    Case { table: "roles", column: "max_session_duration", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=\"AROADEPLOY00000000001\"",
        sqlite: both("-1", "-1 is out of range"), postgres: both("-1", "-1 is out of range"),
        read: |s| read(s, |tx| tx.role_by_id(&acct(A1), DEPLOY).map(drop)) },
    Case { table: "roles", column: "last_used", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=\"AROADEPLOY00000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.role_by_id(&acct(A1), DEPLOY).map(drop)) },
    Case { table: "roles", column: "last_used_region", row_where: "role_id = 'AROADEPLOY00000000001'", row: "role_id=\"AROADEPLOY00000000001\"",
        sqlite: both("NULL", "expected text, found NULL"), postgres: both("NULL", "expected text, found NULL"),
        read: |s| read(s, |tx| tx.role_by_id(&acct(A1), DEPLOY).map(drop)) },
    // instance_profiles (web)
    Case { table: "instance_profiles", column: "account_id", row_where: "profile_id = 'AIPAWEB0000000000001'", row: "profile_id=\"AIPAWEB0000000000001\"",
        sqlite: both("'x'", "not a 12-digit account id"), postgres: both("'x'", "not a 12-digit account id"),
        read: |s| read(s, |tx| tx.profiles_of_role(&acct(A1), DEPLOY).map(drop)) },
    Case { table: "instance_profiles", column: "profile_id", row_where: "profile_id = 'AIPAWEB0000000000001'", row: "profile_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.instance_profiles(&acct(A1), &everything()).map(drop)) },
    Case { table: "instance_profiles", column: "name", row_where: "profile_id = 'AIPAWEB0000000000001'", row: "profile_id=\"AIPAWEB0000000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.instance_profile_by_name(&acct(A1), "web").map(drop)) },
    Case { table: "instance_profiles", column: "path", row_where: "profile_id = 'AIPAWEB0000000000001'", row: "profile_id=\"AIPAWEB0000000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.instance_profile_by_name(&acct(A1), "web").map(drop)) },
    Case { table: "instance_profiles", column: "created", row_where: "profile_id = 'AIPAWEB0000000000001'", row: "profile_id=\"AIPAWEB0000000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.instance_profiles(&acct(A1), &everything()).map(drop)) },
    // managed_policies (Billing)
    Case { table: "managed_policies", column: "policy_id", row_where: "policy_id = 'ANPABILLING000000001'", row: "policy_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.managed_policies(&acct(A1), &everything()).map(drop)) },
    Case { table: "managed_policies", column: "name", row_where: "policy_id = 'ANPABILLING000000001'", row: "policy_id=\"ANPABILLING000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.managed_policy(&acct(A1), BILLING).map(drop)) },
    Case { table: "managed_policies", column: "path", row_where: "policy_id = 'ANPABILLING000000001'", row: "policy_id=\"ANPABILLING000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.managed_policy_by_name(&acct(A1), "billing").map(drop)) },
    Case { table: "managed_policies", column: "description", row_where: "policy_id = 'ANPABILLING000000001'", row: "policy_id=\"ANPABILLING000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.managed_policy(&acct(A1), BILLING).map(drop)) },
    Case { table: "managed_policies", column: "created", row_where: "policy_id = 'ANPABILLING000000001'", row: "policy_id=\"ANPABILLING000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.managed_policy(&acct(A1), BILLING).map(drop)) },
    Case { table: "managed_policies", column: "updated", row_where: "policy_id = 'ANPABILLING000000001'", row: "policy_id=\"ANPABILLING000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.managed_policy(&acct(A1), BILLING).map(drop)) },
    Case { table: "managed_policies", column: "default_version", row_where: "policy_id = 'ANPABILLING000000001'", row: "policy_id=\"ANPABILLING000000001\"",
        sqlite: both("-1", "-1 is out of range"), postgres: both("-1", "-1 is out of range"),
        read: |s| read(s, |tx| tx.managed_policy(&acct(A1), BILLING).map(drop)) },
    Case { table: "managed_policies", column: "next_version", row_where: "policy_id = 'ANPABILLING000000001'", row: "policy_id=\"ANPABILLING000000001\"",
        sqlite: both("4294967296", "4294967296 is out of range"), postgres: both("4294967296", "4294967296 is out of range"),
        read: |s| read(s, |tx| tx.managed_policy(&acct(A1), BILLING).map(drop)) },
    // policy_versions (Billing's v1)
    Case { table: "policy_versions", column: "version", row_where: "policy_id = 'ANPABILLING000000001' AND version = 1",
        row: "policy_id=\"ANPABILLING000000001\", version=-1",
        sqlite: both("-1", "-1 is out of range"), postgres: both("-1", "-1 is out of range"),
        read: |s| read(s, |tx| tx.policy_versions(BILLING).map(drop)) },
    Case { table: "policy_versions", column: "document", row_where: "policy_id = 'ANPABILLING000000001' AND version = 1",
        row: "policy_id=\"ANPABILLING000000001\", version=1",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.policy_versions(BILLING).map(drop)) },
    Case { table: "policy_versions", column: "created", row_where: "policy_id = 'ANPABILLING000000001' AND version = 1",
        row: "policy_id=\"ANPABILLING000000001\", version=1",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.policy_versions(BILLING).map(drop)) },
    // policy_attachments (Billing to alice)
    Case { table: "policy_attachments", column: "entity_kind", row_where: "entity_id = 'AIDAALICE0000000000001'",
        row: "account_id=\"123456789012\", entity_kind=\"robot\", entity_id=\"AIDAALICE0000000000001\", policy_arn=\"arn:aws:iam::123456789012:policy/Billing\"",
        sqlite: both("'robot'", "not user, group or role"), postgres: both("'robot'", "not user, group or role"),
        read: |s| read(s, |tx| tx.policy_attachments(&acct(A1), BILLING_ARN).map(drop)) },
    Case { table: "policy_attachments", column: "entity_id", row_where: "entity_id = 'AIDAALICE0000000000001'",
        row: "account_id=\"123456789012\", entity_kind=\"user\", entity_id=x'00', policy_arn=\"arn:aws:iam::123456789012:policy/Billing\"",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.policy_attachments(&acct(A1), BILLING_ARN).map(drop)) },
    Case { table: "policy_attachments", column: "policy_arn", row_where: "entity_id = 'AIDAALICE0000000000001'",
        row: "account_id=\"123456789012\", entity_kind=\"user\", entity_id=\"AIDAALICE0000000000001\", policy_arn=(text that is not UTF-8)",
        sqlite: NOT_UTF8, postgres: None,
        read: |s| read(s, |tx| tx.attached_policies(&acct(A1), &Entity::user(ALICE)).map(drop)) },
    // permissions_boundaries (Billing caps alice)
    Case { table: "permissions_boundaries", column: "entity_kind", row_where: "entity_id = 'AIDAALICE0000000000001'",
        row: "account_id=\"123456789012\", entity_kind=\"robot\", entity_id=\"AIDAALICE0000000000001\"",
        sqlite: both("'robot'", "not user, group or role"), postgres: both("'robot'", "not user, group or role"),
        read: |s| read(s, |tx| tx.boundary_entities(&acct(A1), BILLING_ARN).map(drop)) },
    Case { table: "permissions_boundaries", column: "entity_id", row_where: "entity_id = 'AIDAALICE0000000000001'",
        row: "account_id=\"123456789012\", entity_kind=\"user\", entity_id=x'00'",
        sqlite: Some(("X'00'", "expected text, found bytes")), postgres: None,
        read: |s| read(s, |tx| tx.boundary_entities(&acct(A1), BILLING_ARN).map(drop)) },
    Case { table: "permissions_boundaries", column: "policy_arn", row_where: "entity_id = 'AIDAALICE0000000000001'",
        row: "account_id=\"123456789012\", entity_kind=\"user\", entity_id=\"AIDAALICE0000000000001\"",
        sqlite: NOT_UTF8, postgres: None,
        read: |s| read(s, |tx| tx.permissions_boundary(&acct(A1), &Entity::user(ALICE)).map(drop)) },
    // tags (alice's first)
    Case { table: "tags", column: "key", row_where: "resource_id = 'AIDAALICE0000000000001' AND position = 0",
        row: "account_id=\"123456789012\", resource_kind=\"user\", resource_id=\"AIDAALICE0000000000001\", position=0",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.tags(&acct(A1), &TagTarget::User(ALICE.into())).map(drop)) },
    Case { table: "tags", column: "value", row_where: "resource_id = 'AIDAALICE0000000000001' AND position = 0",
        row: "account_id=\"123456789012\", resource_kind=\"user\", resource_id=\"AIDAALICE0000000000001\", position=0",
        sqlite: NOT_UTF8, postgres: None,
        read: |s| read(s, |tx| tx.tags(&acct(A1), &TagTarget::User(ALICE.into())).map(drop)) },
    // account_aliases
    Case { table: "account_aliases", column: "alias", row_where: "alias = 'example-corp'", row: "alias=x'ff'",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.account_alias(&acct(A1)).map(drop)) },
    Case { table: "account_aliases", column: "account_id", row_where: "alias = 'example-corp'", row: "alias=\"example-corp\"",
        sqlite: both("'1234'", "not a 12-digit account id"), postgres: both("'1234'", "not a 12-digit account id"),
        read: |s| read(s, |tx| tx.alias_owner("example-corp").map(drop)) },
    // reports (the second account's: a build running)
    Case { table: "reports", column: "account_id", row_where: "account_id = '210987654321'", row: "account_id=\"2109876543210\"",
        sqlite: both("'2109876543210'", "not a 12-digit account id"), postgres: both("'2109876543210'", "not a 12-digit account id"),
        read: |s| read(s, |tx| tx.reports_building().map(drop)) },
    Case { table: "reports", column: "generated", row_where: "account_id = '123456789012'", row: "account_id=\"123456789012\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.report(&acct(A1)).map(drop)) },
    Case { table: "reports", column: "building_since", row_where: "account_id = '210987654321'", row: "account_id=\"210987654321\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.report(&acct(A2)).map(drop)) },
    Case { table: "reports", column: "rows_epoch", row_where: "account_id = '210987654321'", row: "account_id=\"210987654321\"",
        sqlite: both("'x'", "expected an integer, found text"), postgres: both("NULL", "NULL beside a report epoch"),
        read: |s| read(s, |tx| tx.report(&acct(A2)).map(drop)) },
    Case { table: "reports", column: "report_epoch", row_where: "account_id = '210987654321'", row: "account_id=\"210987654321\"",
        sqlite: both("5", "5 is not below the rows' epoch 1"), postgres: both("5", "5 is not below the rows' epoch 1"),
        read: |s| read(s, |tx| tx.report(&acct(A2)).map(drop)) },
    Case { table: "reports", column: "report_max_password_age", row_where: "account_id = '210987654321'", row: "account_id=\"210987654321\"",
        sqlite: both("70000", "70000 days is out of range"), postgres: both("70000", "70000 days is out of range"),
        read: |s| read(s, |tx| tx.report(&acct(A2)).map(drop)) },
    // report_rows (the second account's, carol's current row)
    Case { table: "report_rows", column: "name_key", row_where: "owner = 'AIDACAROL0000000000001'", row: "account_id=\"210987654321\", name_key=x'ff'",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.current_report_rows(&acct(A2), &mut |_| Ok(()))) },
    Case { table: "report_rows", column: "head", row_where: "owner = 'AIDACAROL0000000000001'", row: "account_id=\"210987654321\", name_key=\"carol\"",
        sqlite: NOT_UTF8, postgres: None,
        read: |s| read(s, |tx| tx.current_report_rows(&acct(A2), &mut |_| Ok(()))) },
    Case { table: "report_rows", column: "rotation_from", row_where: "owner = 'AIDACAROL0000000000001'", row: "account_id=\"210987654321\", name_key=\"carol\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.current_report_rows(&acct(A2), &mut |_| Ok(()))) },
    Case { table: "report_rows", column: "tail", row_where: "owner = 'AIDACAROL0000000000001'", row: "account_id=\"210987654321\", name_key=\"carol\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.current_report_rows(&acct(A2), &mut |_| Ok(()))) },
    // report_frozen_rows (the second account's stored report: carol's row as it was)
    Case { table: "report_frozen_rows", column: "owner", row_where: "owner = 'AIDACAROL0000000000001'", row: "account_id=\"210987654321\", owner=\"carol\"",
        sqlite: both("'carol'", "not root or a user id"), postgres: both("'carol'", "not root or a user id"),
        read: |s| read(s, |tx| tx.stored_report_rows(&acct(A2), 0, &mut |_| Ok(()))) },
    Case { table: "report_frozen_rows", column: "name_key", row_where: "owner = 'AIDACAROL0000000000001'", row: "account_id=\"210987654321\", owner=\"AIDACAROL0000000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.stored_report_rows(&acct(A2), 0, &mut |_| Ok(()))) },
    Case { table: "report_frozen_rows", column: "head", row_where: "owner = 'AIDACAROL0000000000001'", row: "account_id=\"210987654321\", owner=\"AIDACAROL0000000000001\"",
        sqlite: NOT_UTF8, postgres: None,
        read: |s| read(s, |tx| tx.stored_report_rows(&acct(A2), 0, &mut |_| Ok(()))) },
    Case { table: "report_frozen_rows", column: "rotation_from", row_where: "owner = 'AIDACAROL0000000000001'", row: "account_id=\"210987654321\", owner=\"AIDACAROL0000000000001\"",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.stored_report_rows(&acct(A2), 0, &mut |_| Ok(()))) },
    Case { table: "report_frozen_rows", column: "tail", row_where: "owner = 'AIDACAROL0000000000001'", row: "account_id=\"210987654321\", owner=\"AIDACAROL0000000000001\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.stored_report_rows(&acct(A2), 0, &mut |_| Ok(()))) },
    // report_files (SQLite's: where the first account's report bytes are)
    Case { table: "report_files", column: "file", row_where: "account_id = '123456789012'", row: "account_id=\"123456789012\"",
        sqlite: NOT_TEXT, postgres: None,
        read: |s| read(s, |tx| tx.report_content(&acct(A1)).map(drop)) },
    Case { table: "report_files", column: "length", row_where: "account_id = '123456789012'", row: "account_id=\"123456789012\"",
        sqlite: both("-54", "-54 is out of range"), postgres: None,
        read: |s| read(s, |tx| tx.report_content(&acct(A1)).map(drop)) },
    // console_sessions (alice's)
    Case { table: "console_sessions", column: "account_id", row_where: "owner = 'AIDAALICE0000000000001'",
        row: "token_hash=x'0707070707070707070707070707070707070707070707070707070707070707'",
        sqlite: both("'x'", "not a 12-digit account id"), postgres: both("'x'", "not a 12-digit account id"),
        read: |s| read(s, |tx| tx.console_session(&[7; 32]).map(drop)) },
    Case { table: "console_sessions", column: "owner", row_where: "owner = 'AIDAALICE0000000000001'",
        row: "token_hash=x'0707070707070707070707070707070707070707070707070707070707070707'",
        sqlite: both("'AIDA'", "not root or a user id"), postgres: both("'AIDA'", "not root or a user id"),
        read: |s| read(s, |tx| tx.console_session(&[7; 32]).map(drop)) },
    Case { table: "console_sessions", column: "stage", row_where: "owner = 'AIDAALICE0000000000001'",
        row: "token_hash=x'0707070707070707070707070707070707070707070707070707070707070707'",
        sqlite: both("'asleep'", "not a sign-in stage"), postgres: both("'asleep'", "not a sign-in stage"),
        read: |s| read(s, |tx| tx.console_session(&[7; 32]).map(drop)) },
    Case { table: "console_sessions", column: "created", row_where: "owner = 'AIDAALICE0000000000001'",
        row: "token_hash=x'0707070707070707070707070707070707070707070707070707070707070707'",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.console_session(&[7; 32]).map(drop)) },
    Case { table: "console_sessions", column: "expires", row_where: "owner = 'AIDAALICE0000000000001'",
        row: "token_hash=x'0707070707070707070707070707070707070707070707070707070707070707'",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.console_session(&[7; 32]).map(drop)) },
    Case { table: "console_sessions", column: "mfa_at", row_where: "owner = 'AIDAALICE0000000000001'",
        row: "token_hash=x'0707070707070707070707070707070707070707070707070707070707070707'",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| read(s, |tx| tx.console_session(&[7; 32]).map(drop)) },
    // sign_in_failures
    Case { table: "sign_in_failures", column: "at", row_where: "key = '6b86b273ff34fce19d6b804eff5a3f57'",
        row: "key=\"6b86b273ff34fce19d6b804eff5a3f57\", at=99999999999999",
        sqlite: both(FAR, FAR_PROBLEM), postgres: both(FAR, FAR_PROBLEM),
        read: |s| s.sign_in_failures(FAILURE_KEY, t(0)).map(drop) },
];

/// Columns no read ever decodes: each is only compared with a value the caller gives (a
/// damaged one is a row that is not found, as for any other value), or only orders rows.
const COMPARED_ONLY: &[(&str, &str, &str)] = &[
    (
        "users",
        "name_key",
        "names are looked up and ordered by it; the name itself is read",
    ),
    ("groups", "name_key", "the same"),
    ("roles", "name_key", "the same"),
    ("instance_profiles", "name_key", "the same"),
    ("managed_policies", "name_key", "the same"),
    ("inline_policies", "name_key", "the same"),
    (
        "mfa_devices",
        "serial_key",
        "devices are looked up by it; the serial itself is read",
    ),
    (
        "login_profiles",
        "account_id",
        "profiles are selected by account; the user id is read",
    ),
    (
        "mfa_devices",
        "account_id",
        "only read by its account's queries, which select by it",
    ),
    (
        "signing_certificates",
        "account_id",
        "only read by its account's queries, which select by it",
    ),
    (
        "ssh_public_keys",
        "account_id",
        "only read by its account's queries, which select by it",
    ),
    (
        "managed_policies",
        "account_id",
        "only read by its account's queries, which select by it",
    ),
    ("inline_policies", "account_id", "selected by it"),
    (
        "inline_policies",
        "entity_kind",
        "selected by it (the identity's policies)",
    ),
    (
        "inline_policies",
        "entity_id",
        "selected by it (the identity's policies)",
    ),
    (
        "policy_versions",
        "policy_id",
        "selected by it (the policy's versions)",
    ),
    ("policy_attachments", "account_id", "selected by it"),
    ("permissions_boundaries", "account_id", "selected by it"),
    (
        "group_members",
        "account_id",
        "joined and selected on, never read",
    ),
    (
        "group_members",
        "group_id",
        "joined and selected on, never read",
    ),
    (
        "group_members",
        "user_id",
        "joined and selected on, never read",
    ),
    (
        "instance_profile_roles",
        "account_id",
        "joined and selected on, never read",
    ),
    (
        "instance_profile_roles",
        "profile_id",
        "joined and selected on, never read",
    ),
    (
        "instance_profile_roles",
        "role_id",
        "joined and selected on, never read",
    ),
    ("tags", "account_id", "selected by it (a resource's tags)"),
    (
        "tags",
        "resource_kind",
        "selected by it (a resource's tags)",
    ),
    ("tags", "resource_id", "selected by it (a resource's tags)"),
    ("tags", "position", "orders a resource's tags"),
    (
        "console_sessions",
        "token_hash",
        "sessions are looked up by it",
    ),
    ("sign_in_failures", "key", "selected by it"),
    ("report_files", "account_id", "selected by it"),
    ("report_rows", "account_id", "selected by it"),
    (
        "report_rows",
        "owner",
        "selected by it (a write replaces its owner's row)",
    ),
    (
        "report_rows",
        "epoch",
        "compared with the stored report's epoch",
    ),
    ("report_frozen_rows", "account_id", "selected by it"),
    ("report_contents", "account_id", "selected by it"),
    (
        "report_contents",
        "content",
        "any bytes are a report's bytes (NOT NULL)",
    ),
    (
        "credreport_schema",
        "version",
        "the schema's version, read by the migrations",
    ),
];

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

/// Runs `case` on a fresh store of `backend`: populated, damaged, read. Answers what went
/// otherwise than expected, if anything; `None` also when the damage cannot be stored.
fn check(case: &Case, backend: Backend) -> Option<String> {
    let (value, problem) = match backend {
        Backend::Sqlite => case.sqlite?,
        Backend::Postgres => case.postgres?,
    };
    let update = format!(
        "UPDATE {} SET {} = {value} WHERE {}",
        case.table, case.column, case.row_where
    );
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = match backend {
        Backend::Sqlite => {
            let path = dir.path().join("iam.db");
            let store = Arc::new(SqliteStore::open(&path).unwrap());
            populate(store.as_ref());
            boundaries(store.as_ref());
            kept_rows(store.as_ref());
            damage_sqlite(&path, &update);
            store
        }
        Backend::Postgres => {
            let url = fresh_database("damaged");
            let store = Arc::new(PgStore::open(&PgUrl::parse(&url).unwrap()).unwrap());
            populate(store.as_ref());
            boundaries(store.as_ref());
            kept_rows(store.as_ref());
            damage_postgres(&url, &update);
            store
        }
    };
    let want = format!(
        "a stored value does not decode: table {}, row {}, column {}: {problem}",
        case.table, case.row, case.column
    );
    match (case.read)(store.as_ref()) {
        Err(Error::Internal(got)) if got == want => None,
        other => Some(format!(
            "{backend:?}, {}.{} ({update}):\n  want Internal({want:?})\n  got  {other:?}",
            case.table, case.column
        )),
    }
}

fn damage_sqlite(path: &Path, update: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    // A damaged account id refers to no account: the store must cope with whatever the
    // file holds.
    conn.pragma_update(None, "foreign_keys", "OFF").unwrap();
    let n = conn.execute(update, []).unwrap();
    assert_eq!(n, 1, "{update}: one row damaged");
}

fn damage_postgres(url: &str, update: &str) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    // Foreign keys are not checked for this session (a damaged account id refers to no
    // account): the store must cope with whatever the database holds.
    client
        .batch_execute("SET session_replication_role = replica")
        .unwrap();
    let n = client.execute(update, &[]).unwrap();
    assert_eq!(n, 1, "{update}: one row damaged");
}

fn check_all(backend: Backend) {
    let failures: Vec<String> = CASES.iter().filter_map(|c| check(c, backend)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn every_damaged_value_of_a_sqlite_store_is_an_error_naming_where_it_is() {
    check_all(Backend::Sqlite);
}

#[test]
fn every_damaged_value_of_a_postgres_store_is_an_error_naming_where_it_is() {
    check_all(Backend::Postgres);
}

/// The columns of every table of both schemas, as `(table, column)`.
fn columns_of_both_schemas() -> BTreeSet<(String, String)> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iam.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mut columns: BTreeSet<(String, String)> = conn
        .prepare(
            "SELECT m.name, p.name FROM sqlite_schema m, pragma_table_info(m.name) p
             WHERE m.type = 'table'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let url = fresh_database("damaged_columns");
    drop(PgStore::open(&PgUrl::parse(&url).unwrap()).unwrap());
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for row in client
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
    {
        columns.insert((row.get(0), row.get(1)));
    }
    columns
}

#[test]
fn every_column_read_has_a_damage_case_and_every_other_its_reason() {
    let cased: BTreeSet<(String, String)> = CASES
        .iter()
        .map(|c| (c.table.to_owned(), c.column.to_owned()))
        .collect();
    let compared: BTreeSet<(String, String)> = COMPARED_ONLY
        .iter()
        .map(|(t, c, _)| ((*t).to_owned(), (*c).to_owned()))
        .collect();
    assert!(
        cased.is_disjoint(&compared),
        "{:?}",
        cased.intersection(&compared)
    );
    let schema = columns_of_both_schemas();
    let missing: Vec<_> = schema
        .iter()
        .filter(|c| !cased.contains(*c) && !compared.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "columns with no damage case: {missing:?}"
    );
    let unknown: Vec<_> = cased
        .union(&compared)
        .filter(|c| !schema.contains(*c))
        .collect();
    assert!(
        unknown.is_empty(),
        "cases of columns no schema has: {unknown:?}"
    );
}

/// The case: a damaged list of previous passwords is an error (the password reuse
/// rule is never switched off by it), and its message does not quote the value (it holds
/// password hashes).
#[test]
fn a_damaged_password_history_is_an_error_that_does_not_quote_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iam.db");
    let store = Arc::new(SqliteStore::open(&path).unwrap());
    populate(store.as_ref());
    boundaries(store.as_ref());
    damage_sqlite(
        &path,
        "UPDATE login_profiles SET previous = 'not a list' WHERE user_id = 'AIDAALICE0000000000001'",
    );
    let profile = read(store.as_ref(), |tx| tx.login_profile(&acct(A1), ALICE));
    let Err(Error::Internal(message)) = profile else {
        panic!("{profile:?}");
    };
    assert!(
        message.contains(
            "table login_profiles, row user_id=\"AIDAALICE0000000000001\", column previous"
        ),
        "{message}"
    );
    assert!(
        !message.contains("not a list"),
        "the value stays out of the message: {message}"
    );
}
