//! `credreport demo`: one command that shows the whole system. It tells the demo story
//! (`crate::demo::story`) into a fresh store with a simulated clock, generates the two
//! accounts' credential reports, audits the main one as `credreport audit --endpoint-url`
//! would (with its authorization details and last-accessed data, `crate::demo::access`:
//! privilege weighs the findings and the principal checks run), prints what to try, and
//! serves until
//! Ctrl-C, as `credreport serve` does (root credentials in `DIR/root-credentials.json`,
//! `GET /health`).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context};
use credreport_audit::{audit_with, AsOfSource, Collect, Config, Input, Severity, Status};
use credreport_iam::password::PasswordHasher;
use credreport_iam::secret::MasterKey;
use credreport_iam::{
    AccountId, Clock, Iam, IamConfig, ManualClock, SqliteStore, Store, SystemClock,
};
use credreport_report::Timestamp;

use crate::args::DemoArgs;
use crate::commands::account::credentials_json_of;
use crate::commands::serve::{init_logging, serve_until_shutdown, write_private};
use crate::demo::access::account_data;
use crate::demo::story::{populate, Populated, DEMO_USER};

/// The story's last day: `--as-of` (`YYYY-MM-DD`) or today, from 00:00 UTC.
fn end_day(as_of: Option<&str>) -> anyhow::Result<Timestamp> {
    let day = match as_of {
        Some(d) => {
            let (t, _) = Timestamp::parse(format!("{d}T00:00:00Z").as_bytes())
                .with_context(|| format!("--as-of {d}: expected a date, YYYY-MM-DD"))?;
            t
        }
        None => SystemClock.now(),
    };
    Timestamp::from_unix(day.unix().div_euclid(86_400) * 86_400).context("the demo's day")
}

fn open_iam(
    dir: &std::path::Path,
    store: &Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Iam> {
    let key_path = dir.join("master.key");
    let key = MasterKey::load_or_create(&key_path)
        .with_context(|| format!("{}: master key", key_path.display()))?;
    Ok(Iam::new(
        Arc::clone(store),
        clock,
        key,
        PasswordHasher::new(),
        IamConfig::standard(),
    ))
}

pub fn run(args: DemoArgs) -> anyhow::Result<ExitCode> {
    init_logging("warn");
    let (dir, temporary) = match &args.data_dir {
        Some(d) => (d.clone(), None),
        None => {
            let t = tempfile::Builder::new()
                .prefix("credreport-demo-")
                .tempdir()
                .context("creating a temporary data directory")?;
            (t.path().to_owned(), Some(t))
        }
    };
    credreport_iam::private::create_dir(&dir)
        .with_context(|| format!("{}: cannot create the data directory", dir.display()))?;
    let db = dir.join("iam.db");
    if db.exists() {
        bail!(
            "{}: the directory already holds a store; the demo starts from an empty one",
            dir.display()
        );
    }
    let end = end_day(args.as_of.as_deref())?;
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&db)
            .with_context(|| format!("{}: cannot open the database", db.display()))?,
    );
    eprintln!(
        "credreport demo: writing about three years of IAM history into {} …",
        dir.display()
    );
    let clock = ManualClock::new(end);
    let story = open_iam(&dir, &store, Arc::new(clock.clone()))?;
    let populated = populate(&story, &clock, end, usize::from(args.users))
        .context("telling the demo's story")?;
    drop(story);

    // From here on, real time: the server's clock.
    let iam = open_iam(&dir, &store, Arc::new(SystemClock))?;
    for account in [&populated.main, &populated.sandbox] {
        if let Some(build) = iam.generate_credential_report(account)?.build {
            build.run()?;
        }
    }
    let (id, secret) = (
        &populated.root_key.0,
        populated.root_key.1.expose_str().unwrap_or_default(),
    );
    let path = dir.join("root-credentials.json");
    write_private(
        &path,
        &format!(
            "{}\n",
            credentials_json_of(populated.main.as_str(), Some((id, secret)))
        ),
    )
    .with_context(|| format!("{}: cannot write the root credentials", path.display()))?;
    let summary = summarize(&iam, &populated.main)?;
    let keep = temporary.is_none();
    let tls = crate::args::TlsArgs {
        tls_cert: None,
        tls_key: None,
    };
    serve_until_shutdown(
        iam,
        args.listen,
        &tls,
        &crate::args::LimitArgs::standard(),
        &crate::args::OpsArgs::default(),
        |addr| print_welcome(&populated, &summary, addr, &dir, keep, end),
    )?;
    drop(temporary);
    Ok(ExitCode::SUCCESS)
}

/// What the demo says about the main account's report.
struct Summary {
    rows: u64,
    generated: Timestamp,
    by_severity: Vec<(Severity, u64)>,
    worst: Vec<String>,
}

/// The main account's audit, as `credreport audit --endpoint-url` gives it: its report,
/// authorization details and last-accessed data (the worst first: by severity, then by
/// privilege).
fn summarize(iam: &Iam, account: &AccountId) -> anyhow::Result<Summary> {
    let report = iam.credential_report(account)?;
    let data = account_data(iam, account).context("reading the demo's authorization data")?;
    let mut found = Collect::default();
    let summary = audit_with(
        &Config::default(),
        report.generated,
        AsOfSource::Generated,
        vec![Input::new("credential report", report.content.as_slice())],
        None,
        Some(&data),
        &mut found,
    )
    .context("auditing the demo's report")?;
    let mut failed: Vec<_> = found
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail)
        .collect();
    failed.sort_by_key(|f| f.priority());
    Ok(Summary {
        rows: summary.stats.rows,
        generated: report.generated,
        by_severity: Severity::DESCENDING
            .iter()
            .map(|&s| (s, summary.tally.failed.get(s)))
            .collect(),
        worst: failed
            .iter()
            .take(3)
            .map(|f| {
                format!(
                    "{:<8}  {:<7}  {:<22}  {:<14}  {}",
                    f.severity.name(),
                    f.privilege_name(),
                    f.check.as_str(),
                    f.user(),
                    f.message()
                )
            })
            .collect(),
    })
}

fn print_welcome(
    p: &Populated,
    s: &Summary,
    addr: SocketAddr,
    dir: &std::path::Path,
    kept: bool,
    end: Timestamp,
) {
    let endpoint = format!("http://{addr}");
    let (root_id, root_secret) = (&p.root_key.0, p.root_key.1.expose_str().unwrap_or_default());
    let (user_id, user_secret) = (&p.user_key.0, p.user_key.1.expose_str().unwrap_or_default());
    let (y, m, d, ..) = end.civil();
    let counts: Vec<String> = s
        .by_severity
        .iter()
        .map(|(sev, n)| format!("{n} {}", sev.name()))
        .collect();
    println!(
        "credreport demo: account {main} (acme-prod) with {users} users and about three years of IAM history to {y:04}-{m:02}-{d:02},\n\
         and {sandbox} (acme-sandbox), an older account that joined acme-prod's organization.\n\n\
         Credential report of {main}: {rows} rows (root and users), generated {generated}\n\
         Findings (credreport audit --endpoint-url: the report, privilege and use): {counts}\n\
         The three worst (by severity, then privilege):\n  {worst}\n\n\
         Endpoint  {endpoint}   (IAM and STS Query API, AWS Organizations' read API; GET {endpoint}/health answers ok)\n\
         Console   {endpoint}/console/\n\
         \x20 root user:  account {main}, password {root_pw}, MFA seed {seed} (an authenticator app's secret key)\n\
         \x20 IAM user:   account {main}, user {DEMO_USER}, password {user_pw}\n\
         Root access key ({creds}):\n\
         \x20 AWS_ACCESS_KEY_ID={root_id} AWS_SECRET_ACCESS_KEY={root_secret}\n\
         {DEMO_USER}'s access key:\n\
         \x20 AWS_ACCESS_KEY_ID={user_id} AWS_SECRET_ACCESS_KEY={user_secret}\n\n\
         Try:\n\
         \x20 export AWS_ACCESS_KEY_ID={user_id} AWS_SECRET_ACCESS_KEY={user_secret} AWS_DEFAULT_REGION=us-east-1\n\
         \x20 aws iam get-credential-report --endpoint-url {endpoint} --query Content --output text | base64 --decode\n\
         \x20 credreport audit --endpoint-url {endpoint}\n\
         \x20 aws iam generate-service-last-accessed-details --endpoint-url {endpoint} --arn arn:aws:iam::{main}:user/service/svc-deploy\n\
         \x20 aws iam get-role --endpoint-url {endpoint} --role-name db-migration --query Role.RoleLastUsed\n\
         \x20 credreport fetch --endpoint-url {endpoint} --account-id {sandbox} --role-name OrganizationAccountAccessRole -o sandbox.csv\n\
         \x20 credreport audit sandbox.csv\n\
         \x20 aws organizations list-accounts --endpoint-url {endpoint}\n\
         \x20 credreport fetch --endpoint-url {endpoint} --all-accounts --role-name OrganizationAccountAccessRole -o organization\n\
         \x20 credreport audit organization\n\n\
         Serving until Ctrl-C; the data is in {dir}{gone}.",
        main = p.main,
        sandbox = p.sandbox,
        users = s.rows.saturating_sub(1),
        rows = s.rows,
        generated = s.generated.to_zulu(),
        counts = counts.join(", "),
        worst = s.worst.join("\n  "),
        root_pw = p.root_password,
        seed = p.root_mfa_seed.expose_str().unwrap_or_default(),
        user_pw = p.user_password,
        creds = dir.join("root-credentials.json").display(),
        dir = dir.display(),
        gone = if kept { "" } else { " (removed when the demo stops)" },
    );
}
