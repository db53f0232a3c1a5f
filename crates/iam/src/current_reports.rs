//! Which report is each account's current one, known without asking the store.
//!
//! GetCredentialReport first needs to know which report is current (its generated time):
//! a read of the store on every call, for a state that changes at most every four hours.
//! Where the store announces every change of a report's state (PostgreSQL, for a fleet:
//! [`Iam::watch_store`]), an instance keeps the generated time it last read per account
//! and answers from memory until an announcement says the state changed; the caller keeps
//! the encoded report for that time, so an unchanged report is answered without touching
//! the database. Where nothing is announced (SQLite, whose file another process may
//! write), nothing is kept and the store is asked every time.
//!
//! A read from before a change must not be kept after it: every change bumps a generation,
//! and a value read under an older one is not kept. While announcements are lost (the
//! listening connection dropped), nothing is kept, and what was is dropped.
//!
//! [`Iam::watch_store`]: crate::Iam::watch_store

use std::collections::HashMap;
use std::sync::Mutex;

use credreport_report::Timestamp;

use crate::ids::AccountId;

/// At most this many accounts; past it the map starts again empty.
const CAPACITY: usize = 100_000;

#[derive(Debug, Default)]
pub(crate) struct CurrentReports {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    /// The store announces changes and they are being heard.
    announced: bool,
    by_account: HashMap<AccountId, Timestamp>,
    /// Bumped by every change: a value read before it is not kept.
    generation: u64,
}

impl CurrentReports {
    /// When the account's current report was generated, if that is known.
    pub(crate) fn get(&self, account: &AccountId) -> Option<Timestamp> {
        let kept = self.kept.lock().ok()?;
        kept.by_account.get(account).copied()
    }

    /// The generation to hand back to [`CurrentReports::keep`] after reading the store.
    pub(crate) fn generation(&self) -> u64 {
        self.kept.lock().map_or(u64::MAX, |kept| kept.generation)
    }

    /// Keeps `generated` as read from the store when the generation was `generation`:
    /// nothing if changes are not announced, or if one came since.
    pub(crate) fn keep(&self, account: &AccountId, generated: Timestamp, generation: u64) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        if !kept.announced || kept.generation != generation {
            return;
        }
        if kept.by_account.len() >= CAPACITY {
            kept.by_account.clear();
        }
        kept.by_account.insert(account.clone(), generated);
    }

    /// The account's report state changed (announced by the store, as its id; or seen by
    /// this instance): forgets what was kept of it.
    pub(crate) fn forget(&self, account: &str) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        kept.generation += 1;
        match AccountId::parse(account) {
            Some(id) => {
                kept.by_account.remove(&id);
            }
            // Not an account id: anything may have changed.
            None => kept.by_account.clear(),
        }
    }

    /// Changes are announced (again): what is read from now on may be kept.
    pub(crate) fn announced(&self) {
        self.reset(true);
    }

    /// Announcements are lost: nothing is kept until they are heard again.
    pub(crate) fn unannounced(&self) {
        self.reset(false);
    }

    fn reset(&self, announced: bool) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.announced = announced;
            kept.generation += 1;
            kept.by_account.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use super::*;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_unix(1_700_000_000 + secs).unwrap()
    }

    /// Each step, then whether the account's time is known afterwards.
    #[test]
    fn kept_only_while_announced_and_never_from_before_a_change() {
        let a = AccountId::parse("123456789012").unwrap();
        let kept = CurrentReports::default();

        // Nothing is announced (SQLite): nothing is kept.
        kept.keep(&a, at(1), kept.generation());
        assert_eq!(kept.get(&a), None, "kept without announcements");

        kept.announced();
        kept.keep(&a, at(1), kept.generation());
        assert_eq!(kept.get(&a), Some(at(1)));

        // A read that began before a change is not kept after it.
        let before = kept.generation();
        kept.forget(a.as_str());
        assert_eq!(kept.get(&a), None, "a change forgets");
        kept.keep(&a, at(1), before);
        assert_eq!(kept.get(&a), None, "a read from before the change was kept");
        kept.keep(&a, at(2), kept.generation());
        assert_eq!(kept.get(&a), Some(at(2)));

        // Another account's change leaves it; an unreadable announcement does not.
        kept.forget("210987654321");
        assert_eq!(kept.get(&a), Some(at(2)));
        kept.forget("not an account");
        assert_eq!(kept.get(&a), None);

        // Lost announcements forget everything and keep nothing until heard again.
        kept.keep(&a, at(3), kept.generation());
        kept.unannounced();
        assert_eq!(kept.get(&a), None);
        kept.keep(&a, at(3), kept.generation());
        assert_eq!(kept.get(&a), None, "kept while announcements were lost");
        kept.announced();
        kept.keep(&a, at(3), kept.generation());
        assert_eq!(kept.get(&a), Some(at(3)));
    }
}
