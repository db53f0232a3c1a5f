//! The PostgreSQL store against the same conformance suite as SQLite, on a real server
//! (`CREDREPORT_TEST_DATABASE_URL`; `scripts/test.sh` starts one), plus what only a
//! server shared by several processes has: migrations under a lock, a schema from the
//! future refused, and key changes announced to every instance.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use credreport_iam::store::postgres::{PgStore, PgUrl};
use credreport_iam::store::{conformance, Store};
use credreport_testkit::postgres::fresh_database;

fn open(url: &str) -> PgStore {
    PgStore::open(&PgUrl::parse(url).unwrap()).unwrap()
}

#[test]
fn postgres_store_passes_the_conformance_suite() {
    conformance::run(&|| Arc::new(open(&fresh_database("conformance"))) as Arc<dyn Store>);
}

#[test]
fn instances_starting_together_migrate_once() {
    let url = fresh_database("migrate");
    let stores: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| PgUrl::parse(&url).and_then(|u| PgStore::open(&u))))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(stores.iter().all(Result::is_ok), "{stores:?}");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let rows = client
        .query("SELECT version FROM credreport_schema", &[])
        .unwrap();
    assert_eq!(rows.len(), 1);
}

#[test]
fn a_schema_newer_than_the_program_is_refused_by_name() {
    let url = fresh_database("future");
    drop(open(&url));
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .execute("UPDATE credreport_schema SET version = 999", &[])
        .unwrap();
    let err = PgStore::open(&PgUrl::parse(&url).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("schema is version 999, newer than this program knows"),
        "{err}"
    );
}
