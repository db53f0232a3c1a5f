//! Request-rate limits, as IAM throttles: a token bucket per account for authenticated
//! requests (past it: `Throttling`, HTTP 400, which the SDKs' standard retry backs off
//! from), one per source address for failed authentications (so guessing keys or
//! signatures is slow, and costs no signature check once over the limit), and one per
//! source address for console sign-in attempts (taken before the password is hashed,
//! given back when the attempt succeeds: guessing passwords under made-up names, which
//! the per-name lockout never sees, costs at most the burst and then the rate of argon2
//! verifications per source).
//!
//! Buckets live in memory, one instance's; at most [`MAX_BUCKETS`] are kept (idle full
//! buckets are dropped first). Time is passed in, so tests need no sleeping.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::Instant;

/// Buckets kept at most per limiter.
pub const MAX_BUCKETS: usize = 100_000;

/// A rate and a burst. A rate of 0 turns the limit off.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    /// Tokens added per second.
    pub per_second: f64,
    /// The bucket's size: how many requests may come at once.
    pub burst: f64,
}

impl Rate {
    /// No limit.
    pub const OFF: Rate = Rate {
        per_second: 0.0,
        burst: 0.0,
    };

    fn is_off(self) -> bool {
        self.per_second <= 0.0
    }
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets by key.
#[derive(Debug)]
pub struct Limiter<K> {
    rate: Rate,
    buckets: Mutex<HashMap<K, Bucket>>,
}

impl<K: Hash + Eq + Clone> Limiter<K> {
    /// A limiter at `rate`.
    pub fn new(rate: Rate) -> Limiter<K> {
        Limiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn refill(&self, b: &mut Bucket, now: Instant) {
        let secs = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + secs * self.rate.per_second).min(self.rate.burst);
        b.at = now;
    }

    /// Whether `key` may go ahead now; takes a token when it may.
    pub fn take(&self, key: &K, now: Instant) -> bool {
        if self.rate.is_off() {
            return true;
        }
        let mut map = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !map.contains_key(key) && map.len() >= MAX_BUCKETS {
            let rate = self.rate;
            map.retain(|_, b| {
                let secs = now.saturating_duration_since(b.at).as_secs_f64();
                b.tokens + secs * rate.per_second < rate.burst
            });
        }
        let fresh = Bucket {
            tokens: self.rate.burst,
            at: now,
        };
        let b = map.entry(key.clone()).or_insert(fresh);
        self.refill(b, now);
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Gives back a token taken for `key` (an attempt that turned out not to count), never
    /// beyond the burst.
    pub fn give_back(&self, key: &K, now: Instant) {
        if self.rate.is_off() {
            return;
        }
        let mut map = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(b) = map.get_mut(key) {
            self.refill(b, now);
            b.tokens = (b.tokens + 1.0).min(self.rate.burst);
        }
    }

    /// Whether `key` has a token left, without taking one.
    pub fn has(&self, key: &K, now: Instant) -> bool {
        if self.rate.is_off() {
            return true;
        }
        let mut map = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match map.get_mut(key) {
            None => true,
            Some(b) => {
                self.refill(b, now);
                b.tokens >= 1.0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_its_rate() {
        let l = Limiter::new(Rate {
            per_second: 2.0,
            burst: 3.0,
        });
        let t0 = Instant::now();
        assert!((0..3).all(|_| l.take(&"a", t0)), "the burst");
        assert!(!l.take(&"a", t0), "then nothing");
        assert!(l.take(&"b", t0), "other keys are apart");
        assert!(!l.take(&"a", t0 + Duration::from_millis(400)));
        assert!(
            l.take(&"a", t0 + Duration::from_millis(500)),
            "two a second"
        );
        assert!(!l.has(&"a", t0 + Duration::from_millis(600)));
        assert!(l.has(&"a", t0 + Duration::from_secs(10)));
        assert!(
            (0..3).all(|_| l.take(&"a", t0 + Duration::from_secs(10))),
            "never more than the burst"
        );
        assert!(!l.take(&"a", t0 + Duration::from_secs(10)));
    }

    #[test]
    fn a_token_given_back_is_there_again_but_never_beyond_the_burst() {
        let l = Limiter::new(Rate {
            per_second: 1.0,
            burst: 2.0,
        });
        let t0 = Instant::now();
        assert!(l.take(&"a", t0) && l.take(&"a", t0));
        assert!(!l.has(&"a", t0), "the burst is spent");
        l.give_back(&"a", t0);
        assert!(l.take(&"a", t0), "a successful attempt does not count");
        assert!(!l.take(&"a", t0));
        let later = t0 + Duration::from_secs(60);
        l.give_back(&"a", later);
        l.give_back(&"a", later);
        assert!(l.take(&"a", later) && l.take(&"a", later));
        assert!(!l.take(&"a", later), "never more than the burst");
        l.give_back(&"b", t0);
        assert!(l.take(&"b", t0) && l.take(&"b", t0) && !l.take(&"b", t0));
    }

    #[test]
    fn a_rate_of_zero_is_no_limit() {
        let l = Limiter::new(Rate::OFF);
        let t0 = Instant::now();
        assert!((0..10_000).all(|_| l.take(&1, t0)));
    }
}
