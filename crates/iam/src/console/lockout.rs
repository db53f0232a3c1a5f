//! Failed console sign-ins, counted per account and user name: after
//! [`MAX_FAILURES`] within [`WINDOW_SECS`], further tries wait until the oldest of them
//! leaves the window. The count is kept for any name typed, existing or not, so the wait
//! says nothing about whether a user exists.
//!
//! Kept in memory: a restart forgets the count (it bounds guessing speed; it is not a
//! record). The map is bounded: past [`MAX_TRACKED`] names, the ones with no failure in the
//! window are dropped, and if that is not enough the new name is not tracked.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use credreport_report::Timestamp;

/// Failures that start a wait.
pub const MAX_FAILURES: usize = 5;
/// The span they are counted over: 15 minutes.
pub const WINDOW_SECS: i64 = 15 * 60;
/// Names tracked at once.
const MAX_TRACKED: usize = 100_000;

/// Recent failures by sign-in name.
#[derive(Debug, Default)]
pub(crate) struct Lockout {
    failures: Mutex<HashMap<String, VecDeque<Timestamp>>>,
}

impl Lockout {
    /// The seconds to wait before trying `key` again, or `None` when a try may go ahead.
    pub(crate) fn wait(&self, key: &str, now: Timestamp) -> Option<i64> {
        let map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let times = map.get(key)?;
        let recent: Vec<i64> = times
            .iter()
            .map(|t| t.unix())
            .filter(|t| now.unix() - t < WINDOW_SECS)
            .collect();
        if recent.len() < MAX_FAILURES {
            return None;
        }
        // The try after the wait is allowed once the oldest counted failure has left.
        let oldest = recent[recent.len() - MAX_FAILURES];
        Some((oldest + WINDOW_SECS - now.unix()).max(1))
    }

    /// Counts a failed try of `key`.
    pub(crate) fn fail(&self, key: &str, now: Timestamp) {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !map.contains_key(key) && map.len() >= MAX_TRACKED {
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.unix() - t.unix() < WINDOW_SECS)
            });
            if map.len() >= MAX_TRACKED {
                return;
            }
        }
        let times = map.entry(key.to_owned()).or_default();
        times.push_back(now);
        while times.len() > MAX_FAILURES {
            times.pop_front();
        }
    }

    /// Forgets `key`'s failures (after a successful sign-in).
    pub(crate) fn clear(&self, key: &str) {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn t(secs: i64) -> Timestamp {
        Timestamp::from_unix(1_800_000_000 + secs).unwrap()
    }

    #[test]
    fn five_failures_in_fifteen_minutes_make_the_sixth_try_wait() {
        let l = Lockout::default();
        for i in 0..4 {
            l.fail("k", t(i * 60));
            assert_eq!(l.wait("k", t(i * 60 + 1)), None);
        }
        l.fail("k", t(240));
        // The oldest failure (t=0) leaves the window at t=900.
        assert_eq!(l.wait("k", t(300)), Some(600));
        assert_eq!(l.wait("k", t(899)), Some(1));
        assert_eq!(l.wait("k", t(900)), None);
        assert_eq!(l.wait("other", t(300)), None, "names are counted apart");
    }

    #[test]
    fn failures_spread_over_more_than_the_window_never_lock() {
        let l = Lockout::default();
        // Five failures 226 s apart span 904 s: never five inside 900.
        for i in 0..20 {
            l.fail("k", t(i * 226));
            assert_eq!(l.wait("k", t(i * 226)), None, "failure {i}");
        }
    }

    #[test]
    fn a_success_clears_the_count() {
        let l = Lockout::default();
        for i in 0..5 {
            l.fail("k", t(i));
        }
        assert!(l.wait("k", t(10)).is_some());
        l.clear("k");
        assert_eq!(l.wait("k", t(10)), None);
    }
}
