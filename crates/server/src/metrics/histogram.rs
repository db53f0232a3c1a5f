//! A histogram of durations in atomic counters: one count per bucket (each bucket counts
//! its own observations; the exposition adds them up into Prometheus' cumulative `le`
//! buckets), and the sum in nanoseconds. Observing is a search of a dozen bounds and two
//! relaxed atomic additions: no lock, no allocation.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Request latencies, in seconds: from half a millisecond (a read served from memory) to
/// 10 s (past the store's slowest writes; the request timeout is 30 s).
pub(crate) const REQUEST_BOUNDS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Report build durations, in seconds: a small account's in milliseconds, the users
/// quota's (5,000) in a fraction of a second, far larger ones in minutes.
pub(crate) const BUILD_BOUNDS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0,
];

/// Durations observed, by bucket.
#[derive(Debug)]
pub(crate) struct Histogram {
    /// The buckets' upper bounds in seconds, increasing.
    bounds: &'static [f64],
    /// The bounds in nanoseconds, for the comparison on the hot path.
    bounds_nanos: Box<[u64]>,
    /// One count per bound, then the observations above the last one (`+Inf`).
    counts: Box<[AtomicU64]>,
    sum_nanos: AtomicU64,
}

/// What a histogram holds at one moment, ready to write.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Snapshot {
    /// `(upper bound, observations at or below it)`, cumulative, the last bound `+Inf`.
    pub(crate) buckets: Vec<(f64, u64)>,
    /// The observations, in all (the `+Inf` bucket's count).
    pub(crate) count: u64,
    /// Their sum, in seconds.
    pub(crate) sum: f64,
}

impl Histogram {
    /// An empty histogram with these upper bounds (seconds, increasing).
    pub(crate) fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            bounds_nanos: bounds.iter().map(|b| nanos_of_secs(*b)).collect(),
            counts: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum_nanos: AtomicU64::new(0),
        }
    }

    /// Counts one observation of `d`: in the first bucket whose bound is at least `d`.
    pub(crate) fn observe(&self, d: Duration) {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let i = self.bounds_nanos.partition_point(|b| *b < nanos);
        if let Some(c) = self.counts.get(i) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Whether anything was observed.
    pub(crate) fn is_empty(&self) -> bool {
        self.counts.iter().all(|c| c.load(Ordering::Relaxed) == 0)
    }

    /// The buckets made cumulative, the count and the sum. The count is the buckets' own
    /// total, so the two always agree; the sum may be a moment ahead or behind under
    /// concurrent observations, as in every Prometheus client.
    pub(crate) fn snapshot(&self) -> Snapshot {
        let mut total = 0u64;
        let mut buckets = Vec::with_capacity(self.counts.len());
        for (i, c) in self.counts.iter().enumerate() {
            total = total.saturating_add(c.load(Ordering::Relaxed));
            buckets.push((self.bounds.get(i).copied().unwrap_or(f64::INFINITY), total));
        }
        Snapshot {
            buckets,
            count: total,
            // Nanoseconds as an f64 lose precision only past 104 days of total time.
            #[allow(clippy::cast_precision_loss)]
            sum: self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9,
        }
    }
}

/// `secs` in whole nanoseconds (the bounds are written in decimal; 0.0005 s is 500,000 ns).
fn nanos_of_secs(secs: f64) -> u64 {
    Duration::try_from_secs_f64(secs).map_or(u64::MAX, |d| {
        u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each observation lands in the first bucket whose bound is at least its value, a
    /// value on a bound included (`le`), and the buckets are cumulative.
    #[test]
    fn observations_fill_cumulative_le_buckets() {
        static BOUNDS: &[f64] = &[0.001, 0.01, 0.1];
        let h = Histogram::new(BOUNDS);
        assert!(h.is_empty());
        let ms = Duration::from_micros;
        for d in [
            ms(0),
            ms(1000),
            ms(1001),
            ms(9_999),
            ms(100_000),
            ms(100_001),
            ms(7_000_000),
        ] {
            h.observe(d);
        }
        let s = h.snapshot();
        assert_eq!(
            s.buckets,
            [(0.001, 2), (0.01, 4), (0.1, 5), (f64::INFINITY, 7)]
        );
        assert_eq!(s.count, 7);
        assert!((s.sum - 7.212_001).abs() < 1e-9, "{}", s.sum);
        assert!(!h.is_empty());
    }

    #[test]
    fn the_bounds_increase_and_end_below_infinity() {
        for bounds in [REQUEST_BOUNDS, BUILD_BOUNDS] {
            assert!(bounds.windows(2).all(|w| w[0] < w[1]), "{bounds:?}");
            assert!(bounds.iter().all(|b| b.is_finite() && *b > 0.0));
        }
        assert_eq!(nanos_of_secs(0.0005), 500_000);
        assert_eq!(nanos_of_secs(2.5), 2_500_000_000);
    }
}
