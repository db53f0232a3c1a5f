//! The IAM core against the issue's goals: the credential report build for an account at
//! the users quota, and the recording of access key use inside and outside the window.
//!
//! ```text
//! cargo bench -p credreport-iam --bench iam
//! CREDREPORT_BENCH_QUICK=1 cargo bench -p credreport-iam --bench iam
//! CREDREPORT_BENCH_POSTGRES=1 cargo bench -p credreport-iam --bench iam
//! ```
//!
//! Setup: a real `SqliteStore` (WAL, `synchronous=FULL`) in a temporary directory (with
//! `CREDREPORT_BENCH_POSTGRES=1`: a `PgStore` on a fresh database of the server that
//! `CREDREPORT_TEST_DATABASE_URL` names, as the tests use), one
//! account with a password policy (90-day maximum age) and 5,000 users (the quota) with
//! mixed credentials, written in one transaction through `store::write` (fixed password
//! hashes and sealed blobs: nothing verifies them here, and 3,000 argon2 hashes would
//! only slow the setup down). The mix is deterministic (a fixed-seed generator).
//!
//! `CREDREPORT_BENCH_USERS=100000` runs the same with that many users (past the API's quota:
//! the set-up writes them through the store), and prints the process's peak memory.
//!
//! Timed (wall clock, best and median of `RUNS`):
//!
//! - the full build, which no build runs any more (issue 26) but which is what the kept
//!   rows are held to: `write_account_report` on a snapshot read beforehand (and, apart,
//!   `report_rows`, the same rows as values), and `Iam::snapshot`, the store read;
//! - generate to COMPLETE: `generate_credential_report` and `ReportBuild::complete`, with
//!   the clock moved past four hours before each (the kept rows become the stored report);
//! - generate to the report in hand: `ReportBuild::run`, the report stored and its bytes
//!   joined in one transaction (the server's build thread, but for the base64 encoding);
//! - GetCredentialReport's bytes: `Iam::credential_report`, the stored report's rows joined;
//! - `render_all_report_rows`: every row rendered from the records and written, what an
//!   account's first build after the upgrade (or a bulk load) costs.
//!
//! Then `record_key_use` inside the window (1,000 keys already recorded this minute, in a
//! tight loop, on one thread and on two), and outside it (every use the first of a new
//! 15-minute window, so every use is a durable store write), next to the raw `fdatasync`
//! rate of the same directory.
//!
//! No benchmark framework: `Instant`, `black_box`.

use std::fs::OpenOptions;
use std::hint::black_box;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::store::postgres::{PgStore, PgUrl};
use credreport_iam::store::{Tx, UserQuery};
use credreport_iam::{
    report_rows, store, write_account_report, AccountId, Clock, Iam, IamConfig, ManualClock,
    ReportState, SqliteStore, Store, UseOutcome, KEY_WINDOW_SECS, REPORT_FRESH_SECS,
};
use credreport_report::{write_report, Edition, Timestamp};
use credreport_testkit::peak_rss_kib;

// The generated account, shared with the console's benchmark.
#[path = "common/account.rs"]
mod account;
use account::{populate_users, ts, Result, ACCOUNT, DAY, START, USERS};

/// One of the reads `Iam::snapshot` makes; answers how many records it read.
type Part = fn(&mut dyn Tx, &AccountId) -> credreport_iam::Result<usize>;

const QUICK_VAR: &str = "CREDREPORT_BENCH_QUICK";
const POSTGRES_VAR: &str = "CREDREPORT_BENCH_POSTGRES";
const USERS_VAR: &str = "CREDREPORT_BENCH_USERS";
/// Issue 26: GenerateCredentialReport to COMPLETE, in process, for 5,000 users.
const COMPLETE_GOAL_MS: f64 = 2.0;
const IN_WINDOW_GOAL: f64 = 5_000_000.0;

struct Settings {
    runs: usize,
    window_keys: usize,
    in_window: Duration,
    durable: Duration,
}

/// Whether the variable `name` is set to something other than empty or `0`.
fn flag(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0")
}

fn main() -> Result<()> {
    let quick = flag(QUICK_VAR);
    let settings = if quick {
        Settings {
            runs: 5,
            window_keys: 1_000,
            in_window: Duration::from_millis(300),
            durable: Duration::from_millis(300),
        }
    } else {
        Settings {
            runs: 20,
            window_keys: 1_000,
            in_window: Duration::from_secs(3),
            durable: Duration::from_secs(2),
        }
    };

    let dir = tempfile::tempdir()?;
    let clock = ManualClock::new(ts(START)?);
    let store: Arc<dyn Store> = if flag(POSTGRES_VAR) {
        let url = credreport_testkit::postgres::fresh_database("bench");
        println!("store: PostgreSQL, {}", PgUrl::parse(&url)?);
        Arc::new(PgStore::open(&PgUrl::parse(&url)?)?)
    } else {
        println!("store: SQLite");
        Arc::new(SqliteStore::open(&dir.path().join("iam.db"))?)
    };
    let master = MasterKey::generate()?;
    let iam = Iam::new(
        Arc::clone(&store),
        Arc::new(clock.clone()),
        master.clone(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let account = AccountId::parse(ACCOUNT).ok_or("bad account id")?;

    let users = match std::env::var(USERS_VAR) {
        Ok(n) => n.parse::<usize>()?,
        Err(_) => USERS,
    };
    let setup = Instant::now();
    let mix = populate_users(&iam, store.as_ref(), &account, users, Some(&master))?;
    println!(
        "setup: {} users, {} with a password, {} access keys ({} inactive, {} used), {} MFA, \
         {} certificates; {:.2} s",
        mix.users,
        mix.passwords,
        mix.keys.len(),
        mix.inactive_keys,
        mix.used_keys,
        mix.mfa,
        mix.certs,
        setup.elapsed().as_secs_f64()
    );
    // The clock stands a year after the account was created, after every credential.
    clock.set(ts(START + 365 * DAY)?);

    let mut table = Table::default();

    // (a) The pure build, on a snapshot read once.
    let snapshot = iam.snapshot(&account)?;
    let bytes = write_account_report(&snapshot)?;
    if bytes != write_report(Edition::Current, &report_rows(&snapshot))? {
        return Err("write_account_report and report_rows disagree".into());
    }
    let lines = bytes.split(|&b| b == b'\n').count();
    if lines != users + 2 {
        return Err(format!("the report has {lines} lines, not {}", users + 2).into());
    }
    println!(
        "report: {} rows (root and {users} users) plus the header, {} bytes",
        lines - 1,
        bytes.len()
    );
    let rows_only = time_runs(settings.runs, || {
        black_box(report_rows(black_box(&snapshot)));
        Ok(())
    })?;
    table.ms("report_rows only", &rows_only, None);
    let pure = time_runs(settings.runs, || {
        black_box(write_account_report(black_box(&snapshot))?);
        Ok(())
    })?;
    table.ms("(a) pure build: write_account_report", &pure, None);

    // (b) The store read.
    let read = time_runs(settings.runs, || {
        black_box(iam.snapshot(&account)?);
        Ok(())
    })?;
    table.ms("(b) Iam::snapshot (store read)", &read, None);
    // The split read against the same reads in one transaction on one thread, run by run
    // in turn, so that both meet the same phases of the machine.
    let (mut split, mut single) = (Vec::new(), Vec::new());
    for _ in 0..settings.runs {
        let t = Instant::now();
        black_box(iam.snapshot(&account)?);
        split.push(t.elapsed());
        let t = Instant::now();
        black_box(store::read(store.as_ref(), |tx| {
            let q = UserQuery {
                path_prefix: None,
                after: None,
                limit: 2 * users,
            };
            Ok((
                tx.account(&account)?,
                tx.users(&account, &q)?,
                tx.password_changes(&account)?,
                tx.mfa_owners(&account)?,
                tx.key_facts(&account)?,
                tx.cert_facts(&account)?,
            ))
        })?);
        single.push(t.elapsed());
    }
    table.ms(
        "    split: users side and keys side at once (in turn with:)",
        &Stats::of(split),
        None,
    );
    table.ms(
        "    the same reads in one transaction, one thread",
        &Stats::of(single),
        None,
    );
    let parts: [(&str, Part); 5] = [
        ("users", |tx, a| {
            let q = UserQuery {
                path_prefix: None,
                after: None,
                limit: usize::MAX,
            };
            Ok(tx.users(a, &q)?.len())
        }),
        ("password changes", |tx, a| {
            Ok(tx.password_changes(a)?.len())
        }),
        ("access keys", |tx, a| Ok(tx.key_facts(a)?.len())),
        ("MFA owners", |tx, a| Ok(tx.mfa_owners(a)?.len())),
        ("signing certificates", |tx, a| Ok(tx.cert_facts(a)?.len())),
    ];
    for (what, part) in parts {
        let stats = time_runs(settings.runs, || {
            black_box(store::read(store.as_ref(), |tx| part(tx, &account))?);
            Ok(())
        })?;
        table.ms(&format!("    of which {what} (own read txn)"), &stats, None);
    }

    // (c) GenerateCredentialReport to COMPLETE: the call, then the build it starts.
    let mut generate = Vec::with_capacity(settings.runs);
    let complete = time_runs(settings.runs, || {
        clock.advance(REPORT_FRESH_SECS + 60);
        let t = Instant::now();
        let generation = iam.generate_credential_report(&account)?;
        generate.push(t.elapsed());
        if generation.state != ReportState::Started {
            return Err(format!("generate answered {:?}", generation.state).into());
        }
        let build = generation.build.ok_or("no build started")?;
        build.complete()?.ok_or("the build was taken over")?;
        Ok(t.elapsed())
    })?;
    table.ms(
        "(c) generate to COMPLETE: generate_credential_report + ReportBuild::complete",
        &complete,
        (users == USERS).then_some(COMPLETE_GOAL_MS),
    );
    table.ms(
        "    of which generate_credential_report (one read, one write txn)",
        &Stats::of(generate),
        None,
    );
    // (c2) What the server's build thread runs: generate, then the report stored and its
    // bytes joined in the same transaction (`run_into`; the server encodes them as they come).
    let run = time_runs(settings.runs, || {
        clock.advance(REPORT_FRESH_SECS + 60);
        let t = Instant::now();
        let build = iam
            .generate_credential_report(&account)?
            .build
            .ok_or("no build started")?;
        black_box(build.run()?.ok_or("the build was taken over")?);
        Ok(t.elapsed())
    })?;
    table.ms(
        "(c2) generate to the report in hand: generate_credential_report + ReportBuild::run",
        &run,
        None,
    );
    // (d) GetCredentialReport's bytes: the stored report's rows joined.
    let get = time_runs(settings.runs, || {
        black_box(iam.credential_report(&account)?);
        Ok(())
    })?;
    table.ms(
        "(d) credential_report: the stored report's rows joined (GetCredentialReport)",
        &get,
        None,
    );
    let stored = iam.credential_report(&account)?;
    if stored.content != write_account_report(&iam.snapshot(&account)?)? {
        return Err("the report of kept rows differs from the full build".into());
    }
    // (e) Every row rendered and written again.
    let all = time_runs(settings.runs.min(5), || {
        iam.render_all_report_rows(&account)?;
        Ok(())
    })?;
    table.ms(
        "(e) render_all_report_rows: every row rendered from the records and written",
        &all,
        None,
    );

    // Outside the window: every use is the first of a new window, so a durable write.
    let fsyncs = fsync_rate(dir.path(), settings.durable)?;
    let durable = durable_uses(&iam, &clock, &mix.keys, settings.durable)?;
    table.rate(
        "raw write + fdatasync of 4 KiB, same directory",
        fsyncs,
        None,
    );
    table.rate(
        "record_key_use outside the window (durable writes)",
        durable,
        None,
    );

    // Inside the window: 1,000 keys recorded at the current minute, then used again and
    // again within that minute.
    clock.advance(KEY_WINDOW_SECS);
    let now = clock.now();
    let hot = &mix.keys[..settings.window_keys.min(mix.keys.len())];
    for key in hot {
        if iam.record_key_use(key, now, "us-east-1", "iam")? != UseOutcome::Recorded {
            return Err(format!("{key}: the first use was not recorded").into());
        }
    }
    let one = in_window(&iam, hot, now, 1, settings.in_window)?;
    table.rate(
        &format!(
            "record_key_use inside the window, 1 thread, {} keys",
            hot.len()
        ),
        one,
        Some(IN_WINDOW_GOAL),
    );
    let two = in_window(&iam, hot, now, 2, settings.in_window)?;
    table.rate(
        &format!(
            "record_key_use inside the window, 2 threads, {} keys",
            hot.len()
        ),
        two,
        None,
    );

    println!();
    table.print(users);
    println!();
    println!("peak memory of the process: {} MiB", peak_rss_kib()? / 1024);
    Ok(())
}

/// Best and median of a set of timings.
struct Stats {
    best: Duration,
    median: Duration,
    runs: usize,
}

impl Stats {
    fn of(mut times: Vec<Duration>) -> Stats {
        times.sort();
        Stats {
            best: times.first().copied().unwrap_or_default(),
            median: times.get(times.len() / 2).copied().unwrap_or_default(),
            runs: times.len(),
        }
    }
}

/// Times `runs` calls of `f` (after one untimed warm-up call). `f` answers the time to
/// count, or `()` for its whole call.
fn time_runs<R: Timed>(runs: usize, mut f: impl FnMut() -> Result<R>) -> Result<Stats> {
    f()?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let r = f()?;
        times.push(r.or(t.elapsed()));
    }
    Ok(Stats::of(times))
}

trait Timed {
    fn or(self, whole: Duration) -> Duration;
}

impl Timed for () {
    fn or(self, whole: Duration) -> Duration {
        whole
    }
}

impl Timed for Duration {
    fn or(self, _whole: Duration) -> Duration {
        self
    }
}

/// Writes and `fdatasync`s 4 KiB again and again for `span`: what one durable commit can
/// cost at best on this disk.
fn fsync_rate(dir: &Path, span: Duration) -> Result<f64> {
    let path = dir.join("fsync.probe");
    let mut file = OpenOptions::new()
        .create(true)
        .truncate(true)
        .write(true)
        .open(&path)?;
    let block = [0x42u8; 4096];
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < span {
        file.write_all(&block)?;
        file.sync_data()?;
        n += 1;
    }
    let rate = per_sec(n, start.elapsed());
    drop(file);
    std::fs::remove_file(path)?;
    Ok(rate)
}

/// `record_key_use` with every use the first of a new window: the clock moves a window
/// on, then each key is used once, until `span` is over.
fn durable_uses(iam: &Iam, clock: &ManualClock, keys: &[String], span: Duration) -> Result<f64> {
    let start = Instant::now();
    let mut n = 0u64;
    'windows: loop {
        clock.advance(KEY_WINDOW_SECS);
        let now = clock.now();
        for key in keys {
            if iam.record_key_use(key, now, "eu-west-1", "sts")? != UseOutcome::Recorded {
                return Err(format!("{key}: a use in a new window was not recorded").into());
            }
            n += 1;
            if start.elapsed() >= span {
                break 'windows;
            }
        }
    }
    Ok(per_sec(n, start.elapsed()))
}

/// `record_key_use` of keys recorded at `now`, at the seconds of `now`'s minute, on
/// `threads` threads for `span`: uses per second, all threads together.
fn in_window(
    iam: &Iam,
    keys: &[String],
    now: Timestamp,
    threads: usize,
    span: Duration,
) -> Result<f64> {
    const BATCH: usize = 1 << 16;
    let minute = now.truncate_to_minute();
    let seconds: Vec<Timestamp> = (0..60)
        .map(|s| minute.checked_add_secs(s).ok_or("timestamp overflow"))
        .collect::<std::result::Result<_, _>>()?;
    let start = Instant::now();
    let counts = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let seconds = &seconds;
                scope.spawn(move || -> std::result::Result<u64, String> {
                    let mut n = 0u64;
                    let mut i = t * keys.len() / threads;
                    let mut s = t * 7;
                    loop {
                        for _ in 0..BATCH {
                            i += 1;
                            if i == keys.len() {
                                i = 0;
                            }
                            s += 1;
                            if s == seconds.len() {
                                s = 0;
                            }
                            let outcome = iam
                                .record_key_use(&keys[i], seconds[s], "us-east-1", "iam")
                                .map_err(|e| e.to_string())?;
                            if black_box(outcome) != UseOutcome::InWindow {
                                return Err(format!("{}: not in the window", keys[i]));
                            }
                        }
                        n += BATCH as u64;
                        if start.elapsed() >= span {
                            return Ok(n);
                        }
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().map_err(|_| "a worker panicked".to_owned())?)
            .collect::<std::result::Result<Vec<u64>, String>>()
    })?;
    Ok(per_sec(counts.iter().sum(), start.elapsed()))
}

#[allow(clippy::cast_precision_loss)]
fn per_sec(n: u64, elapsed: Duration) -> f64 {
    n as f64 / elapsed.as_secs_f64()
}

#[derive(Default)]
struct Table {
    times: Vec<(String, Stats, Option<f64>)>,
    rates: Vec<(String, f64, Option<f64>)>,
}

impl Table {
    fn ms(&mut self, what: &str, stats: &Stats, goal_ms: Option<f64>) {
        let stats = Stats {
            best: stats.best,
            median: stats.median,
            runs: stats.runs,
        };
        println!(
            "{what}: best {:.2} ms, median {:.2} ms",
            ms(stats.best),
            ms(stats.median)
        );
        self.times.push((what.to_owned(), stats, goal_ms));
    }

    fn rate(&mut self, what: &str, per_sec: f64, goal: Option<f64>) {
        println!("{what}: {per_sec:.0}/s");
        self.rates.push((what.to_owned(), per_sec, goal));
    }

    fn print(&self, users: usize) {
        let runs = self.times.first().map_or(0, |t| t.1.runs);
        println!("| report, {users} users ({runs} runs) | best ms | median ms | goal |");
        println!("| --- | ---: | ---: | --- |");
        for (what, stats, goal) in &self.times {
            let goal = goal.map_or(String::new(), |g| {
                let met = if ms(stats.median) < g {
                    "met"
                } else {
                    "NOT met"
                };
                format!("< {g:.0} ms: {met}")
            });
            println!(
                "| {what} | {:.2} | {:.2} | {goal} |",
                ms(stats.best),
                ms(stats.median)
            );
        }
        println!();
        println!("| usage recording | per second | goal |");
        println!("| --- | ---: | --- |");
        for (what, rate, goal) in &self.rates {
            let goal = goal.map_or(String::new(), |g| {
                let met = if *rate > g { "met" } else { "NOT met" };
                format!("> {} /s: {met}", thousands(g))
            });
            println!("| {what} | {} | {goal} |", thousands(*rate));
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn thousands(v: f64) -> String {
    let digits = (v.round() as u64).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
