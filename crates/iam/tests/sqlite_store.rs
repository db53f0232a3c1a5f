//! The SQLite store against the conformance suite, on real files.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use credreport_iam::store::Store;
use credreport_iam::SqliteStore;

/// Each check of the suite, a test of its own, on a new file in a directory of its own.
mod conformance {
    use super::*;

    fn fresh() -> (Arc<dyn Store>, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("iam.db")).unwrap();
        (Arc::new(store), dir)
    }

    credreport_iam::store_conformance_tests!(fresh);
}

#[test]
fn reopening_keeps_the_schema_and_the_data() {
    use credreport_iam::store::{read, write};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iam.db");
    let account = credreport_iam::AccountId::parse("123456789012").unwrap();
    {
        let store = SqliteStore::open(&path).unwrap();
        write(&store, None, |tx| {
            tx.insert_account(&credreport_iam::model::Account {
                id: account.clone(),
                created: credreport_report::Timestamp::from_unix(0).unwrap(),
                organization_member: true,
                root_password: None,
                root_password_last_used: None,
                password_policy: None,
            })
        })
        .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let back = read(&store, |tx| tx.account(&account)).unwrap().unwrap();
    assert!(back.organization_member);
}
