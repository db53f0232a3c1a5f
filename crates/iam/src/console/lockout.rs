//! Failed console sign-ins, counted per account and user name: after
//! [`MAX_FAILURES`] within [`WINDOW_SECS`], further tries wait until the oldest of them
//! leaves the window. The count is kept for any name typed, existing or not, so the wait
//! says nothing about whether a user exists.
//!
//! Kept in the store (`Store::sign_in_failures`), so every instance of a fleet on one
//! database counts the same tries, and a restart forgets nothing. A name is stored as the
//! SHA-256 of what was typed (fixed size, whatever was typed), and each failure recorded
//! also prunes every failure older than the window, so the table holds at most the last
//! 15 minutes of failures (whose rate the server's per-source limit on failed
//! authentications bounds).

use credreport_report::Timestamp;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::store::Store;

/// Failures that start a wait.
pub const MAX_FAILURES: usize = 5;
/// The span they are counted over: 15 minutes.
pub const WINDOW_SECS: i64 = 15 * 60;

/// The stored form of a sign-in name.
fn stored(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The seconds to wait before trying `key` again, or `None` when a try may go ahead.
pub(crate) fn wait(store: &dyn Store, key: &str, now: Timestamp) -> Result<Option<i64>> {
    let since = Timestamp::from_unix(now.unix() - WINDOW_SECS + 1).unwrap_or(Timestamp::MIN);
    let times = store.sign_in_failures(&stored(key), since)?;
    Ok(wait_after(&times, now))
}

/// Counts a failed try of `key`.
pub(crate) fn fail(store: &dyn Store, key: &str, now: Timestamp) -> Result<()> {
    let forget_before = Timestamp::from_unix(now.unix() - WINDOW_SECS).unwrap_or(Timestamp::MIN);
    store.record_sign_in_failure(&stored(key), now, forget_before)
}

/// Forgets `key`'s failures (after a successful sign-in).
pub(crate) fn clear(store: &dyn Store, key: &str) -> Result<()> {
    store.clear_sign_in_failures(&stored(key))
}

/// The wait that failures at `times` (any order) impose at `now`.
fn wait_after(times: &[Timestamp], now: Timestamp) -> Option<i64> {
    let mut recent: Vec<i64> = times
        .iter()
        .map(|t| t.unix())
        .filter(|t| now.unix() - t < WINDOW_SECS)
        .collect();
    if recent.len() < MAX_FAILURES {
        return None;
    }
    recent.sort_unstable();
    // The try after the wait is allowed once the oldest counted failure has left.
    let oldest = recent[recent.len() - MAX_FAILURES];
    Some((oldest + WINDOW_SECS - now.unix()).max(1))
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
        let mut times = Vec::new();
        for i in 0..4 {
            times.push(t(i * 60));
            assert_eq!(wait_after(&times, t(i * 60 + 1)), None);
        }
        times.push(t(240));
        // The oldest failure (t=0) leaves the window at t=900.
        assert_eq!(wait_after(&times, t(300)), Some(600));
        assert_eq!(wait_after(&times, t(899)), Some(1));
        assert_eq!(wait_after(&times, t(900)), None);
    }

    #[test]
    fn failures_spread_over_more_than_the_window_never_lock() {
        // Five failures 226 s apart span 904 s: never five inside 900.
        let mut times = Vec::new();
        for i in 0..20 {
            times.push(t(i * 226));
            assert_eq!(wait_after(&times, t(i * 226)), None, "failure {i}");
        }
    }

    #[test]
    fn a_name_is_stored_as_a_fixed_size_digest() {
        assert_eq!(stored("123456789012\nalice").len(), 64);
        assert_eq!(stored(&"x".repeat(10_000)).len(), 64);
        assert_ne!(stored("a\nb"), stored("a\nc"));
    }
}
