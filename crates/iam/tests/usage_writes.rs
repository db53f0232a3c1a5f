//! The usage windows' promise: a use inside the window costs no store write, and a use
//! answered `Recorded` is in the store (so a restart loses nothing).

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use credreport_iam::model::{KeyUse, Owner};
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::store::{Store, Tx};
use credreport_iam::{AccountId, Iam, IamConfig, ManualClock, Result, SqliteStore, UseOutcome};
use credreport_report::Timestamp;

/// A store that counts the usage writes that reach it.
#[derive(Debug)]
struct Counting {
    inner: SqliteStore,
    key_writes: AtomicUsize,
}

impl Store for Counting {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.inner.read(f)
    }
    fn write(
        &self,
        account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        self.inner.write(account, f)
    }
    fn record_key_use(&self, key_id: &str, used: &KeyUse, window_secs: i64) -> Result<bool> {
        self.key_writes.fetch_add(1, Ordering::SeqCst);
        self.inner.record_key_use(key_id, used, window_secs)
    }
    fn record_password_use(
        &self,
        account: &AccountId,
        owner: &Owner,
        at: Timestamp,
        window_secs: i64,
    ) -> Result<bool> {
        self.inner
            .record_password_use(account, owner, at, window_secs)
    }
}

#[test]
fn uses_inside_the_window_cost_no_store_write_and_recorded_uses_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iam.db");
    let clock = ManualClock::new(Timestamp::parse(b"2026-01-01T10:00:30Z").unwrap().0);
    let key = MasterKey::generate().unwrap();
    let counting = Arc::new(Counting {
        inner: SqliteStore::open(&path).unwrap(),
        key_writes: AtomicUsize::new(0),
    });
    let iam = Iam::new(
        counting.clone(),
        Arc::new(clock.clone()),
        key.clone(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let created = iam.create_account(None, false).unwrap();
    let key_id = created.root_key.unwrap().key.id;

    assert_eq!(
        iam.record_key_use(&key_id, iam.now(), "us-east-1", "iam")
            .unwrap(),
        UseOutcome::Recorded
    );
    for _ in 0..10_000 {
        assert_eq!(
            iam.record_key_use(&key_id, iam.now(), "eu-west-1", "sts")
                .unwrap(),
            UseOutcome::InWindow
        );
    }
    clock.advance(14 * 60 + 29); // 10:14:59, still inside the span that began at 10:00:00
    assert_eq!(
        iam.record_key_use(&key_id, iam.now(), "eu-west-1", "sts")
            .unwrap(),
        UseOutcome::InWindow
    );
    assert_eq!(
        counting.key_writes.load(Ordering::SeqCst),
        1,
        "10,001 uses inside the window, one write"
    );

    clock.advance(1); // 10:15:00
    assert_eq!(
        iam.record_key_use(&key_id, iam.now(), "eu-west-1", "sts")
            .unwrap(),
        UseOutcome::Recorded
    );
    drop(iam);

    // A fresh process on the same file sees the recorded use and keeps the window.
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).unwrap());
    let restarted = Iam::new(
        store,
        Arc::new(clock.clone()),
        key,
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let (k, _) = restarted.access_key(&key_id).unwrap().unwrap();
    let used = k.last_used.unwrap();
    assert_eq!(
        (
            used.at.to_zulu().as_str(),
            used.region.as_str(),
            used.service.as_str()
        ),
        ("2026-01-01T10:15:00Z", "eu-west-1", "sts")
    );
    clock.advance(60);
    assert_eq!(
        restarted
            .record_key_use(&key_id, restarted.now(), "ap-south-1", "iam")
            .unwrap(),
        UseOutcome::InWindow
    );
}
