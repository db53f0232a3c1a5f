//! GetCredentialReport's content, encoded once per report.
//!
//! A report is frozen once generated, so its base64 is too: it is kept per account with the
//! generated time it belongs to. Each GetCredentialReport still asks which report is
//! current (`Iam::credential_report_generated`: a few bytes of state, and every error: not
//! present, in progress, expired) and uses the kept text only when the generated times
//! agree; a new report never meets an old text. Where the store announces report changes
//! (a fleet on PostgreSQL), the `Iam` answers that from memory, so an unchanged report is
//! answered without touching the database. A build encodes its report inside the
//! transaction that stores it ([`ReportCache::keeping`]), so the text is here before
//! anyone can see the report COMPLETE. The texts are bounded by a byte budget, the oldest
//! kept dropped first.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use credreport_iam::{AccountId, Iam, ReportSink};
use credreport_report::Timestamp;

use crate::error::AwsError;
use crate::running_builds::RunningBuilds;
use crate::xml::{Base64Encoder, Base64Text};

/// The encoded reports kept, by account.
#[derive(Debug)]
pub struct ReportCache {
    budget: usize,
    kept: Mutex<Kept>,
    /// The builds running through [`ReportCache::keeping`].
    running: RunningBuilds,
}

/// Whether a text kept replaces the account's text of a later report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Replace {
    /// A build's: the report it has just stored is the current one.
    Always,
    /// A GetCredentialReport's: a build may have kept a later report's text meanwhile.
    Older,
}

#[derive(Debug, Default)]
struct Kept {
    by_account: HashMap<AccountId, (Timestamp, Base64Text)>,
    /// Accounts in the order their text was kept, oldest first.
    order: VecDeque<AccountId>,
    bytes: usize,
}

impl ReportCache {
    /// Keeps at most `budget` bytes of encoded reports (0: none).
    pub fn new(budget: usize) -> ReportCache {
        ReportCache {
            budget,
            kept: Mutex::new(Kept::default()),
            running: RunningBuilds::default(),
        }
    }

    /// The account's current report as GetCredentialReport answers it: its content in
    /// base64, and when it was generated.
    pub fn current(
        &self,
        iam: &Iam,
        account: &AccountId,
    ) -> Result<(Base64Text, Timestamp), AwsError> {
        let generated = iam.credential_report_generated(account)?;
        if let Some(text) = self.lookup(account, generated) {
            return Ok((text, generated));
        }
        // Content and time from one read: a build may have finished since the first.
        let report = iam.credential_report(account)?;
        let text = Base64Text::encode(&report.content);
        self.keep(account, report.generated, &text, Replace::Older);
        Ok((text, report.generated))
    }

    /// Runs a build through `run` (which hands the sink to [`ReportBuild::run_into`]):
    /// the report it stores is encoded as it is joined and kept before its transaction
    /// commits, so the GetCredentialReport that follows the first COMPLETE finds it, never
    /// joining and encoding it a second time beside the build. A text kept for a report
    /// that was then not stored (the commit failed, or the build was taken over) is
    /// dropped. Answers `run`'s answer: when the stored report was generated.
    ///
    /// [`ReportBuild::run_into`]: credreport_iam::ReportBuild::run_into
    pub fn keeping<E>(
        &self,
        account: &AccountId,
        run: impl FnOnce(&mut dyn ReportSink) -> Result<Option<Timestamp>, E>,
    ) -> Result<Option<Timestamp>, E> {
        let _running = self.running.start(account);
        let mut sink = Keeping {
            cache: self,
            account,
            encoder: Base64Encoder::with_room(REPORT_ROOM),
            kept: Vec::new(),
        };
        let result = run(&mut sink);
        let stored = result.as_ref().ok().copied().flatten();
        for generated in sink.kept.into_iter().filter(|g| Some(*g) != stored) {
            self.forget(account, generated);
        }
        result
    }

    /// Waits, at most `longest`, for a build of `account` running here through
    /// [`ReportCache::keeping`] to end; answers whether one did (see [`RunningBuilds`]).
    pub fn wait_for_build(&self, account: &AccountId, longest: Duration) -> bool {
        self.running.wait(account, longest)
    }

    fn lookup(&self, account: &AccountId, generated: Timestamp) -> Option<Base64Text> {
        let kept = self.kept.lock().ok()?;
        match kept.by_account.get(account) {
            Some((at, text)) if *at == generated => Some(text.clone()),
            _ => None,
        }
    }

    fn keep(&self, account: &AccountId, generated: Timestamp, text: &Base64Text, how: Replace) {
        if text.len() > self.budget {
            return;
        }
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        let kept = &mut *kept;
        if how == Replace::Older
            && kept
                .by_account
                .get(account)
                .is_some_and(|(at, _)| *at > generated)
        {
            return;
        }
        match kept
            .by_account
            .insert(account.clone(), (generated, text.clone()))
        {
            Some((_, old)) => kept.bytes -= old.len(),
            None => kept.order.push_back(account.clone()),
        }
        kept.bytes += text.len();
        while kept.bytes > self.budget {
            let Some(oldest) = kept.order.pop_front() else {
                break;
            };
            if let Some((_, dropped)) = kept.by_account.remove(&oldest) {
                kept.bytes -= dropped.len();
            }
        }
    }

    /// Drops the account's text if it is that of the report generated at `generated`.
    fn forget(&self, account: &AccountId, generated: Timestamp) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        let kept = &mut *kept;
        if kept
            .by_account
            .get(account)
            .is_some_and(|(at, _)| *at == generated)
        {
            if let Some((_, dropped)) = kept.by_account.remove(account) {
                kept.bytes -= dropped.len();
            }
            kept.order.retain(|a| a != account);
        }
    }

    /// How many reports are kept, and their bytes.
    pub fn usage(&self) -> (usize, usize) {
        self.kept
            .lock()
            .map_or((0, 0), |kept| (kept.by_account.len(), kept.bytes))
    }
}

/// The room a build's text starts with: about a 5,000-user report's CSV.
const REPORT_ROOM: usize = 1 << 20;

/// A build's answer, encoded as the build joins its report, and kept when it is whole.
struct Keeping<'c> {
    cache: &'c ReportCache,
    account: &'c AccountId,
    encoder: Base64Encoder,
    /// The reports kept, by generated time (more than one if the store ran the
    /// transaction again).
    kept: Vec<Timestamp>,
}

impl ReportSink for Keeping<'_> {
    fn restart(&mut self) {
        self.encoder.clear();
    }

    fn write(&mut self, bytes: &[u8]) {
        self.encoder.push(bytes);
    }

    fn finish(&mut self, generated: Timestamp) {
        let text = self.encoder.finish();
        self.cache
            .keep(self.account, generated, &text, Replace::Always);
        self.kept.push(generated);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use std::sync::Arc;

    use credreport_iam::password::PasswordHasher;
    use credreport_iam::secret::MasterKey;
    use credreport_iam::store::{Change, Changes, Store, Tx};
    use credreport_iam::{
        CredentialReport, IamConfig, ManualClock, ReportState, SqliteStore, REPORT_FRESH_SECS,
    };

    use super::*;

    struct World {
        iam: Iam,
        clock: ManualClock,
        _dir: tempfile::TempDir,
    }

    fn world() -> World {
        let dir = tempfile::tempdir().unwrap();
        let store = Arc::new(SqliteStore::open(&dir.path().join("iam.db")).unwrap());
        let clock = ManualClock::new(Timestamp::from_unix(1_800_000_000).unwrap());
        let iam = Iam::new(
            store,
            Arc::new(clock.clone()),
            MasterKey::generate().unwrap(),
            PasswordHasher::fast_insecure_for_tests(),
            IamConfig::standard(),
        );
        World {
            iam,
            clock,
            _dir: dir,
        }
    }

    impl World {
        fn account(&self) -> AccountId {
            self.iam.create_account(None, false).unwrap().account.id
        }

        /// The build a GenerateCredentialReport of `account` starts.
        fn started(&self, account: &AccountId) -> credreport_iam::ReportBuild {
            let generation = self.iam.generate_credential_report(account).unwrap();
            generation.build.unwrap()
        }

        fn build(&self, account: &AccountId) -> CredentialReport {
            self.started(account).run().unwrap().unwrap()
        }
    }

    #[test]
    fn the_kept_text_is_answered_until_a_new_report_is_generated() {
        let w = world();
        let account = w.account();
        let cache = ReportCache::new(1 << 20);
        let err = cache.current(&w.iam, &account).unwrap_err();
        assert_eq!(err.code, "ReportNotPresent");
        assert_eq!(cache.usage(), (0, 0));

        w.build(&account);
        let (first, generated) = cache.current(&w.iam, &account).unwrap();
        let (again, generated_again) = cache.current(&w.iam, &account).unwrap();
        assert!(
            again.same_buffer(&first),
            "the second answer was encoded again"
        );
        assert_eq!(
            (generated_again, cache.usage()),
            (generated, (1, first.len()))
        );
        let stored = w.iam.credential_report(&account).unwrap().content;
        assert_eq!(first, Base64Text::encode(&stored));

        w.clock.advance(REPORT_FRESH_SECS);
        w.iam.create_user(&account, "late", None).unwrap();
        w.build(&account);
        let (fresh, fresh_generated) = cache.current(&w.iam, &account).unwrap();
        assert_eq!(
            fresh_generated,
            generated.checked_add_secs(REPORT_FRESH_SECS).unwrap()
        );
        let stored = w.iam.credential_report(&account).unwrap().content;
        assert_eq!(fresh, Base64Text::encode(&stored));
        assert_ne!(fresh, first);
        assert_eq!(cache.usage(), (1, fresh.len()));
    }

    #[test]
    fn a_report_kept_by_its_build_is_answered_without_reading_it_again() {
        let w = world();
        let account = w.account();
        let cache = ReportCache::new(1 << 20);
        let built = w.build(&account);
        cache.keep(
            &account,
            built.generated,
            &Base64Text::encode(&built.content),
            Replace::Always,
        );
        let encoded = Base64Text::encode(&built.content);
        assert_eq!(cache.usage(), (1, encoded.len()));
        let (first, generated) = cache.current(&w.iam, &account).unwrap();
        let (again, _) = cache.current(&w.iam, &account).unwrap();
        assert_eq!((&first, generated), (&encoded, built.generated));
        assert!(again.same_buffer(&first));
    }

    /// Issue #26: the build keeps its encoded answer before its report can be seen, so the
    /// GetCredentialReport after the first COMPLETE never joins and encodes it again.
    #[test]
    fn a_build_keeps_its_answer_before_its_report_is_visible() {
        let w = world();
        let account = w.account();
        let cache = ReportCache::new(1 << 20);
        let build = w.started(&account);
        let mut seen_inside = None;
        let generated = cache
            .keeping(&account, |sink| {
                build.run_into(&mut Peeking {
                    inner: sink,
                    peek: || seen_inside = Some(w.iam.credential_report_generated(&account)),
                })
            })
            .unwrap()
            .unwrap();
        assert!(
            matches!(
                seen_inside,
                Some(Err(credreport_iam::Error::ReportInProgress))
            ),
            "the report was visible before its answer was kept: {seen_inside:?}"
        );
        let stored = w.iam.credential_report(&account).unwrap();
        assert_eq!(
            stored.generated, generated,
            "the build's report is the stored one"
        );
        let encoded = Base64Text::encode(&stored.content);
        assert_eq!(cache.usage(), (1, encoded.len()));
        let (first, at) = cache.current(&w.iam, &account).unwrap();
        assert_eq!(
            (&first, at),
            (&encoded, generated),
            "the text encoded as the rows were joined is the stored report's"
        );
    }

    /// A sink that looks around when the report is whole.
    struct Peeking<'a, F: FnMut()> {
        inner: &'a mut dyn ReportSink,
        peek: F,
    }

    impl<F: FnMut()> ReportSink for Peeking<'_, F> {
        fn restart(&mut self) {
            self.inner.restart();
        }

        fn write(&mut self, bytes: &[u8]) {
            self.inner.write(bytes);
        }

        fn finish(&mut self, generated: Timestamp) {
            self.inner.finish(generated);
            (self.peek)();
        }
    }

    /// A GenerateCredentialReport polling while a build runs here waits for that build,
    /// and hears of its end as soon as the build has run, report stored.
    #[test]
    fn a_build_run_through_keeping_is_waited_for_until_it_has_run() {
        let w = world();
        let account = w.account();
        let cache = Arc::new(ReportCache::new(1 << 20));
        let build = w.started(&account);
        let mut waiter = None;
        cache
            .keeping(&account, |sink| {
                let (c, a) = (Arc::clone(&cache), account.clone());
                waiter = Some(std::thread::spawn(move || {
                    let ended = c.wait_for_build(&a, std::time::Duration::from_secs(60));
                    (ended, c.usage().0)
                }));
                assert!(
                    credreport_testkit::eventually(|| cache.running.waiting() == 1),
                    "the poll waits for the build"
                );
                build.run_into(sink)
            })
            .unwrap()
            .unwrap();
        let (ended, kept) = waiter.unwrap().join().unwrap();
        assert!(ended, "the wait ended with the build");
        assert_eq!(kept, 1, "the build's answer was kept when the wait ended");
        assert_eq!(
            w.iam.generate_credential_report(&account).unwrap().state,
            ReportState::Complete
        );
    }

    /// A text kept for a report that was then not stored goes; a GetCredentialReport's
    /// text of an older report never replaces a build's.
    #[test]
    fn what_a_failed_build_kept_is_dropped_and_an_older_text_never_replaces_a_newer() {
        let w = world();
        let account = w.account();
        let old = w.build(&account);
        let cache = ReportCache::new(1 << 20);
        let (old_text, _) = cache.current(&w.iam, &account).unwrap();
        let phantom = CredentialReport {
            content: b"never stored".to_vec(),
            generated: old.generated.checked_add_secs(REPORT_FRESH_SECS).unwrap(),
        };
        // A first attempt's bytes, then the store runs the transaction again.
        let write_phantom = |sink: &mut dyn ReportSink| {
            sink.write(b"a first attempt, void");
            sink.restart();
            sink.write(&phantom.content);
            sink.finish(phantom.generated);
        };
        let stored = cache.keeping(&account, |sink| {
            write_phantom(sink);
            Ok::<_, ()>(Some(phantom.generated))
        });
        assert_eq!(stored, Ok(Some(phantom.generated)));
        assert_eq!(
            cache.lookup(&account, phantom.generated),
            Some(Base64Text::encode(&phantom.content)),
            "only the last attempt's bytes are kept"
        );
        cache.forget(&account, phantom.generated);
        let failed: Result<Option<Timestamp>, &str> = cache.keeping(&account, |sink| {
            write_phantom(sink);
            Err("the commit failed")
        });
        assert_eq!(failed, Err("the commit failed"));
        assert_eq!(cache.usage(), (0, 0), "the phantom's text was kept");
        let taken_over = cache.keeping(&account, |sink| {
            write_phantom(sink);
            Ok::<_, ()>(None)
        });
        assert_eq!((taken_over, cache.usage()), (Ok(None), (0, 0)));

        cache.keep(
            &account,
            phantom.generated,
            &Base64Text::encode(&phantom.content),
            Replace::Always,
        );
        cache.keep(&account, old.generated, &old_text, Replace::Older);
        let newer = Base64Text::encode(&phantom.content);
        assert_eq!(cache.lookup(&account, phantom.generated), Some(newer));
        assert_eq!(cache.lookup(&account, old.generated), None);
        cache.keep(&account, old.generated, &old_text, Replace::Always);
        assert_eq!(cache.lookup(&account, old.generated), Some(old_text));
    }

    /// A SQLite store made to announce report changes as a fleet's PostgreSQL does (the
    /// test announces them), counting the calls that reach it.
    struct Announcing {
        inner: SqliteStore,
        calls: std::sync::atomic::AtomicUsize,
        listener: Mutex<Option<Changes>>,
    }

    impl std::fmt::Debug for Announcing {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Announcing")
        }
    }

    impl Announcing {
        fn calls(&self) -> usize {
            self.calls.load(std::sync::atomic::Ordering::SeqCst)
        }

        fn tick(&self) -> &SqliteStore {
            self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            &self.inner
        }

        fn announce(&self, account: &AccountId) {
            let listener = self.listener.lock().unwrap().clone().unwrap();
            listener(Change::Report(account.as_str()));
        }
    }

    impl Store for Announcing {
        fn read(
            &self,
            f: &mut dyn FnMut(&mut dyn Tx) -> credreport_iam::Result<()>,
        ) -> credreport_iam::Result<()> {
            self.tick().read(f)
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
        fn watch_changes(&self, changed: Changes) -> credreport_iam::Result<bool> {
            *self.listener.lock().unwrap() = Some(changed);
            Ok(true)
        }
    }

    /// Issue #26: where the store announces report changes, an unchanged report's
    /// GetCredentialReport reaches no store (the encoded text, and which report is current,
    /// are both known); a report another instance generated is answered once announced.
    #[test]
    fn an_unchanged_report_is_answered_without_the_store_where_changes_are_announced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("iam.db");
        let store = Arc::new(Announcing {
            inner: SqliteStore::open(&path).unwrap(),
            calls: 0.into(),
            listener: Mutex::new(None),
        });
        let clock = ManualClock::new(Timestamp::from_unix(1_800_000_000).unwrap());
        let key = MasterKey::generate().unwrap();
        let iam = Iam::new(
            store.clone(),
            Arc::new(clock.clone()),
            key.clone(),
            PasswordHasher::fast_insecure_for_tests(),
            IamConfig::standard(),
        );
        iam.watch_store().unwrap();
        let account = iam.create_account(None, false).unwrap().account.id;
        let generation = iam.generate_credential_report(&account).unwrap();
        generation.build.unwrap().run().unwrap();
        let cache = ReportCache::new(1 << 20);
        let (first, generated) = cache.current(&iam, &account).unwrap();

        let before = store.calls();
        for _ in 0..100 {
            let (again, at) = cache.current(&iam, &account).unwrap();
            assert!(again.same_buffer(&first) && at == generated);
        }
        assert_eq!(store.calls(), before, "the store was asked");

        // Another instance on the same store generates a new report and announces it.
        let other = Iam::new(
            Arc::new(SqliteStore::open(&path).unwrap()),
            Arc::new(clock.clone()),
            key,
            PasswordHasher::fast_insecure_for_tests(),
            IamConfig::standard(),
        );
        clock.advance(REPORT_FRESH_SECS);
        other.create_user(&account, "late", None).unwrap();
        let generation = other.generate_credential_report(&account).unwrap();
        let built = generation.build.unwrap().run().unwrap().unwrap();
        assert_eq!(
            cache.current(&iam, &account).unwrap().1,
            generated,
            "unannounced"
        );
        store.announce(&account);
        let (fresh, at) = cache.current(&iam, &account).unwrap();
        assert_eq!(at, built.generated);
        assert_eq!(fresh, Base64Text::encode(&built.content));
    }

    #[test]
    fn the_budget_drops_the_oldest_and_never_keeps_what_exceeds_it() {
        let w = world();
        let (a, b) = (w.account(), w.account());
        w.build(&a);
        w.build(&b);
        let size = Base64Text::encode(&w.iam.credential_report(&a).unwrap().content).len();

        let one = ReportCache::new(size + size / 2);
        let (text_a, _) = one.current(&w.iam, &a).unwrap();
        let (text_b, _) = one.current(&w.iam, &b).unwrap();
        assert_eq!(one.usage(), (1, text_b.len()));
        let (a_again, _) = one.current(&w.iam, &a).unwrap();
        assert!(
            !a_again.same_buffer(&text_a),
            "a's text outlived the budget"
        );
        assert_eq!(a_again, text_a);

        let none = ReportCache::new(size - 1);
        assert_eq!(none.current(&w.iam, &a).unwrap().0, text_a);
        assert_eq!(none.usage(), (0, 0));
    }
}
