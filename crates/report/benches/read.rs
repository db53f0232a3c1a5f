//! Reading and validating a large generated report, next to a raw `csv::ByteRecord` read of
//! the same file in the same run.
//!
//! ```text
//! cargo bench -p credreport-report --bench read
//! CREDREPORT_BENCH_ROWS=20000 cargo bench -p credreport-report --bench read
//! ```
//!
//! The report (`CREDREPORT_BENCH_ROWS` data rows, default 1,000,000: the root row, then
//! users in AWS's case-insensitive order) is written with `ReportWriter` to a file in the
//! temporary directory, read three times each way, and removed. Both readers get the
//! `File` itself: each buffers internally. Peak memory (VmHWM) is taken in this process
//! and, to show that it does not grow with the file, in two child processes that each
//! read one file only, of a tenth of the rows and of all of them. A child is this same
//! program run with `CREDREPORT_BENCH_CHILD=<path>`.
//!
//! No benchmark framework: the figures are wall-clock seconds, best of three.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use credreport_report::{Cell, Column, Edition, ReportReader, ReportWriter, Row, Timestamp};
use credreport_testkit::{peak_rss_kib, Rng};

const ROWS_VAR: &str = "CREDREPORT_BENCH_ROWS";
const CHILD_VAR: &str = "CREDREPORT_BENCH_CHILD";
const DEFAULT_ROWS: u64 = 1_000_000;
const RUNS: usize = 3;
const MIB: f64 = 1024.0 * 1024.0;
const MB: f64 = 1_000_000.0;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    // `cargo bench` passes `--bench`; there is nothing to choose, so arguments are ignored.
    if let Some(path) = std::env::var_os(CHILD_VAR) {
        return child(Path::new(&path));
    }
    let rows = match std::env::var(ROWS_VAR) {
        Ok(v) => v
            .trim()
            .replace('_', "")
            .parse::<u64>()
            .map_err(|e| format!("{ROWS_VAR}={v}: {e}"))?
            .max(1),
        Err(_) => DEFAULT_ROWS,
    };
    let small_rows = (rows / 10).max(1);

    let files = TempFiles::default();
    let big = files.path("big");
    let small = files.path("small");

    let started = Instant::now();
    generate(&big, rows)?;
    let generation = started.elapsed();
    let bytes = std::fs::metadata(&big)?.len();
    let hwm_generated = peak_rss_kib()?;

    // A first read each way that is not timed: the file is in the page cache for both, and
    // the peak memory of each is taken in turn.
    let raw_records = raw_read(&big)?;
    let hwm_raw = peak_rss_kib()?;
    let our_rows = our_read(&big)?;
    let hwm_ours = peak_rss_kib()?;
    // The timed runs alternate, so that both readers meet the same conditions.
    let (mut raw_time, mut our_time) = (Duration::MAX, Duration::MAX);
    for _ in 0..RUNS {
        raw_time = raw_time.min(timed(|| raw_read(&big))?);
        our_time = our_time.min(timed(|| our_read(&big))?);
    }
    if raw_records != rows + 1 || our_rows != rows {
        return Err(format!(
            "expected {rows} rows; raw read {raw_records} records, ours {our_rows} rows"
        )
        .into());
    }

    generate(&small, small_rows)?;
    let small_peak = run_child(&small)?;
    let big_peak = run_child(&big)?;

    let mb = bytes as f64 / MB;
    println!();
    println!("credential report read benchmark (best of {RUNS} alternating runs each, same file)");
    println!(
        "file: {rows} data rows + header, {bytes} bytes ({mb:.1} MB), generated in {:.2} s",
        generation.as_secs_f64()
    );
    println!();
    println!(
        "| {:<32} | {:>8} | {:>8} | {:>12} | {:>8} |",
        "read", "seconds", "MB/s", "rows/s", "vs raw"
    );
    println!(
        "|{:-<34}|{:->10}|{:->10}|{:->14}|{:->10}|",
        "", "", "", "", ""
    );
    let line = |name: &str, t: Duration| {
        let s = t.as_secs_f64();
        println!(
            "| {:<32} | {:>8.3} | {:>8.1} | {:>12.0} | {:>7.2}x |",
            name,
            s,
            mb / s,
            rows as f64 / s,
            s / raw_time.as_secs_f64()
        );
    };
    line("raw csv::ByteRecord", raw_time);
    line("ReportReader::next_row + finish", our_time);
    println!();
    println!(
        "ratio ours/raw: {:.2}x (goal: at most 1.50x)",
        our_time.as_secs_f64() / raw_time.as_secs_f64()
    );
    println!();
    println!("peak RSS (VmHWM) of this process:");
    println!(
        "  after generating the file  {:>8.1} MiB",
        mib(hwm_generated)
    );
    println!("  after a raw read           {:>8.1} MiB", mib(hwm_raw));
    println!("  after a read with ours     {:>8.1} MiB", mib(hwm_ours));
    println!("peak RSS of a child process that only reads one file with ReportReader:");
    for (n, peak) in [(small_rows, small_peak), (rows, big_peak)] {
        println!(
            "  {:>9} rows  before reading {:>6.1} MiB, after {:>6.1} MiB",
            n,
            mib(peak.before),
            mib(peak.after)
        );
    }
    println!(
        "the child's one read of the {rows}-row file: {:.3} s, {:.1} MB/s, {:.2}x the raw read above",
        big_peak.secs,
        mb / big_peak.secs,
        big_peak.secs / raw_time.as_secs_f64()
    );
    Ok(())
}

/// The child: read one file, then print the peak memory before and after.
fn child(path: &Path) -> Result<()> {
    let before = peak_rss_kib()?;
    let start = Instant::now();
    let rows = our_read(path)?;
    let secs = start.elapsed().as_secs_f64();
    let after = peak_rss_kib()?;
    println!("rows={rows} before_kib={before} after_kib={after} secs={secs:.6}");
    Ok(())
}

/// What a child process reports.
#[derive(Clone, Copy, Debug)]
struct Peak {
    /// VmHWM before and after reading, KiB.
    before: u64,
    after: u64,
    /// How long the read took.
    secs: f64,
}

fn run_child(path: &Path) -> Result<Peak> {
    let out = Command::new(std::env::current_exe()?)
        .env(CHILD_VAR, path)
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!("child failed ({}): {stdout}{stderr}", out.status).into());
    }
    let field = |name: &str| -> Result<&str> {
        stdout
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .ok_or_else(|| format!("child printed no {name}: {stdout}").into())
    };
    Ok(Peak {
        before: field("before_kib")?.parse()?,
        after: field("after_kib")?.parse()?,
        secs: field("secs")?.parse()?,
    })
}

/// How long `f` takes.
fn timed(f: impl FnOnce() -> Result<u64>) -> Result<Duration> {
    let start = Instant::now();
    std::hint::black_box(f()?);
    Ok(start.elapsed())
}

/// Every record of the file, header included, into one reused `ByteRecord`.
fn raw_read(path: &Path) -> Result<u64> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(File::open(path)?);
    let mut record = csv::ByteRecord::new();
    let mut records = 0;
    while csv.read_byte_record(&mut record)? {
        std::hint::black_box(&record);
        records += 1;
    }
    Ok(records)
}

/// Every row through `ReportReader`, which parses and checks each one.
fn our_read(path: &Path) -> Result<u64> {
    let mut reader = ReportReader::new(File::open(path)?)?;
    let mut rows = 0;
    while let Some(row) = reader.next_row()? {
        std::hint::black_box(row);
        rows += 1;
    }
    let summary = reader.finish();
    if summary.rows != rows || !summary.root_row || !summary.diagnostics.is_empty() {
        return Err(format!("unexpected summary of a generated report: {summary:?}").into());
    }
    Ok(rows)
}

/// Temporary files, removed when dropped (also when the benchmark fails).
#[derive(Debug)]
struct TempFiles {
    stem: String,
    made: std::cell::RefCell<Vec<PathBuf>>,
}

impl Default for TempFiles {
    fn default() -> TempFiles {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        TempFiles {
            stem: format!("credreport-bench-{}-{nanos}", std::process::id()),
            made: std::cell::RefCell::default(),
        }
    }
}

impl TempFiles {
    fn path(&self, name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("{}-{name}.csv", self.stem));
        self.made.borrow_mut().push(path.clone());
        path
    }
}

impl Drop for TempFiles {
    fn drop(&mut self) {
        for path in self.made.borrow().iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 * 1024.0 / MIB
}

// ---------------------------------------------------------------------------------------
// The generated report.

const ACCOUNT: &str = "123456789012";

// Sorted ignoring case, and none is a prefix of another one followed by a letter below '.',
// so that walking the pairs in order gives AWS's user order.
const FIRST: [&str; 40] = [
    "aaron", "abigail", "adam", "aisha", "alex", "alice", "amir", "ana", "anna", "ben", "carlos",
    "chen", "chloe", "daniel", "david", "elena", "emma", "fatima", "george", "grace", "hannah",
    "hiro", "isabel", "ivan", "jack", "james", "julia", "kaleb", "laura", "liam", "maria", "mei",
    "noah", "olivia", "omar", "priya", "rome", "sofia", "tom", "zoe",
];
const LAST: [&str; 32] = [
    "adams", "baker", "brown", "clark", "davis", "evans", "garcia", "green", "hall", "harris",
    "jones", "kim", "lee", "lewis", "lopez", "martin", "miller", "moore", "nguyen", "patel",
    "perez", "roberts", "scott", "singh", "smith", "taylor", "thomas", "walker", "white", "wilson",
    "wright", "young",
];
const PATHS: [&str; 4] = ["", "", "engineering/", "finance/emea/"];
const REGIONS: [&str; 6] = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
    "N/A",
];
const SERVICES: [&str; 8] = [
    "s3",
    "ec2",
    "iam",
    "sts",
    "lambda",
    "dynamodb",
    "cloudformation",
    "N/A",
];

// 2012-01-01 to 2024-06-01, the span the generated instants fall in.
const START: i64 = 1_325_376_000;
const NOW: i64 = 1_717_200_000;

/// The generator's draws this report needs (the generator is SplitMix64 with a fixed seed,
/// so every run reads the same bytes).
trait Draws {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str;
    /// An instant from `from` (at or after START) to NOW.
    fn instant(&mut self, from: i64) -> Timestamp;
}

impl Draws for Rng {
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    fn instant(&mut self, from: i64) -> Timestamp {
        let from = from.clamp(START, NOW);
        let secs = from + self.below((NOW - from + 1) as u64) as i64;
        Timestamp::from_unix(secs).unwrap_or(Timestamp::MIN)
    }
}

fn generate(path: &Path, rows: u64) -> Result<()> {
    let mut out = ReportWriter::new(BufWriter::new(File::create(path)?), Edition::Current)?;
    let mut rng = Rng::new(0x00C0_FFEE ^ rows);
    out.write_row(&root_row(&mut rng))?;
    let users = rows - 1;
    let pairs = (FIRST.len() * LAST.len()) as u64;
    // Users are spread over the (first, last) pairs in order and numbered within a pair,
    // with a fixed width so that the numbers sort as text too.
    let width = (users / pairs + 1).to_string().len();
    let mut name = String::new();
    let (mut pair, mut within) = (u64::MAX, 0u64);
    let mut row = Row::new(Edition::Current);
    for i in 0..users {
        let p = i * pairs / users.max(1);
        if p == pair {
            within += 1;
        } else {
            (pair, within) = (p, 0);
        }
        let (first, last) = (
            FIRST[(p / LAST.len() as u64) as usize],
            LAST[(p % LAST.len() as u64) as usize],
        );
        user_name(&mut rng, &mut name, first, last, within, width);
        fill_user(&mut rng, &mut row, &name);
        out.write_row(&row)?;
    }
    // On disk before anything is timed, so that write-back does not run during the reads.
    let file = out.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

fn user_name(rng: &mut Rng, name: &mut String, first: &str, last: &str, n: u64, width: usize) {
    use std::fmt::Write;
    name.clear();
    let capitalized = rng.chance(30);
    for part in [first, last] {
        if !name.is_empty() {
            name.push('.');
        }
        let mut chars = part.chars();
        if let Some(c) = chars.next() {
            name.push(if capitalized {
                c.to_ascii_uppercase()
            } else {
                c
            });
        }
        name.push_str(chars.as_str());
    }
    let _ = write!(name, "{n:0width$}");
    // IAM allows `+=,.@_-` in names: some are e-mail addresses, a few hold a comma (which
    // the writer has to quote).
    match rng.next_u64() % 1000 {
        0..=199 => name.push_str("@example.com"),
        200 => name.push_str(",ops"),
        _ => {}
    }
}

fn root_row(rng: &mut Rng) -> Row {
    let created = rng.instant(START);
    Row::new(Edition::Current)
        .with(Column::User, Cell::text("<root_account>"))
        .with(
            Column::Arn,
            Cell::text(format!("arn:aws:iam::{ACCOUNT}:root")),
        )
        .with(Column::UserCreationTime, created)
        .with(Column::PasswordEnabled, Cell::NotSupported)
        .with(Column::PasswordLastUsed, rng.instant(created.unix()))
        .with(Column::PasswordLastChanged, Cell::NotSupported)
        .with(Column::PasswordNextRotation, Cell::NotSupported)
        .with(Column::MfaActive, true)
        .with(Column::AccessKey1Active, false)
        .with(Column::AccessKey1LastRotated, Cell::NotApplicable)
        .with(Column::AccessKey1LastUsedDate, Cell::NotApplicable)
        .with(Column::AccessKey1LastUsedRegion, Cell::NotApplicable)
        .with(Column::AccessKey1LastUsedService, Cell::NotApplicable)
        .with(Column::AccessKey2Active, false)
        .with(Column::AccessKey2LastRotated, Cell::NotApplicable)
        .with(Column::AccessKey2LastUsedDate, Cell::NotApplicable)
        .with(Column::AccessKey2LastUsedRegion, Cell::NotApplicable)
        .with(Column::AccessKey2LastUsedService, Cell::NotApplicable)
        .with(Column::Cert1Active, false)
        .with(Column::Cert1LastRotated, Cell::NotApplicable)
        .with(Column::Cert2Active, false)
        .with(Column::Cert2LastRotated, Cell::NotApplicable)
}

fn fill_user(rng: &mut Rng, row: &mut Row, name: &str) {
    use std::fmt::Write;
    let created = rng.instant(START);
    let mut arn = String::with_capacity(64);
    let _ = write!(
        arn,
        "arn:aws:iam::{ACCOUNT}:user/{}{name}",
        rng.pick(&PATHS)
    );
    row.set(Column::User, Cell::text(name));
    row.set(Column::Arn, Cell::text(arn));
    row.set(Column::UserCreationTime, created);

    // Console password: most users have one; some never signed in (no_information), and
    // a password policy with rotation gives the next rotation date.
    let password = rng.chance(60);
    row.set(Column::PasswordEnabled, password);
    if password {
        let changed = rng.instant(created.unix());
        row.set(
            Column::PasswordLastUsed,
            if rng.chance(15) {
                Cell::NoInformation
            } else {
                Cell::from(rng.instant(changed.unix()))
            },
        );
        row.set(Column::PasswordLastChanged, changed);
        row.set(
            Column::PasswordNextRotation,
            match changed.checked_add_secs(90 * 86_400) {
                Some(next) if rng.chance(40) => Cell::from(next),
                _ => Cell::NotApplicable,
            },
        );
    } else {
        row.set(
            Column::PasswordLastUsed,
            if rng.chance(10) {
                Cell::from(rng.instant(created.unix()))
            } else {
                Cell::NotApplicable
            },
        );
        row.set(Column::PasswordLastChanged, Cell::NotApplicable);
        row.set(Column::PasswordNextRotation, Cell::NotApplicable);
    }
    row.set(Column::MfaActive, password && rng.chance(70));

    for (slot, percent) in [(1, 70), (2, 20)] {
        let [active, rotated, used, region, service] = if slot == 1 {
            [
                Column::AccessKey1Active,
                Column::AccessKey1LastRotated,
                Column::AccessKey1LastUsedDate,
                Column::AccessKey1LastUsedRegion,
                Column::AccessKey1LastUsedService,
            ]
        } else {
            [
                Column::AccessKey2Active,
                Column::AccessKey2LastRotated,
                Column::AccessKey2LastUsedDate,
                Column::AccessKey2LastUsedRegion,
                Column::AccessKey2LastUsedService,
            ]
        };
        if rng.chance(percent) {
            let rotated_at = rng.instant(created.unix());
            row.set(active, rng.chance(85));
            row.set(rotated, rotated_at);
            if rng.chance(80) {
                row.set(used, rng.instant(rotated_at.unix()));
                row.set(region, Cell::text(rng.pick(&REGIONS)));
                row.set(service, Cell::text(rng.pick(&SERVICES)));
            } else {
                row.set(used, Cell::NotApplicable);
                row.set(region, Cell::NotApplicable);
                row.set(service, Cell::NotApplicable);
            }
        } else {
            row.set(active, false);
            for c in [rotated, used, region, service] {
                row.set(c, Cell::NotApplicable);
            }
        }
    }

    for (active, rotated) in [
        (Column::Cert1Active, Column::Cert1LastRotated),
        (Column::Cert2Active, Column::Cert2LastRotated),
    ] {
        if rng.chance(5) {
            row.set(active, rng.chance(50));
            row.set(rotated, rng.instant(created.unix()));
        } else {
            row.set(active, false);
            row.set(rotated, Cell::NotApplicable);
        }
    }
}
