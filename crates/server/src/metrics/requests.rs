//! Requests counted as they are answered: the API's by action and error code, each
//! action with its latency histogram; the console's by HTTP status, with one histogram.
//!
//! An action is an index into [`Action::ALL`] (one more slot for a name that is no
//! action, or none), so a request's counter and histogram are found without a lookup.
//! Error codes are `&'static str`s the server wrote, never text from the caller: a map
//! of them, read-locked to find an existing counter, write-locked only the first time a
//! code is seen for an action.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::Duration;

use super::histogram::{Histogram, Snapshot, REQUEST_BOUNDS};
use crate::ops::Action;

/// The `action` label of a request whose `Action` names no action (or is missing).
pub(crate) const UNKNOWN_ACTION: &str = "unknown";
/// The `error` label of a request answered without an error.
pub(crate) const NO_ERROR: &str = "none";

/// The API's requests.
#[derive(Debug)]
pub(crate) struct ApiRequests {
    /// Answered without an error, by action slot.
    ok: Box<[AtomicU64]>,
    /// Answered with an error, by action slot and error code.
    errors: RwLock<HashMap<(usize, &'static str), AtomicU64>>,
    /// Latency, by action slot.
    durations: Box<[Histogram]>,
}

/// One series of [`ApiRequests`]: action, error code (or [`NO_ERROR`]), count.
pub(crate) type ApiSeries = (&'static str, &'static str, u64);

/// The slot of `action`: its place in [`Action::ALL`], or the last for no action.
fn slot(action: Option<Action>) -> usize {
    action.map_or(Action::ALL.len(), |a| a as usize)
}

/// The `action` label of a slot.
fn slot_name(slot: usize) -> &'static str {
    Action::ALL.get(slot).map_or(UNKNOWN_ACTION, |a| a.name())
}

impl ApiRequests {
    pub(crate) fn new() -> ApiRequests {
        let slots = Action::ALL.len() + 1;
        ApiRequests {
            ok: (0..slots).map(|_| AtomicU64::new(0)).collect(),
            errors: RwLock::new(HashMap::new()),
            durations: (0..slots).map(|_| Histogram::new(REQUEST_BOUNDS)).collect(),
        }
    }

    /// Counts a request for `action` answered with `error` (none: success) after `took`.
    pub(crate) fn record(
        &self,
        action: Option<Action>,
        error: Option<&'static str>,
        took: Duration,
    ) {
        let slot = slot(action);
        if let Some(h) = self.durations.get(slot) {
            h.observe(took);
        }
        let Some(code) = error else {
            if let Some(c) = self.ok.get(slot) {
                c.fetch_add(1, Ordering::Relaxed);
            }
            return;
        };
        let key = (slot, code);
        {
            let errors = self.errors.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(c) = errors.get(&key) {
                c.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
        let mut errors = self.errors.write().unwrap_or_else(PoisonError::into_inner);
        errors
            .entry(key)
            .or_insert_with(|| AtomicU64::new(0))
            .fetch_add(1, Ordering::Relaxed);
    }

    /// Every series counted so far, by action (in [`Action::ALL`]'s order, the unknown
    /// last), then error code, success first.
    pub(crate) fn counts(&self) -> Vec<ApiSeries> {
        let mut errors: Vec<(usize, &'static str, u64)> = self
            .errors
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|((slot, code), c)| (*slot, *code, c.load(Ordering::Relaxed)))
            .collect();
        errors.sort_unstable();
        let mut errors = errors.into_iter().peekable();
        let mut out = Vec::new();
        for (slot, ok) in self.ok.iter().enumerate() {
            let ok = ok.load(Ordering::Relaxed);
            if ok > 0 {
                out.push((slot_name(slot), NO_ERROR, ok));
            }
            while let Some((_, code, n)) = errors.next_if(|e| e.0 == slot) {
                out.push((slot_name(slot), code, n));
            }
        }
        out
    }

    /// The latency histogram of every action that has been asked for.
    pub(crate) fn durations(&self) -> Vec<(&'static str, Snapshot)> {
        self.durations
            .iter()
            .enumerate()
            .filter(|(_, h)| !h.is_empty())
            .map(|(slot, h)| (slot_name(slot), h.snapshot()))
            .collect()
    }
}

/// The lowest and highest HTTP status counted.
const STATUSES: std::ops::RangeInclusive<u16> = 100..=599;

/// The console's requests.
#[derive(Debug)]
pub(crate) struct ConsoleRequests {
    /// By status, from 100.
    by_status: Box<[AtomicU64]>,
    duration: Histogram,
}

impl ConsoleRequests {
    pub(crate) fn new() -> ConsoleRequests {
        ConsoleRequests {
            by_status: STATUSES.map(|_| AtomicU64::new(0)).collect(),
            duration: Histogram::new(REQUEST_BOUNDS),
        }
    }

    /// Counts a page answered with `status` after `took`.
    pub(crate) fn record(&self, status: u16, took: Duration) {
        self.duration.observe(took);
        let i = usize::from(status.clamp(*STATUSES.start(), *STATUSES.end()) - STATUSES.start());
        if let Some(c) = self.by_status.get(i) {
            c.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `(status, count)` of each status answered, in order.
    pub(crate) fn counts(&self) -> Vec<(u16, u64)> {
        STATUSES
            .zip(self.by_status.iter())
            .map(|(s, c)| (s, c.load(Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    pub(crate) fn duration(&self) -> Snapshot {
        self.duration.snapshot()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_is_its_place_in_the_table() {
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(slot(Some(*a)), i, "{a:?}");
            assert_eq!(slot_name(i), a.name());
        }
        assert_eq!(slot_name(slot(None)), UNKNOWN_ACTION);
    }

    #[test]
    fn requests_are_counted_by_action_and_error_code() {
        let r = ApiRequests::new();
        let ms = Duration::from_millis;
        r.record(Some(Action::ListUsers), None, ms(1));
        r.record(Some(Action::ListUsers), None, ms(2));
        r.record(Some(Action::GetUser), Some("NoSuchEntity"), ms(1));
        r.record(Some(Action::ListUsers), Some("Throttling"), ms(1));
        r.record(Some(Action::ListUsers), Some("AccessDenied"), ms(1));
        r.record(Some(Action::ListUsers), Some("Throttling"), ms(1));
        r.record(None, Some("InvalidAction"), ms(1));
        let mut want = vec![
            ("ListUsers", NO_ERROR, 2),
            ("ListUsers", "AccessDenied", 1),
            ("ListUsers", "Throttling", 2),
            ("GetUser", "NoSuchEntity", 1),
            (UNKNOWN_ACTION, "InvalidAction", 1),
        ];
        // By the actions' order in the table, then success first, then codes.
        want.sort_by_key(|(a, e, _)| (slot(Action::from_name(a)), *e != NO_ERROR, *e));
        assert_eq!(r.counts(), want);
        let d = r.durations();
        let count = |name: &str| d.iter().find(|(n, _)| *n == name).map(|(_, s)| s.count);
        assert_eq!(count("ListUsers"), Some(5));
        assert_eq!(count("GetUser"), Some(1));
        assert_eq!(count(UNKNOWN_ACTION), Some(1));
        assert_eq!(
            count("CreateUser"),
            None,
            "an action never asked for has no series"
        );
    }

    #[test]
    fn console_requests_by_status() {
        let c = ConsoleRequests::new();
        for status in [200, 303, 200, 429, 999] {
            c.record(status, Duration::from_millis(3));
        }
        assert_eq!(c.counts(), [(200, 2), (303, 1), (429, 1), (599, 1)]);
        assert_eq!(c.duration().count, 5);
    }
}
