//! The PostgreSQL store against the same conformance suite as SQLite, on a real server
//! (`CREDREPORT_TEST_DATABASE_URL`; `scripts/test.sh` starts one), plus what only a
//! server shared by several processes has: migrations under a lock, a schema from the
//! future refused, and key changes announced to every instance.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use credreport_iam::store::postgres::{PgStore, PgUrl};
use credreport_iam::store::Store;
use credreport_testkit::postgres::fresh_database;

fn open(url: &str) -> PgStore {
    PgStore::open(&PgUrl::parse(url).unwrap()).unwrap()
}

/// Each check of the suite, a test of its own, on a database of its own.
mod conformance {
    use super::*;

    fn fresh() -> (Arc<dyn Store>, ()) {
        (Arc::new(open(&fresh_database("conformance"))), ())
    }

    credreport_iam::store_conformance_tests!(fresh);
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

mod fleet {
    //! Two `Iam`s on one database: two instances of a fleet, in one process.

    use super::*;
    use credreport_iam::model::Owner;
    use credreport_iam::password::PasswordHasher;
    use credreport_iam::secret::MasterKey;
    use credreport_iam::store::{BuildClaim, Changes, ReadPart, Tx};
    use credreport_iam::{AccountId, Iam, IamConfig, ManualClock, ReportState, REPORT_FRESH_SECS};
    use credreport_report::Timestamp;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    const T0: i64 = 1_700_000_040;

    fn instances(n: usize) -> (Vec<Iam>, AccountId) {
        instances_at(n, &ManualClock::new(Timestamp::from_unix(T0).unwrap()))
    }

    fn instances_at(n: usize, clock: &ManualClock) -> (Vec<Iam>, AccountId) {
        let url = fresh_database("fleet");
        let key = MasterKey::from_hex(&"ab".repeat(32)).unwrap();
        let fleet: Vec<Iam> = (0..n)
            .map(|_| {
                let iam = Iam::new(
                    Arc::new(open(&url)),
                    Arc::new(clock.clone()),
                    key.clone(),
                    PasswordHasher::fast_insecure_for_tests(),
                    IamConfig::standard(),
                );
                iam.watch_store().unwrap();
                iam
            })
            .collect();
        let account = fleet[0].create_first_account().unwrap().unwrap().account.id;
        assert!(
            fleet[1].create_first_account().unwrap().is_none(),
            "one first account"
        );
        (fleet, account)
    }

    #[test]
    fn a_running_build_is_in_progress_everywhere_and_one_whose_instance_died_is_built_again() {
        let (fleet, account) = instances(2);
        let started = fleet[0].generate_credential_report(&account).unwrap();
        assert_eq!(started.state, ReportState::Started);
        let other = fleet[1].generate_credential_report(&account).unwrap();
        assert_eq!(other.state, ReportState::InProgress, "the claim is held");
        // The instance dies mid-build: its claim goes with it (here: dropped unrun).
        drop(started.build);
        let again = fleet[1].generate_credential_report(&account).unwrap();
        assert_eq!(
            again.state,
            ReportState::Started,
            "no live builder: built again"
        );
        let report = again.build.unwrap().run().unwrap().unwrap();
        for iam in &fleet {
            assert_eq!(iam.credential_report(&account).unwrap(), report);
            let state = iam.generate_credential_report(&account).unwrap().state;
            assert_eq!(state, ReportState::Complete);
        }
    }

    #[test]
    fn a_build_claim_is_exclusive_and_let_go_when_its_holder_drops_it() {
        let url = fresh_database("claims");
        let (a, b) = (open(&url), open(&url));
        let account = AccountId::parse("123456789012").unwrap();
        let other = AccountId::parse("210987654321").unwrap();
        let held = a.claim_build(&account).unwrap();
        assert!(matches!(held, BuildClaim::Held(_)));
        assert!(matches!(b.claim_build(&account).unwrap(), BuildClaim::Busy));
        assert!(matches!(
            b.claim_build(&other).unwrap(),
            BuildClaim::Held(_)
        ));
        drop(held);
        assert!(matches!(
            b.claim_build(&account).unwrap(),
            BuildClaim::Held(_)
        ));
    }

    /// Failed console sign-ins are counted across the fleet: five failures spread over two
    /// instances make the next try wait on either, as they would on one.
    #[test]
    fn sign_in_failures_on_any_instance_count_towards_one_lockout() {
        use credreport_iam::secret::Secret;
        use credreport_iam::{Error, SignInAs};
        let (fleet, account) = instances(2);
        let wrong = Secret::from_string("not the password".into());
        for i in 0..5 {
            let got =
                fleet[i % 2].console_sign_in(account.as_str(), SignInAs::User("mallory"), &wrong);
            assert!(
                matches!(got, Err(Error::AccessDenied(_))),
                "try {i}: {got:?}"
            );
        }
        for iam in &fleet {
            let got = iam.console_sign_in(account.as_str(), SignInAs::User("Mallory"), &wrong);
            assert!(matches!(got, Err(Error::Throttling(_))), "{got:?}");
        }
    }

    /// Issue #16: a key's last use is recorded at most once per 15 minutes across the
    /// fleet, whichever instance sees each use, and the latest recorded use is never lost
    /// to an instance that remembers an older one.
    #[test]
    fn usage_windows_hold_across_instances() {
        use credreport_iam::UseOutcome::{InWindow, Recorded};
        let t = |minutes: i64| Timestamp::from_unix(T0 + minutes * 60).unwrap();
        let (fleet, account) = instances(2);
        let user = fleet[0].create_user(&account, "svc", None).unwrap();
        let key = fleet[0]
            .create_access_key(&account, &Owner::User(user.id))
            .unwrap()
            .key
            .id;
        for (instance, minute, expected) in [
            (0, 0, Recorded),
            (1, 5, InWindow), // another instance, inside A's window
            (0, 14, InWindow),
            (1, 16, Recorded), // the next window opens on B
            (0, 17, InWindow), // A remembers minute 0, but the store has 16
            (0, 25, InWindow),
            (1, 31, Recorded),
        ] {
            let got = fleet[instance]
                .record_key_use(&key, t(minute), "us-east-1", "iam")
                .unwrap();
            assert_eq!(got, expected, "instance {instance}, minute {minute}");
        }
        let stored = fleet[0].access_key(&key).unwrap().unwrap().0;
        assert_eq!(stored.last_used.map(|u| u.at), Some(t(31)));
    }

    /// A store that counts every call that reaches it (each one reads or writes the
    /// database), but for the one that starts listening for announcements.
    #[derive(Debug)]
    struct Counting {
        inner: PgStore,
        calls: AtomicUsize,
    }

    impl Counting {
        fn count(&self) -> usize {
            self.calls.load(Ordering::SeqCst)
        }

        fn tick(&self) -> &PgStore {
            self.calls.fetch_add(1, Ordering::SeqCst);
            &self.inner
        }
    }

    impl Store for Counting {
        fn read(
            &self,
            f: &mut dyn FnMut(&mut dyn Tx) -> credreport_iam::Result<()>,
        ) -> credreport_iam::Result<()> {
            self.tick().read(f)
        }
        fn read_parts(&self, parts: &mut [&mut ReadPart<'_>]) -> credreport_iam::Result<()> {
            self.tick().read_parts(parts)
        }
        fn write(
            &self,
            account: Option<&AccountId>,
            f: &mut dyn FnMut(&mut dyn Tx) -> credreport_iam::Result<()>,
        ) -> credreport_iam::Result<()> {
            self.tick().write(account, f)
        }
        fn sign_in_failures(
            &self,
            key: &str,
            since: Timestamp,
        ) -> credreport_iam::Result<Vec<Timestamp>> {
            self.tick().sign_in_failures(key, since)
        }
        fn record_sign_in_failure(
            &self,
            key: &str,
            at: Timestamp,
            forget: Timestamp,
        ) -> credreport_iam::Result<()> {
            self.tick().record_sign_in_failure(key, at, forget)
        }
        fn clear_sign_in_failures(&self, key: &str) -> credreport_iam::Result<()> {
            self.tick().clear_sign_in_failures(key)
        }
        fn claim_build(&self, account: &AccountId) -> credreport_iam::Result<BuildClaim> {
            self.tick().claim_build(account)
        }
        fn watch_changes(&self, changed: Changes) -> credreport_iam::Result<bool> {
            self.inner.watch_changes(changed)
        }
    }

    /// Issue #26: a change made through instance B is in the next report generated through
    /// instance A; B answers which report is current from the database once, then from
    /// memory (counted: no call reaches B's store), and learns of A's next report from its
    /// announcement, within a second.
    #[test]
    fn a_report_is_built_across_instances_and_an_unchanged_one_answered_without_the_database() {
        let clock = ManualClock::new(Timestamp::from_unix(T0).unwrap());
        let url = fresh_database("reports");
        let key = MasterKey::from_hex(&"ab".repeat(32)).unwrap();
        let instance = |store: Arc<dyn Store>| {
            let iam = Iam::new(
                store,
                Arc::new(clock.clone()),
                key.clone(),
                PasswordHasher::fast_insecure_for_tests(),
                IamConfig::standard(),
            );
            iam.watch_store().unwrap();
            iam
        };
        let a = instance(Arc::new(open(&url)));
        let counting = Arc::new(Counting {
            inner: open(&url),
            calls: AtomicUsize::new(0),
        });
        let b = instance(counting.clone());
        let account = a.create_first_account().unwrap().unwrap().account.id;
        let has = |iam: &Iam, name: &str| {
            let content = iam.credential_report(&account).unwrap().content;
            String::from_utf8(content)
                .unwrap()
                .contains(&format!("\n{name},"))
        };

        b.create_user(&account, "made-on-b", None).unwrap();
        let generation = a.generate_credential_report(&account).unwrap();
        let first = generation.build.unwrap().complete().unwrap().unwrap();
        assert_eq!(b.credential_report_generated(&account).unwrap(), first);
        assert!(has(&b, "made-on-b") && has(&a, "made-on-b"));

        // A's announcement of its report may still be on its way to B, and B forgets what it
        // read when it comes: wait (bounded) until a call after a pause reads nothing.
        for _ in 0..40 {
            std::thread::sleep(Duration::from_millis(50));
            let before = counting.count();
            assert_eq!(b.credential_report_generated(&account).unwrap(), first);
            assert_eq!(b.credential_report_generated(&account).unwrap(), first);
            if counting.count() == before {
                break;
            }
        }
        let before = counting.count();
        for _ in 0..100 {
            assert_eq!(b.credential_report_generated(&account).unwrap(), first);
        }
        assert_eq!(
            counting.count(),
            before,
            "an unchanged report answered without the database"
        );

        clock.advance(REPORT_FRESH_SECS);
        b.create_user(&account, "second-on-b", None).unwrap();
        let generation = a.generate_credential_report(&account).unwrap();
        let second = generation.build.unwrap().complete().unwrap().unwrap();
        let learned = Instant::now();
        while b.credential_report_generated(&account).unwrap() != second {
            assert!(
                learned.elapsed() < Duration::from_secs(1),
                "the new report unseen after 1 s"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        eprintln!(
            "the other instance answered the new report after {:?}",
            learned.elapsed()
        );
        assert!(has(&b, "second-on-b"));
    }

    /// Issue #16: a key made inactive or deleted through instance A is refused by instance
    /// B within 1 second, although B keeps keys in memory for 5.
    #[test]
    fn a_key_changed_on_one_instance_is_refused_by_the_other_within_a_second() {
        let (fleet, account) = instances(2);
        let user = fleet[0].create_user(&account, "alice", None).unwrap();
        let owner = Owner::User(user.id);
        for delete in [false, true] {
            let key = fleet[0].create_access_key(&account, &owner).unwrap().key.id;
            let kept = fleet[1].signing_key(&key).unwrap().unwrap();
            assert!(kept.active);
            let changed = Instant::now();
            if delete {
                fleet[0].delete_access_key(&account, &owner, &key).unwrap();
            } else {
                fleet[0]
                    .update_access_key(&account, &owner, &key, false)
                    .unwrap();
            }
            let refused = loop {
                let seen = fleet[1].signing_key(&key).unwrap();
                if seen.is_none_or(|k| !k.active) {
                    break changed.elapsed();
                }
                assert!(
                    changed.elapsed() < Duration::from_secs(1),
                    "still accepted after 1 s"
                );
                std::thread::sleep(Duration::from_millis(5));
            };
            eprintln!("delete={delete}: refused by the other instance after {refused:?}");
        }
    }
}

/// `sslmode` as the URL asks: TLS verified against `sslrootcert`, refused when the
/// certificate does not verify, plain TCP when no `sslmode` is given.
#[test]
fn tls_to_the_database_is_used_when_the_url_asks_and_always_verified() {
    let url = fresh_database("tls");
    let ca = credreport_testkit::postgres::server_ca();
    let database = url.rsplit('/').next().unwrap().to_owned();
    let uses_tls = |url: &str| {
        let store = open(url);
        credreport_iam::store::read(&store, |tx| tx.account_ids()).unwrap();
        // The store's pooled connection, as the server sees it.
        let admin = credreport_testkit::postgres::server_url();
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        let rows = client
            .query(
                "SELECT s.ssl FROM pg_stat_ssl s JOIN pg_stat_activity a ON a.pid = s.pid
                 WHERE a.datname = $1",
                &[&database],
            )
            .unwrap();
        let ssl: Vec<bool> = rows.iter().map(|r| r.get(0)).collect();
        drop(store);
        assert_eq!(ssl.len(), 1, "one connection of the store: {ssl:?}");
        ssl[0]
    };
    for mode in ["require", "verify-full", "verify-ca"] {
        assert!(
            uses_tls(&format!("{url}?sslmode={mode}&sslrootcert={ca}")),
            "{mode}"
        );
    }
    assert!(!uses_tls(&url), "no sslmode: plain TCP");
    let unverified = PgStore::open(&PgUrl::parse(&format!("{url}?sslmode=require")).unwrap())
        .unwrap_err()
        .to_string();
    assert!(unverified.contains("certificate"), "{unverified}");
}

/// The server ended every session of the store (a restart, an idle timeout): the next
/// read goes through on a new connection instead of failing with the dead one.
#[test]
fn a_read_survives_the_server_closing_its_pooled_connections() {
    let url = fresh_database("reconnect");
    let store = open(&url);
    let ids = || credreport_iam::store::read(&store, |tx| tx.account_ids());
    assert!(ids().unwrap().is_empty());
    let database = url.rsplit('/').next().unwrap().to_owned();
    let mut admin =
        postgres::Client::connect(&credreport_testkit::postgres::server_url(), postgres::NoTls)
            .unwrap();
    let ended: i64 = admin
        .query_one(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1",
            &[&database],
        )
        .unwrap()
        .get(0);
    assert!(ended >= 1, "the store's pooled connection was there to end");
    assert!(ids().unwrap().is_empty(), "read again on a new connection");
}
