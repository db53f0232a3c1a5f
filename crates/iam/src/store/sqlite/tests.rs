//! The SQLite store's own tests: migrations, report files, query plans, the checkpoint
//! thread, the statement cache. (The record operations are the conformance suite's.)

#![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

use std::path::{Path, PathBuf};

use credreport_report::Timestamp;
use credreport_testkit::eventually;
use rusqlite::Connection;

use super::connect;
use super::migrate::{migrate, MIGRATIONS};
use super::SqliteStore;
use crate::error::Error;
use crate::ids::AccountId;
use crate::model::{Account, KeptRows, Owner, StoredReport, User};
use crate::store::report_files::{self, ReportFiles};
use crate::store::sql::{KEY_FACTS, USERS_PAGE};
use crate::store::{read, write};

/// A schema in memory (no report ever written, so no directory of report files).
fn migrated_in_memory() -> Connection {
    let conn = Connection::open_in_memory().unwrap();
    migrate(&conn, &ReportFiles::beside(Path::new("unused-in-memory"))).unwrap();
    conn
}

#[test]
fn a_version_1_store_keeps_its_reports_and_keys_through_every_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iam.db");
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].sql).unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO accounts (id, created, organization_member) VALUES
                 ('111111111111', 0, 0), ('222222222222', 0, 0), ('333333333333', 0, 0);
             INSERT INTO reports (account_id, generated, content, building_since) VALUES
                 ('111111111111', 60, X'757365722C61726E', NULL),
                 ('222222222222', 60, X'757365722C61726E', 120),
                 ('333333333333', NULL, NULL, 120);
             INSERT INTO access_keys (key_id, account_id, owner, secret, active, created,
                 last_used, last_used_region, last_used_service) VALUES
                 ('AKIAAAAAAAAAAAAAAAAA', '111111111111', 'root', X'00', 1, 30, 90, 'us-east-1', 'iam');",
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let at = |secs| Timestamp::from_unix(secs);
    for (id, generated, building_since, content) in [
        ("111111111111", at(60), None, Some(&b"user,arn"[..])),
        ("222222222222", at(60), at(120), Some(&b"user,arn"[..])),
        ("333333333333", None, at(120), None),
    ] {
        let account = AccountId::parse(id).unwrap();
        let (report, bytes) = read(&store, |tx| {
            Ok((tx.report(&account)?, tx.report_content(&account)?))
        })
        .unwrap();
        assert_eq!(
            report,
            StoredReport {
                generated,
                building_since,
                rows: KeptRows::NotYet,
            },
            "{id}"
        );
        assert_eq!(bytes.as_deref(), content, "{id}");
    }
    assert_eq!(report_file_names(&path).len(), 2);
    let key = read(&store, |tx| tx.access_key("AKIAAAAAAAAAAAAAAAAA"))
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            key.account.as_str(),
            key.owner,
            key.active,
            key.created.unix()
        ),
        ("111111111111", Owner::Root, true, 30)
    );
    assert_eq!(
        key.last_used.map(|u| (u.at.unix(), u.region)),
        Some((90, "us-east-1".into()))
    );
    let tables: i64 = store
        .writer
        .lock()
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name = 'report_contents'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(tables, 0, "report_contents is dropped");
}

fn report_file_names(db: &Path) -> Vec<String> {
    let mut dir = db.as_os_str().to_owned();
    dir.push("-reports");
    let mut names: Vec<String> = std::fs::read_dir(PathBuf::from(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// A store at `dir/iam.db` with one account, `123456789012`.
fn store_with_account(dir: &Path) -> (SqliteStore, AccountId) {
    let store = SqliteStore::open(&dir.join("iam.db")).unwrap();
    let account = AccountId::parse("123456789012").unwrap();
    write(&store, None, |tx| {
        tx.insert_account(&Account {
            id: account.clone(),
            created: Timestamp::from_unix(0).unwrap(),
            organization_member: false,
            root_password: None,
            root_password_last_used: None,
            password_policy: None,
        })
    })
    .unwrap();
    (store, account)
}

#[test]
fn a_replaced_report_file_is_removed_once_the_replacement_commits() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(dir.path());
    for content in [&b"first"[..], b"second", b"third"] {
        write(&store, None, |tx| tx.put_report_content(&account, content)).unwrap();
        let got = read(&store, |tx| tx.report_content(&account)).unwrap();
        assert_eq!(got.as_deref(), Some(content));
        let one_left = eventually(|| report_file_names(&store.path).len() == 1);
        assert!(one_left, "{:?}", report_file_names(&store.path));
    }
}

#[test]
fn a_rolled_back_report_leaves_no_file_and_the_previous_report_stands() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(dir.path());
    write(&store, None, |tx| tx.put_report_content(&account, b"kept")).unwrap();
    let before = report_file_names(&store.path);
    let failed = write(&store, None, |tx| {
        tx.put_report_content(&account, b"dropped")?;
        Err::<(), _>(Error::internal("the build failed after storing"))
    });
    assert!(failed.is_err());
    assert_eq!(report_file_names(&store.path), before);
    let got = read(&store, |tx| tx.report_content(&account)).unwrap();
    assert_eq!(got.as_deref(), Some(&b"kept"[..]));
}

/// The reader's snapshot names the first file; a build replaces it (and removes the
/// file) before the reader opens it. The read runs again and sees the new report.
#[test]
fn a_read_whose_report_file_was_replaced_meanwhile_runs_again() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(dir.path());
    write(&store, None, |tx| tx.put_report_content(&account, b"old")).unwrap();
    let mut runs = 0;
    let got = read(&store, |tx| {
        runs += 1;
        let _ = tx.report(&account)?; // the snapshot starts here
        if runs == 1 {
            write(&store, None, |w| w.put_report_content(&account, b"new")).unwrap();
            let removed = eventually(|| report_file_names(&store.path).len() == 1);
            assert!(removed, "the replaced file is still there after 5 s");
        }
        tx.report_content(&account)
    })
    .unwrap();
    assert_eq!((runs, got.as_deref()), (2, Some(&b"new"[..])));
}

#[test]
fn opening_a_store_removes_old_report_files_that_no_row_names() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(dir.path());
    write(&store, None, |tx| {
        tx.put_report_content(&account, b"report")
    })
    .unwrap();
    let named = report_file_names(&store.path);
    drop(store);
    let reports = dir.path().join("iam.db-reports");
    let orphan = reports.join("123456789012-00000000000000ff.csv");
    std::fs::write(&orphan, b"a build that died before its commit").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&orphan)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - 2 * report_files::ORPHAN_AGE)
        .unwrap();

    let store = SqliteStore::open(&dir.path().join("iam.db")).unwrap();
    assert_eq!(report_file_names(&store.path), named);
    let got = read(&store, |tx| tx.report_content(&account)).unwrap();
    assert_eq!(got.as_deref(), Some(&b"report"[..]));
}

/// A report build reads every user (ListUsers a page of them) and every access key of
/// an account; a second search per row, in the table, made each read a third slower
/// (migrations 3 and 5).
#[test]
fn report_reads_are_one_range_scan_each() {
    let conn = migrated_in_memory();
    for (query, params, step) in [
        (
            USERS_PAGE.text,
            &["123456789012", "/", "", "10"][..],
            "SEARCH users USING COVERING INDEX users_listing ",
        ),
        (
            KEY_FACTS.text,
            &["123456789012"][..],
            "SEARCH access_keys USING PRIMARY KEY (account_id=?)",
        ),
    ] {
        let plan: Vec<String> = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {query}"))
            .unwrap()
            .query_map(rusqlite::params_from_iter(params), |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(plan.len(), 1, "{plan:?}");
        assert!(plan[0].starts_with(step), "{plan:?}");
    }
}

/// The writer never checkpoints (its automatic checkpoint is off), so pages reach the
/// database file only through the checkpoint thread.
#[test]
fn the_checkpoint_thread_moves_committed_pages_into_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let (store, account) = store_with_account(dir.path());
    let before = std::fs::metadata(&store.path).unwrap().len();
    // 2,000 users with 500-byte paths: over a megabyte of rows and index entries.
    let path = format!("/{}/", "p".repeat(498));
    write(&store, None, |tx| {
        for i in 0..2_000 {
            tx.insert_user(&User {
                account: account.clone(),
                id: format!("AIDA{i:017}"),
                name: format!("user{i}"),
                path: path.clone(),
                created: Timestamp::from_unix(0).unwrap(),
                password_last_used: None,
            })?;
        }
        Ok(())
    })
    .unwrap();
    let grown = eventually(|| std::fs::metadata(&store.path).unwrap().len() >= before + (1 << 20));
    assert!(grown, "the database file did not grow within 5 s");
}

/// A cached statement runs again with new values without being compiled again.
#[test]
fn cached_queries_are_not_compiled_again_for_new_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iam.db");
    let conn = connect(&path).unwrap();
    migrate(&conn, &ReportFiles::beside(&path)).unwrap();
    for (query, values) in [
        (
            USERS_PAGE.text,
            [
                ["123456789012", "/", "", "10"],
                ["210987654321", "/a/", "b", "5"],
            ],
        ),
        (KEY_FACTS.text, [["123456789012"; 4], ["210987654321"; 4]]),
    ] {
        for params in values {
            let mut stmt = conn.prepare_cached(query).unwrap();
            let params = &params[..stmt.parameter_count()];
            let mut rows = stmt.query(rusqlite::params_from_iter(params)).unwrap();
            while rows.next().unwrap().is_some() {}
        }
        let stmt = conn.prepare_cached(query).unwrap();
        assert_eq!(
            stmt.get_status(rusqlite::StatementStatus::RePrepare),
            0,
            "{query}"
        );
    }
}

/// `synchronous` of the writer connection: 2 is FULL, 1 is NORMAL.
fn writer_synchronous(store: &SqliteStore) -> i64 {
    store
        .writer()
        .unwrap()
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap()
}

#[test]
fn the_writer_is_durable_again_after_an_unsynced_write_whatever_its_end() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("iam.db")).unwrap();
    assert_eq!(writer_synchronous(&store), 2, "a writer starts durable");
    for (end, fails) in [("committed", false), ("rolled back", true)] {
        let answered = crate::store::Store::write_unsynced(&store, None, &mut |_| {
            if fails {
                return Err(Error::LimitExceeded("stop".into()));
            }
            Ok(())
        });
        assert_eq!(answered.is_err(), fails, "the {end} write's answer");
        assert_eq!(
            writer_synchronous(&store),
            2,
            "after a {end} unsynced write"
        );
    }
}

/// An unsynced commit leaves the checkpoint thread asleep (a checkpoint would sync the WAL
/// it spared); the next synced commit wakes it.
#[test]
fn an_unsynced_write_does_not_wake_the_checkpointer_and_a_synced_one_does() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("iam.db")).unwrap();
    let quiet = super::super::checkpoint::MIN_INTERVAL * 3;
    let settled = (0..40).any(|_| {
        let runs = store.checkpointer.runs();
        std::thread::sleep(quiet);
        store.checkpointer.runs() == runs
    });
    assert!(settled, "the checkpoints after opening end");
    let before = store.checkpointer.runs();
    crate::store::Store::write_unsynced(&store, None, &mut |_| Ok(())).unwrap();
    std::thread::sleep(quiet);
    assert_eq!(
        store.checkpointer.runs(),
        before,
        "woken by an unsynced write"
    );
    write(&store, None, |_| Ok(())).unwrap();
    assert!(
        eventually(|| store.checkpointer.runs() > before),
        "a synced write wakes the checkpointer"
    );
}
