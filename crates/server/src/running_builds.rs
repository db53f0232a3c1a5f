//! The report builds running in this process, so that a GenerateCredentialReport that finds
//! one in progress can wait for it, briefly, instead of answering INPROGRESS a moment before
//! it ends. A client polling every few milliseconds then hears COMPLETE as the build commits
//! rather than a poll later, and the polls it would have sent do not take the cores the
//! build runs on. The wait is bounded in time and in how many requests wait at once (each
//! holds a worker), and only a build of this process is waited for: one running elsewhere
//! in a fleet is answered INPROGRESS as before.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use credreport_iam::AccountId;

/// How many requests may wait for builds at once; past that, they answer at once.
const MOST_WAITING: usize = 2;

/// The builds running here, and a signal at the end of each.
#[derive(Debug, Default)]
pub(crate) struct RunningBuilds {
    state: Mutex<State>,
    ended: Condvar,
}

#[derive(Debug, Default)]
struct State {
    /// Builds running, by account.
    running: HashMap<AccountId, usize>,
    /// Requests waiting now.
    waiting: usize,
}

/// A build running; it ends when this is dropped, however the build ended.
#[must_use = "the build counts as running until this is dropped"]
pub(crate) struct Running<'a> {
    builds: &'a RunningBuilds,
    account: AccountId,
}

impl RunningBuilds {
    /// Marks a build of `account` as running here until the answer is dropped.
    pub(crate) fn start(&self, account: &AccountId) -> Running<'_> {
        if let Ok(mut state) = self.state.lock() {
            *state.running.entry(account.clone()).or_default() += 1;
        }
        Running {
            builds: self,
            account: account.clone(),
        }
    }

    /// Waits, at most `longest`, until no build of `account` runs here. Answers whether one
    /// was running and has ended since (so the report's state is worth asking again);
    /// `false` at once when none runs here or [`MOST_WAITING`] requests wait already.
    pub(crate) fn wait(&self, account: &AccountId, longest: Duration) -> bool {
        let Ok(mut state) = self.state.lock() else {
            return false;
        };
        if !state.running.contains_key(account) || state.waiting >= MOST_WAITING {
            return false;
        }
        state.waiting += 1;
        let deadline = Instant::now() + longest;
        let mut ended = false;
        loop {
            if !state.running.contains_key(account) {
                ended = true;
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            state = match self.ended.wait_timeout(state, left) {
                Ok((state, _)) => state,
                Err(_) => return false, // poisoned: another thread panicked holding it
            };
        }
        state.waiting -= 1;
        ended
    }
}

#[cfg(test)]
impl RunningBuilds {
    /// How many requests wait now.
    pub(crate) fn waiting(&self) -> usize {
        self.state.lock().map_or(0, |s| s.waiting)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        if let Ok(mut state) = self.builds.state.lock() {
            if let Some(n) = state.running.get_mut(&self.account) {
                *n -= 1;
                if *n == 0 {
                    state.running.remove(&self.account);
                }
            }
        }
        self.builds.ended.notify_all();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use std::sync::Arc;
    use std::thread;

    use credreport_testkit::eventually;

    use super::*;

    fn account(id: &str) -> AccountId {
        AccountId::parse(id).unwrap()
    }

    #[test]
    fn a_wait_ends_with_the_build_and_says_so() {
        let builds = Arc::new(RunningBuilds::default());
        let a = account("111111111111");
        let running = builds.start(&a);
        let waiter = {
            let builds = Arc::clone(&builds);
            let a = a.clone();
            thread::spawn(move || builds.wait(&a, Duration::from_secs(60)))
        };
        assert!(
            eventually(|| builds.state.lock().unwrap().waiting == 1),
            "the request waits"
        );
        drop(running);
        assert!(waiter.join().unwrap(), "the build ended while it waited");
    }

    #[test]
    fn nothing_is_waited_for_without_a_build_here() {
        let builds = RunningBuilds::default();
        let a = account("111111111111");
        let _other = builds.start(&account("222222222222"));
        assert!(!builds.wait(&a, Duration::from_secs(5)));
    }

    #[test]
    fn a_build_that_does_not_end_in_time_is_answered_as_running() {
        let builds = RunningBuilds::default();
        let a = account("111111111111");
        let _running = builds.start(&a);
        assert!(!builds.wait(&a, Duration::from_millis(5)));
        assert_eq!(builds.state.lock().unwrap().waiting, 0, "no waiter is left");
    }

    #[test]
    fn past_the_most_waiting_a_request_answers_at_once() {
        let builds = Arc::new(RunningBuilds::default());
        let a = account("111111111111");
        let running = builds.start(&a);
        builds.state.lock().unwrap().waiting = MOST_WAITING;
        let asked = Instant::now();
        assert!(
            !builds.wait(&a, Duration::from_secs(5)),
            "answered without waiting for the build"
        );
        assert!(asked.elapsed() < Duration::from_secs(5), "it did not wait");
        builds.state.lock().unwrap().waiting = 0;
        drop(running);
    }
}
