//! What costs a store write and what does not: a use inside a usage window costs none, and
//! a use answered `Recorded` is in the store (so a restart loses nothing); polling
//! GenerateCredentialReport while a build runs, or once the report is fresh, never takes
//! the account's writer.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::store::{Store, Tx};
use credreport_iam::{
    AccountId, Iam, IamConfig, ManualClock, ReportState, Result, SqliteStore, UseOutcome,
};
use credreport_report::Timestamp;

/// A store that counts the write transactions (usage recording among them) that reach it.
#[derive(Debug)]
struct Counting {
    inner: SqliteStore,
    writes: AtomicUsize,
}

impl Counting {
    fn open(path: &std::path::Path) -> Arc<Counting> {
        Arc::new(Counting {
            inner: SqliteStore::open(path).unwrap(),
            writes: AtomicUsize::new(0),
        })
    }
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
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.inner.write(account, f)
    }
    fn sign_in_failures(&self, key: &str, since: Timestamp) -> Result<Vec<Timestamp>> {
        self.inner.sign_in_failures(key, since)
    }
    fn record_sign_in_failure(&self, key: &str, at: Timestamp, forget: Timestamp) -> Result<()> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.inner.record_sign_in_failure(key, at, forget)
    }
    fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        self.writes.fetch_add(1, Ordering::SeqCst);
        self.inner.clear_sign_in_failures(key)
    }
}

#[test]
fn uses_inside_the_window_cost_no_store_write_and_recorded_uses_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iam.db");
    let clock = ManualClock::new(Timestamp::parse(b"2026-01-01T10:00:30Z").unwrap().0);
    let key = MasterKey::generate().unwrap();
    let counting = Counting::open(&path);
    let iam = Iam::new(
        counting.clone(),
        Arc::new(clock.clone()),
        key.clone(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let created = iam.create_account(None, false).unwrap();
    let key_id = created.root_key.unwrap().key.id;
    let before = counting.writes.load(Ordering::SeqCst);

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
        counting.writes.load(Ordering::SeqCst) - before,
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

#[test]
fn polling_generate_credential_report_takes_no_writer() {
    let dir = tempfile::tempdir().unwrap();
    let clock = ManualClock::new(Timestamp::parse(b"2026-01-01T10:00:30Z").unwrap().0);
    let counting = Counting::open(&dir.path().join("iam.db"));
    let iam = Iam::new(
        counting.clone(),
        Arc::new(clock.clone()),
        MasterKey::generate().unwrap(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let account = iam.create_account(None, false).unwrap().account.id;
    let writes = || counting.writes.load(Ordering::SeqCst);

    let started = iam.generate_credential_report(&account).unwrap();
    assert_eq!(started.state, ReportState::Started);
    let build = started.build.unwrap();
    let before = writes();
    for _ in 0..100 {
        let poll = iam.generate_credential_report(&account).unwrap();
        assert_eq!(poll.state, ReportState::InProgress);
        assert!(poll.build.is_none());
    }
    assert_eq!(writes(), before, "polls while the build runs write nothing");

    build.run().unwrap();
    let built = writes();
    assert_eq!(
        built,
        before + 1,
        "the build stores its report in one write"
    );
    clock.advance(60);
    for _ in 0..100 {
        let poll = iam.generate_credential_report(&account).unwrap();
        assert_eq!(poll.state, ReportState::Complete);
        assert_eq!(poll.description, None);
    }
    assert_eq!(writes(), built, "polls of a fresh report write nothing");

    clock.advance(4 * 3600); // the report is now older than 4 hours
    let again = iam.generate_credential_report(&account).unwrap();
    assert_eq!(again.state, ReportState::Started);
    assert_eq!(writes(), built + 1, "starting a build is a write");
    drop(again.build);
}
