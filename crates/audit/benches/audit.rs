//! Auditing a large generated report with every check on, next to the plain reader's
//! speed on the same file in the same run.
//!
//! ```text
//! cargo bench -p credreport-audit --bench audit
//! CREDREPORT_AUDIT_BENCH_ROWS=20000 cargo bench -p credreport-audit --bench audit
//! ```
//!
//! The report (`CREDREPORT_AUDIT_BENCH_ROWS` data rows, default 1,000,000: the root row,
//! then users in order) is written with `ReportWriter` to the temporary directory and
//! removed at the end. Its users are a mix that trips every check now and then (about one
//! finding per row), so findings are made, suppressed and rendered, not only counted.
//! Timed, best of three, each reading the same file:
//!
//! - the plain read (`ReportReader::next_row` over every row);
//! - the read plus every check, findings counted and dropped;
//! - the same, rendered as JSON and as CSV to `io::sink()` (the streaming formats).
//!
//! Peak memory (VmHWM) comes from child processes (this program run with
//! `CREDREPORT_AUDIT_BENCH_CHILD=<path>:<format>`) that audit one file each, a tenth of the
//! rows and all of them, so that its growth with the rows shows: no output, JSON, CSV,
//! SARIF, OCSF, ASFF and the table.
//!
//! Then a 5,000-user account (`CREDREPORT_AUDIT_BENCH_ACCOUNT_USERS`) audited from its
//! report alone and with its authorization details (`credreport_testkit::account`), in
//! the same run: the privilege join's cost.
//!
//! No benchmark framework: wall-clock seconds.

use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use credreport_audit::render::renderer;
use credreport_audit::{
    audit, audit_with, AccountData, AsOfSource, AuthorizationDetails, Config, Finding, Format,
    Input, RenderOptions, RunInfo, Sink, Summary,
};
use credreport_report::{Cell, Column, Edition, ReportReader, ReportWriter, Row, Timestamp};
use credreport_testkit::{peak_rss_kib, Rng};

const ROWS_VAR: &str = "CREDREPORT_AUDIT_BENCH_ROWS";
const CHILD_VAR: &str = "CREDREPORT_AUDIT_BENCH_CHILD";
const ACCOUNT_USERS_VAR: &str = "CREDREPORT_AUDIT_BENCH_ACCOUNT_USERS";
/// Set: only the account comparison (not the large report).
const ACCOUNT_ONLY_VAR: &str = "CREDREPORT_AUDIT_BENCH_ACCOUNT_ONLY";
const ACCOUNT_RUNS: usize = 25;
const DEFAULT_ROWS: u64 = 1_000_000;
const RUNS: usize = 3;
const ACCOUNT: &str = "123456789012";
// 2021-01-01T00:00:00Z: every age is measured to it.
const AS_OF: i64 = 1_609_459_200;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    if let Ok(spec) = std::env::var(CHILD_VAR) {
        return child(&spec);
    }
    if std::env::var_os(ACCOUNT_ONLY_VAR).is_some() {
        return account(&format!("credreport-audit-bench-{}", std::process::id()));
    }
    let rows = match std::env::var(ROWS_VAR) {
        Ok(v) => v
            .trim()
            .replace('_', "")
            .parse::<u64>()
            .map_err(|e| format!("{ROWS_VAR}={v}: {e}"))?
            .max(2),
        Err(_) => DEFAULT_ROWS,
    };
    let small_rows = (rows / 10).max(2);
    let stem = format!(
        "credreport-audit-bench-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    );
    let files = TempFiles(vec![
        std::env::temp_dir().join(format!("{stem}-big.csv")),
        std::env::temp_dir().join(format!("{stem}-small.csv")),
    ]);
    let (big, small) = (&files.0[0], &files.0[1]);
    generate(big, rows)?;
    generate(small, small_rows)?;
    account(&stem)?;
    let bytes = std::fs::metadata(big)?.len();

    plain_read(big)?; // warm the page cache
    let (read_t, read_rows) = best_of(|| plain_read(big))?;
    let (checks_t, findings) = best_of(|| audited(big, None))?;
    let (json_t, _) = best_of(|| audited(big, Some(Format::Json)))?;
    let (csv_t, _) = best_of(|| audited(big, Some(Format::Csv)))?;
    if read_rows != rows {
        return Err(format!("expected {rows} rows, read {read_rows}").into());
    }

    println!();
    println!("credential report audit benchmark (best of {RUNS} runs each, same file)");
    println!(
        "file: {rows} data rows, {bytes} bytes ({:.1} MB); {findings} findings ({:.2} per row), every check on",
        bytes as f64 / 1e6,
        findings as f64 / rows as f64
    );
    println!();
    println!(
        "| {:<40} | {:>8} | {:>12} | {:>10} |",
        "run", "seconds", "rows/s", "vs read"
    );
    println!("|{:-<42}|{:->10}|{:->14}|{:->12}|", "", "", "", "");
    for (name, t) in [
        ("plain read (ReportReader)", read_t),
        ("read + every check (findings dropped)", checks_t),
        ("read + every check + JSON to a sink", json_t),
        ("read + every check + CSV to a sink", csv_t),
    ] {
        let s = t.as_secs_f64();
        println!(
            "| {:<40} | {:>8.3} | {:>12.0} | {:>9.2}x |",
            name,
            s,
            rows as f64 / s,
            s / read_t.as_secs_f64()
        );
    }
    println!();
    println!("peak RSS (VmHWM) of a child process that audits one file:");
    for format in ["none", "json", "csv", "sarif", "ocsf", "asff", "table"] {
        let small_peak = run_child(small, format)?;
        let big_peak = run_child(big, format)?;
        println!(
            "  {format:<6} {:>9} rows {:>7.1} MiB   {:>9} rows {:>7.1} MiB",
            small_rows,
            mib(small_peak),
            rows,
            mib(big_peak)
        );
    }
    Ok(())
}

/// A 5,000-user account (`CREDREPORT_AUDIT_BENCH_ACCOUNT_USERS`): its report audited
/// alone, and with its authorization details (`credreport_testkit::account`: users in
/// groups with AWS's managed policies, team policies, roles), in the same run. Both
/// render JSON to a sink; "with details" includes reading the details' JSON and the
/// privilege analysis.
fn account(stem: &str) -> Result<()> {
    let users: u64 = match std::env::var(ACCOUNT_USERS_VAR) {
        Ok(v) => v
            .trim()
            .replace('_', "")
            .parse()
            .map_err(|e| format!("{ACCOUNT_USERS_VAR}={v}: {e}"))?,
        Err(_) => 5_000,
    };
    let files = TempFiles(vec![
        std::env::temp_dir().join(format!("{stem}-account.csv"))
    ]);
    let path = &files.0[0];
    // The root row and `users` users.
    let names = generate(path, users + 1)?;
    let json = credreport_testkit::account::authorization_details(ACCOUNT, &names);
    let config = config()?;
    let as_of = Timestamp::from_unix(AS_OF).ok_or("as-of")?;
    let run = |data: Option<&AccountData>| -> Result<u64> {
        let inputs = vec![Input::new("account.csv", File::open(path)?)];
        let mut sink = renderer(
            Format::Json,
            Box::new(BufWriter::new(io::sink())),
            RenderOptions::default(),
        );
        let summary = audit_with(
            &config,
            as_of,
            AsOfSource::Given,
            inputs,
            None,
            data,
            &mut sink,
        )?;
        let t = &summary.tally;
        Ok(t.failed.total() + t.suppressed + t.not_evaluated)
    };
    // Interleaved, best of each: the machine is shared, and the four see the same moments.
    let mut best = [Duration::MAX; 4];
    let (mut alone_findings, mut joined_findings, mut sets) = (0, 0, 0);
    for _ in 0..ACCOUNT_RUNS {
        let start = Instant::now();
        alone_findings = std::hint::black_box(run(None)?);
        best[0] = best[0].min(start.elapsed());

        let start = Instant::now();
        let details = AuthorizationDetails::from_json(&json)?;
        let data = AccountData::new(Some(details), None);
        sets = data.analysis().distinct_sets();
        joined_findings = std::hint::black_box(run(Some(&data))?);
        best[1] = best[1].min(start.elapsed());

        let start = Instant::now();
        std::hint::black_box(AuthorizationDetails::from_json(&json)?);
        best[2] = best[2].min(start.elapsed());

        let start = Instant::now();
        let details = AuthorizationDetails::from_json(&json)?;
        std::hint::black_box(AccountData::new(Some(details), None));
        best[3] = best[3].min(start.elapsed());
    }
    let [alone_t, joined_t, read_t, analyse_t] = best;
    println!();
    println!(
        "account audit: {users} users, authorization details {:.1} MB of JSON, {sets} distinct policy sets (best of {ACCOUNT_RUNS}, same run)",
        json.len() as f64 / 1e6
    );
    println!();
    println!(
        "| {:<44} | {:>8} | {:>8} | {:>10} |",
        "run", "ms", "findings", "vs alone"
    );
    println!("|{:-<46}|{:->10}|{:->10}|{:->12}|", "", "", "", "");
    for (name, t, n) in [
        ("report only (JSON to a sink)", alone_t, alone_findings),
        (
            "with authorization details (JSON to a sink)",
            joined_t,
            joined_findings,
        ),
    ] {
        println!(
            "| {:<44} | {:>8.1} | {:>8} | {:>9.2}x |",
            name,
            t.as_secs_f64() * 1e3,
            n,
            t.as_secs_f64() / alone_t.as_secs_f64()
        );
    }
    println!(
        "  of which: reading the details' JSON {:.1} ms; reading and analysing them {:.1} ms",
        read_t.as_secs_f64() * 1e3,
        analyse_t.as_secs_f64() * 1e3
    );
    Ok(())
}

struct TempFiles(Vec<PathBuf>);

impl Drop for TempFiles {
    fn drop(&mut self) {
        for p in &self.0 {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn best_of(f: impl FnMut() -> Result<u64>) -> Result<(Duration, u64)> {
    best_of_n(RUNS, f)
}

fn best_of_n(runs: usize, mut f: impl FnMut() -> Result<u64>) -> Result<(Duration, u64)> {
    let mut best = Duration::MAX;
    let mut out = 0;
    for _ in 0..runs {
        let start = Instant::now();
        out = std::hint::black_box(f()?);
        best = best.min(start.elapsed());
    }
    Ok((best, out))
}

fn plain_read(path: &Path) -> Result<u64> {
    let mut reader = ReportReader::new(File::open(path)?)?;
    let mut rows = 0;
    while let Some(row) = reader.next_row()? {
        std::hint::black_box(row);
        rows += 1;
    }
    Ok(rows)
}

/// Counts findings and drops them.
struct Count(u64);

impl Sink for Count {
    fn begin(&mut self, _run: &RunInfo) -> io::Result<()> {
        Ok(())
    }
    fn finding(&mut self, finding: Finding<'_>) -> io::Result<()> {
        std::hint::black_box(&finding);
        self.0 += 1;
        Ok(())
    }
    fn finish(&mut self, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
    // It counts: the order does not matter, and sorting would keep every finding.
    fn orders_itself(&self) -> bool {
        true
    }
}

fn config() -> Result<Config> {
    // Every check on (the default), plus a suppression so that matching is paid for.
    Ok(Config::from_toml(
        r#"
[[suppress]]
check = "access-key-rotation"
user = "svc-*7"
reason = "benchmark"
owner = "bench"
expires = "2030-01-01"
"#,
    )?)
}

/// Audits `path`, rendering as `format` to `io::sink()` (or only counting); returns the
/// number of findings.
fn audited(path: &Path, format: Option<Format>) -> Result<u64> {
    let config = config()?;
    let as_of = Timestamp::from_unix(AS_OF).ok_or("as-of")?;
    let inputs = vec![Input::new("bench.csv", File::open(path)?)];
    let summary = match format {
        None => audit(
            &config,
            as_of,
            AsOfSource::Given,
            inputs,
            None,
            &mut Count(0),
        )?,
        Some(format) => {
            let mut sink = renderer(
                format,
                Box::new(BufWriter::new(io::sink())),
                RenderOptions::default(),
            );
            audit(&config, as_of, AsOfSource::Given, inputs, None, &mut sink)?
        }
    };
    let t = &summary.tally;
    Ok(t.failed.total() + t.suppressed + t.not_evaluated)
}

/// The child: audit one file in one format, print the peak memory.
fn child(spec: &str) -> Result<()> {
    let (path, format) = spec.rsplit_once(':').ok_or("child spec is path:format")?;
    let format = match format {
        "json" => Some(Format::Json),
        "csv" => Some(Format::Csv),
        "sarif" => Some(Format::Sarif),
        "ocsf" => Some(Format::Ocsf),
        "asff" => Some(Format::Asff),
        "table" => Some(Format::Table),
        _ => None,
    };
    audited(Path::new(path), format)?;
    println!("hwm_kib={}", peak_rss_kib()?);
    Ok(())
}

fn run_child(path: &Path, format: &str) -> Result<u64> {
    let out = Command::new(std::env::current_exe()?)
        .env(CHILD_VAR, format!("{}:{format}", path.display()))
        .output()?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!(
            "child failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(stdout
        .trim()
        .strip_prefix("hwm_kib=")
        .ok_or("no hwm_kib")?
        .parse()?)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The generator's draw this report needs (SplitMix64 with a fixed seed: the same report
/// every run).
trait Draws {
    /// An instant up to `days` days before the as-of time.
    fn within(&mut self, days: u64) -> Timestamp;
}

impl Draws for Rng {
    fn within(&mut self, days: u64) -> Timestamp {
        let back = self.below(days * 86_400 + 1);
        Timestamp::from_unix(AS_OF - back as i64).unwrap_or(Timestamp::MIN)
    }
}

/// Writes the report; returns its users, `(name, human)`, in order.
fn generate(path: &Path, rows: u64) -> Result<Vec<(String, bool)>> {
    let mut users = Vec::new();
    let mut out = ReportWriter::new(BufWriter::new(File::create(path)?), Edition::Current)?;
    let mut rng = Rng::new(0x5EED ^ rows);
    let ts = |t: Timestamp| Cell::Timestamp(t);
    let root = Row::new(Edition::Current)
        .with(Column::User, Cell::text("<root_account>"))
        .with(
            Column::Arn,
            Cell::text(format!("arn:aws:iam::{ACCOUNT}:root")),
        )
        .with(Column::UserCreationTime, ts(rng.within(4000)))
        .with(Column::PasswordEnabled, Cell::NotSupported)
        .with(Column::PasswordLastUsed, ts(rng.within(30)))
        .with(Column::PasswordLastChanged, Cell::NotSupported)
        .with(Column::PasswordNextRotation, Cell::NotSupported)
        .with(Column::MfaActive, true)
        .with(Column::AccessKey1Active, false)
        .with(Column::AccessKey2Active, false)
        .with(Column::Cert1Active, false)
        .with(Column::Cert2Active, false);
    out.write_row(&root)?;
    let width = rows.to_string().len();
    for i in 1..rows {
        let human = rng.chance(40);
        let name = if human {
            format!("user{i:0width$}")
        } else {
            format!("svc-{i:0width$}")
        };
        users.push((name.clone(), human));
        let created = rng.within(2000);
        let mut row = Row::new(Edition::Current)
            .with(Column::User, Cell::text(name.clone()))
            .with(
                Column::Arn,
                Cell::text(format!("arn:aws:iam::{ACCOUNT}:user/{name}")),
            )
            .with(Column::UserCreationTime, ts(created))
            .with(Column::PasswordEnabled, human)
            .with(Column::MfaActive, human && rng.chance(80))
            .with(Column::Cert1Active, false)
            .with(Column::Cert2Active, false);
        if human {
            row.set(Column::PasswordLastChanged, ts(rng.within(200)));
            row.set(
                Column::PasswordLastUsed,
                if rng.chance(10) {
                    Cell::NoInformation
                } else {
                    ts(rng.within(60))
                },
            );
        }
        for (active, rotated, used, region, service, percent) in [
            (
                Column::AccessKey1Active,
                Column::AccessKey1LastRotated,
                Column::AccessKey1LastUsedDate,
                Column::AccessKey1LastUsedRegion,
                Column::AccessKey1LastUsedService,
                if human { 30 } else { 95 },
            ),
            (
                Column::AccessKey2Active,
                Column::AccessKey2LastRotated,
                Column::AccessKey2LastUsedDate,
                Column::AccessKey2LastUsedRegion,
                Column::AccessKey2LastUsedService,
                5,
            ),
        ] {
            let present = rng.chance(percent);
            row.set(active, present && rng.chance(90));
            if present {
                row.set(rotated, ts(rng.within(400)));
                if rng.chance(85) {
                    row.set(used, ts(rng.within(70)));
                    row.set(region, Cell::text("us-east-1"));
                    row.set(service, Cell::text("s3"));
                }
            }
        }
        if rng.chance(1) {
            row.set(Column::Cert1Active, true);
            row.set(Column::Cert1LastRotated, ts(rng.within(800)));
        }
        out.write_row(&row)?;
    }
    let file = out.finish()?.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(users)
}
