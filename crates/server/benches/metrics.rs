//! What recording a request's metrics costs (issue 25, part 5: "metric recording must not
//! slow requests measurably"), apart from the load run's noise: `Metrics::api_request`
//! (a latency histogram observation and a counter, or an error counter behind a read
//! lock) in a tight loop, on one thread and on two threads recording the same action at
//! once (the contended worst case: the same cache lines), and what a scrape's rendering
//! of every series costs.
//!
//! ```text
//! cargo bench -p credreport-server --bench metrics
//! ```
//!
//! Best of `ROUNDS` rounds of `CALLS` calls each, wall clock.

use std::hint::black_box;
use std::thread;
use std::time::{Duration, Instant};

use credreport_server::metrics::Metrics;
use credreport_server::ops::Action;

const CALLS: u32 = 2_000_000;
const ROUNDS: usize = 5;

/// Nanoseconds per call of `record` on `threads` threads at once (each making `CALLS`).
fn per_call(threads: usize, record: fn(&Metrics, u32)) -> f64 {
    let metrics = Metrics::new();
    let mut best = f64::MAX;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| {
                    for i in 0..CALLS {
                        record(black_box(&metrics), i);
                    }
                });
            }
        });
        let ns = started.elapsed().as_nanos() as f64 / f64::from(CALLS);
        best = best.min(ns);
    }
    best
}

fn success(m: &Metrics, i: u32) {
    let took = Duration::from_micros(u64::from(i % 5_000));
    m.api_request(Some(Action::ListUsers), None, took);
}

fn error(m: &Metrics, i: u32) {
    let took = Duration::from_micros(u64::from(i % 5_000));
    m.api_request(Some(Action::GetUser), Some("NoSuchEntity"), took);
}

fn main() {
    println!("| what | 1 thread: ns per call | 2 threads at once: ns per call (each) |");
    println!("|---|---|---|");
    for (name, record) in [
        (
            "a success (histogram + counter)",
            success as fn(&Metrics, u32),
        ),
        ("an error (histogram + counter under a read lock)", error),
    ] {
        println!(
            "| {name} | {:.1} | {:.1} |",
            per_call(1, record),
            per_call(2, record)
        );
    }
    // A scrape: every action with a success and an error, every series rendered.
    let metrics = Metrics::new();
    for (i, &action) in Action::ALL.iter().enumerate() {
        let took = Duration::from_micros(u64::try_from(i).unwrap_or(0) * 37);
        metrics.api_request(Some(action), None, took);
        metrics.api_request(Some(action), Some("AccessDenied"), took);
    }
    let mut best = Duration::MAX;
    let mut bytes = 0;
    for _ in 0..50 {
        let started = Instant::now();
        bytes = black_box(metrics.render()).len();
        best = best.min(started.elapsed());
    }
    println!(
        "\nGET /metrics rendering, {} actions with a success and an error each: {:.0} µs best of 50, {bytes} bytes",
        Action::ALL.len(),
        best.as_secs_f64() * 1e6
    );
}
