//! The privilege analysis of a generated account (`credreport_testkit::account`): reading
//! its authorization details, and analysing every user and role.
//!
//! ```text
//! cargo bench -p credreport-privilege --bench privilege
//! CREDREPORT_PRIVILEGE_BENCH_USERS=20000 cargo bench -p credreport-privilege --bench privilege
//! ```
//!
//! No benchmark framework: wall-clock milliseconds, best of five. The auditor's benchmark
//! (`cargo bench -p credreport-audit --bench audit`) puts the same account next to the
//! report-only audit.

use std::time::{Duration, Instant};

use credreport_privilege::{analyze, AuthorizationDetails, Privilege};

const USERS_VAR: &str = "CREDREPORT_PRIVILEGE_BENCH_USERS";
const RUNS: usize = 5;

fn best_of<T>(mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let v = std::hint::black_box(f());
        best = best.min(start.elapsed());
        out = Some(v);
    }
    (best, out.unwrap_or_else(f))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let users: usize = std::env::var(USERS_VAR)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(5000);
    let names: Vec<(String, bool)> = (0..users)
        .map(|i| {
            let human = i % 5 < 2;
            (
                if human {
                    format!("user{i:05}")
                } else {
                    format!("svc-{i:05}")
                },
                human,
            )
        })
        .collect();
    let json = credreport_testkit::account::authorization_details("123456789012", &names);
    let (read_t, details) = best_of(|| AuthorizationDetails::from_json(&json));
    let details = details?;
    let (analyze_t, analysis) = best_of(|| analyze(&details));
    let count = |p: Privilege| analysis.iter().filter(|a| a.privilege() == p).count();
    println!();
    println!(
        "privilege analysis: {users} users, {} roles, {} groups, {} policies ({:.1} MB of JSON); {} distinct policy sets",
        details.roles.len(),
        details.groups.len(),
        details.policies.len(),
        json.len() as f64 / 1e6,
        analysis.distinct_sets()
    );
    println!(
        "classes: {} admin, {} write, {} read, {} none",
        count(Privilege::Admin),
        count(Privilege::Write),
        count(Privilege::Read),
        count(Privilege::None)
    );
    println!("read the JSON:    {:>8.2} ms", read_t.as_secs_f64() * 1e3);
    println!(
        "analyse:          {:>8.2} ms",
        analyze_t.as_secs_f64() * 1e3
    );
    Ok(())
}
