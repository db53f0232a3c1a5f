//! How long to wait between polls: capped exponential backoff with jitter, as a pure
//! function of the attempt, the time spent so far and a random number the caller draws.
//! The clock and the randomness are arguments, so the policy is tested without sleeping.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// The backoff policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay's ceiling.
    pub initial: Duration,
    /// No delay is longer than this.
    pub max: Duration,
}

impl Backoff {
    /// Report generation takes about a second for small accounts and minutes for large
    /// ones: start at half a second, double, never wait more than 20 s between polls.
    pub const STANDARD: Backoff = Backoff {
        initial: Duration::from_millis(500),
        max: Duration::from_secs(20),
    };

    /// The delay before poll number `attempt + 1` (`attempt` counts from 0): the ceiling
    /// `min(max, initial * 2^attempt)`, of which half is fixed and half is `unit` (in
    /// `[0, 1)`) times the rest ("equal jitter"). Never zero, so a poll loop never spins,
    /// and spread out, so many accounts polled at once do not poll in step.
    pub fn delay(&self, attempt: u32, unit: f64) -> Duration {
        let ceiling = self
            .initial
            .checked_mul(1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX))
            .unwrap_or(self.max)
            .min(self.max);
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let half = ceiling / 2;
        (half + half.mul_f64(unit)).max(Duration::from_millis(1))
    }

    /// The delay before the next poll, shortened so as not to pass `budget`; `None` when
    /// `elapsed` has used the budget up (give up).
    pub fn next_delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        budget: Duration,
        unit: f64,
    ) -> Option<Duration> {
        let left = budget.checked_sub(elapsed).filter(|d| !d.is_zero())?;
        Some(self.delay(attempt, unit).min(left))
    }
}

/// Random numbers in `[0, 1)` for the jitter. Not cryptographic; each draw comes from a
/// freshly keyed SipHash (std's `RandomState`), which is all jitter needs.
#[derive(Debug, Default)]
pub struct Jitter {
    counter: u64,
}

impl Jitter {
    /// The next number in `[0, 1)`.
    pub fn next_unit(&mut self) -> f64 {
        self.counter = self.counter.wrapping_add(1);
        let mut h = RandomState::new().build_hasher();
        h.write_u64(self.counter);
        // 53 random bits make a uniform f64 in [0, 1).
        (h.finish() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Backoff = Backoff::STANDARD;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn doubles_from_the_initial_delay_up_to_the_cap() {
        // unit 1.0 gives the ceiling itself.
        let ceilings: Vec<Duration> = (0..8).map(|a| P.delay(a, 1.0)).collect();
        assert_eq!(
            ceilings,
            [
                ms(500),
                ms(1000),
                ms(2000),
                ms(4000),
                ms(8000),
                ms(16000),
                ms(20000),
                ms(20000)
            ]
        );
    }

    #[test]
    fn jitter_keeps_half_the_delay_fixed() {
        assert_eq!(P.delay(0, 0.0), ms(250));
        assert_eq!(P.delay(0, 0.5), ms(375));
        assert_eq!(P.delay(3, 0.0), ms(2000));
        assert_eq!(P.delay(10, 0.0), ms(10000));
        for a in 0..40 {
            for u in [0.0, 0.1, 0.5, 0.999] {
                let d = P.delay(a, u);
                let ceiling = P.delay(a, 1.0);
                assert!(
                    d >= ceiling / 2 && d <= ceiling,
                    "attempt {a} unit {u}: {d:?}"
                );
            }
        }
    }

    #[test]
    fn huge_attempts_and_odd_units_stay_in_bounds() {
        assert_eq!(P.delay(u32::MAX, 1.0), ms(20000));
        assert_eq!(P.delay(64, 1.0), ms(20000));
        assert_eq!(P.delay(2, f64::NAN), ms(1000));
        assert_eq!(P.delay(2, -3.0), ms(1000));
        assert_eq!(P.delay(2, 7.0), ms(2000));
        let tiny = Backoff {
            initial: Duration::ZERO,
            max: Duration::ZERO,
        };
        assert_eq!(tiny.delay(0, 0.0), ms(1), "a delay is never zero");
    }

    #[test]
    fn the_budget_shortens_the_last_delay_and_then_ends_the_wait() {
        let budget = Duration::from_secs(10);
        assert_eq!(P.next_delay(0, ms(0), budget, 1.0), Some(ms(500)));
        assert_eq!(P.next_delay(5, ms(9000), budget, 1.0), Some(ms(1000)));
        assert_eq!(P.next_delay(5, ms(9999), budget, 1.0), Some(ms(1)));
        assert_eq!(P.next_delay(0, budget, budget, 1.0), None);
        assert_eq!(P.next_delay(0, ms(20000), budget, 1.0), None);
    }

    #[test]
    fn jitter_draws_are_in_the_unit_interval_and_vary() {
        let mut j = Jitter::default();
        let draws: Vec<f64> = (0..200).map(|_| j.next_unit()).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let distinct: std::collections::BTreeSet<u64> = draws.iter().map(|u| u.to_bits()).collect();
        assert!(
            distinct.len() > 190,
            "draws should not repeat: {}",
            distinct.len()
        );
    }
}
