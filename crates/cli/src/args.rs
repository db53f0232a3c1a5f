//! The command line, as clap sees it. Only parsing here; commands live in `commands`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};
use credreport_audit::render::Region;

use credreport_review::duration::parse_duration;

/// The AWS IAM credential report, end to end: read, check, audit and convert reports.
///
/// Exit status: 0 success; 1 findings at or above `audit --fail-on`; 2 error (an invalid
/// report, a file that cannot be read, a bad command line).
#[derive(Debug, Parser)]
#[command(
    name = "credreport",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with credential report files (CSV, as `aws iam get-credential-report` returns).
    #[command(subcommand)]
    Report(ReportCommand),
    /// Audit credential reports: findings about root, MFA, unused, old and extra credentials.
    ///
    /// Every finding names its check (stable id, CIS AWS Foundations and Security Hub ids),
    /// the credential (`<arn>#access_key_1`) and the fix. Ages are measured to the as-of
    /// time: `--as-of`, else now. Credentials the report cannot decide (a legacy report
    /// without last-used columns, missing values) are "not evaluated", never passed.
    ///
    /// Exit status: 0 clean (or no `--fail-on`); 1 findings at or above `--fail-on` (with
    /// `--baseline`, new findings only); 2 error (a report or configuration that cannot be
    /// read; rows with errors are named as `file:line:column: message` and not audited).
    Audit(AuditArgs),
    /// Fetch the credential report of an AWS account, or of every account of an
    /// organization.
    ///
    /// Credentials and region come from the standard AWS chain, as for the AWS CLI:
    /// environment variables, `--profile` (or `AWS_PROFILE`) in ~/.aws/config and
    /// ~/.aws/credentials (static keys, SSO, assume-role and credential-process profiles),
    /// web identity, container and instance roles. IAM is global: without a region,
    /// us-east-1 is used.
    ///
    /// It asks IAM to generate a report (GenerateCredentialReport), waits while it is being
    /// generated (exponential backoff with jitter, also on throttling and LimitExceeded),
    /// then writes the report's CSV exactly as IAM sent it and prints on stderr when it
    /// was generated, its age and the account. IAM generates at most one report in 4
    /// hours: within that window it returns the one it has.
    ///
    /// With `--all-accounts --role-name NAME`, it lists the organization's accounts
    /// (Organizations ListAccounts; run it as the management account or a delegated
    /// administrator), assumes `arn:aws:iam::<id>:role/NAME` in each (the caller's own
    /// account is fetched directly), and writes `DIR/<account-id>.csv` and
    /// `DIR/summary.json` (per account: id, name, status ok, error or skipped, generated
    /// time, error). A failing account is reported and does not stop the others; a
    /// failed account's earlier file, if any, is left as it was.
    ///
    /// Exit status: 0 success; 2 error (nothing written), or with `--all-accounts` at least
    /// one account failed (the others are written).
    Fetch(FetchArgs),
    /// Run the IAM endpoint: IAM's Query API for the credential report and every
    /// operation that feeds it, for the AWS CLI, boto3 and the AWS SDKs (`--endpoint-url`).
    ///
    /// On its first start on an empty store it creates an account and writes its root
    /// credentials to `DIR/root-credentials.json` (mode 0600). Logs go to stderr
    /// (`CREDREPORT_LOG=debug` for more); SIGINT or SIGTERM stop it gracefully.
    Serve(ServeArgs),
    /// Manage the accounts of a store (works while a server runs on it).
    #[command(subcommand)]
    Account(AccountCommand),
    /// See the whole system at work in one command: an organization's three years of IAM
    /// history (people with and without MFA, passwords reset and expired, service keys
    /// rotated or not, keys never used, signing certificates, groups, policies, a role,
    /// and an older sandbox account), its credential report and audit, and the IAM
    /// endpoint and console serving it until Ctrl-C. The same history on every run of the
    /// same day; root credentials in `DIR/root-credentials.json`, as `serve` writes them.
    Demo(DemoArgs),
    /// Copy a store, online and consistent (the database and its report files in one
    /// file), while `serve` runs on it. The master key is not in the copy: keep it apart.
    Backup(BackupArgs),
    /// Bring a backup back into a new data directory (put its master key there too, or
    /// give it in CREDREPORT_MASTER_KEY).
    Restore(RestoreArgs),
    /// The review history: every report fetched by `review` and `remediate` (or added),
    /// with its audit, in one SQLite file (`DIR/history.db`; report bytes stored once).
    ///
    /// `list` the reports, `show` one (its findings, or `--report` its exact bytes),
    /// `diff` two of one account (findings appeared, disappeared and persisted, and the
    /// credential changes: new users and keys, keys deactivated, passwords removed),
    /// `trend` an account's findings by severity over time (a table, JSON, or an HTML
    /// page with a chart), `runs` the remediation audit trail, `add` a saved report.
    History(HistoryArgs),
    /// Turn findings into IAM calls, safely: plan (the default: a dry run that changes
    /// nothing), apply with a re-check of each credential just before its call, undo.
    ///
    /// `--plan FILE` fetches the account's report (stored in the history), audits it, and
    /// writes the plan (format version 2): `deactivate-access-key` (UpdateAccessKey to
    /// Inactive) for each access key with an open `access-key-unused` finding,
    /// `delete-login-profile` for each console password with an open `password-unused`
    /// finding, `require-mfa` (the customer managed policy `credreport-require-mfa`, AWS's
    /// documented "MFA required" policy, created when missing, attached) for each
    /// `console-no-mfa` finding, `quarantine-user` (AWS's AWSDenyAll attached, active keys
    /// deactivated) for each `user-inactive` finding, and `delete-user` for a user an
    /// earlier run quarantined at least `--quarantine-days` ago and unused since. Never
    /// acted on, and listed as flagged: the root user, credentials used within the window
    /// since the report, anything in `--allowlist` or suppressed in `--config`.
    ///
    /// `--apply FILE` makes the plan's calls in the plan's account. Just before each
    /// action it reads the credentials again: a key used since the plan was made, already
    /// Inactive or gone, a user who set up MFA or signed in since, is skipped. Every
    /// action, made or skipped, is recorded in the history with its time, principal, the
    /// state before and after and each call made (`credreport history runs`). What
    /// cannot be restored needs its flag: `--allow-password-removal` for passwords
    /// (a quarantine deletes the user's only with it), `--allow-user-deletion` for users.
    ///
    /// `--undo RUN_ID` reverses what that run changed: keys set Active again, policies
    /// detached; it says what cannot be reversed (a password, a user).
    ///
    /// Exit status: 0 success; 2 error, or an action failed (the others were made).
    Remediate(RemediateArgs),
    /// Review every target of a `review.toml` (AWS profiles, organizations through a
    /// role, any IAM endpoint): fetch each account's report (IAM's 4-hour rule and
    /// `max_age` respected), audit it, store it in the history, compare it with the
    /// account's previous report, and notify new findings at or above a severity to a
    /// webhook (JSON or Slack text; retries with backoff). With `[security_hub]`, import
    /// each account's new and changed findings into AWS Security Hub (ASFF, at most 100 a
    /// BatchImportFindings call, refused ones retried and reported) and archive those that
    /// disappeared.
    ///
    /// Once (for cron), or with `--every 24h` until SIGINT or SIGTERM. A failing account
    /// or target is reported and never stops the others. On a terminal: progress and a
    /// summary; otherwise JSON log lines on stderr (`CREDREPORT_LOG` sets the level) and
    /// the summary on stdout.
    ///
    /// Exit status (of the last review): 0 success; 1 new findings at or above
    /// `--fail-on`; 2 an account or target failed, or a notification or a Security Hub
    /// import did not get through (the rest was reviewed), or the configuration is bad.
    Review(ReviewArgs),
    /// Move account stores between backends (SQLite and PostgreSQL).
    #[command(subcommand)]
    Store(StoreCommand),
    /// The IAM policy language offline: decide a request against an account's policies.
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Print a shell completion script: `credreport completions bash > /etc/bash_completion.d/credreport`
    /// (see the README for zsh, fish and PowerShell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one page per command into `--dir`:
    /// `credreport man | man -l -`, `credreport man --dir /usr/local/share/man/man1`.
    Man(ManArgs),
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Decide one request as AWS's policy evaluation logic does (the engine that
    /// authorizes `serve`), against the JSON `aws iam get-account-authorization-details`
    /// prints: the principal's inline and managed policies, its groups' and its
    /// permissions boundary. It prints the decision (allowed, explicitDeny, implicitDeny)
    /// and the statements that decided it (policy, kind, statement number and Sid, line
    /// and column), what the boundary said, and the context keys the policies needed and
    /// nobody gave.
    ///
    /// The request context is the principal's own keys from the file (aws:username,
    /// aws:userid, aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
    /// aws:PrincipalTag/*) and the `--context` entries; nothing else.
    ///
    /// Exit status: 0 allowed; 1 denied (explicitly or implicitly); 2 error (a file that
    /// cannot be read, named with its line and column; a principal not in it; a bad
    /// `--context`).
    Simulate(PolicySimulateArgs),
}

#[derive(Debug, clap::Args)]
pub struct PolicySimulateArgs {
    /// The output of `aws iam get-account-authorization-details` (`-` for stdin).
    #[arg(long = "authorization-details", value_name = "FILE")]
    pub authorization_details: PathBuf,

    /// The user's or role's ARN, as the file has it.
    #[arg(long, value_name = "ARN")]
    pub principal: String,

    /// The action (`iam:CreateUser`, `s3:GetObject`).
    #[arg(long, value_name = "ACTION")]
    pub action: String,

    /// The resource's ARN (default `*`).
    #[arg(long, value_name = "ARN")]
    pub resource: Option<String>,

    /// A context key's value, `KEY=TYPE:VALUE` (TYPE as SimulatePrincipalPolicy's
    /// ContextKeyType: string, numeric, boolean, ip, date, binary, or their `...List`
    /// forms; repeat a list key for each value):
    /// `--context aws:MultiFactorAuthPresent=boolean:true`.
    #[arg(long, value_name = "KEY=TYPE:VALUE")]
    pub context: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The shells `credreport completions` writes for.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `credreport.1` and one page per subcommand (`credreport-audit.1`,
    /// `credreport-account-create.1`, ...) into this directory instead of printing the
    /// main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    /// The review configuration (targets, audit configuration, history, notification):
    /// see README, "Scheduled review".
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,

    /// Stay up and review again at this interval (`24h`, `6h`); default: review once.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub every: Option<Duration>,

    /// The history directory (default: the configuration's `history`, else
    /// ./credreport-history).
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,

    /// Exit 1 when a review finds new findings at or above this severity.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["plan", "apply", "undo"])))]
pub struct RemediateArgs {
    /// Write a plan to this file (nothing is changed).
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,

    /// Apply the plan in this file.
    #[arg(long, value_name = "FILE")]
    pub apply: Option<PathBuf>,

    /// Undo a run of `--apply` (its id, in `credreport history runs`).
    #[arg(long, value_name = "RUN_ID")]
    pub undo: Option<i64>,

    /// With `--apply`: re-check every action and say what would be done, changing nothing.
    #[arg(long, requires = "apply")]
    pub dry_run: bool,

    /// With `--apply`: allow the plan to delete console passwords (they cannot be
    /// restored): `delete-login-profile`, and a quarantined user's password.
    #[arg(long, requires = "apply")]
    pub allow_password_removal: bool,

    /// With `--apply`: allow the plan's `delete-user` actions (a deleted user cannot be
    /// restored).
    #[arg(long, requires = "apply")]
    pub allow_user_deletion: bool,

    /// With `--apply`: refuse a plan older than this (`0` never refuses one).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "7d", requires = "apply")]
    pub max_plan_age: Duration,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Act in this account through `--role-name` (default: the caller's own account).
    #[arg(long, value_name = "ID", requires = "role_name")]
    pub account_id: Option<String>,

    /// The role to assume in `--account-id`.
    #[arg(long, value_name = "NAME", requires = "account_id")]
    pub role_name: Option<String>,

    /// The history directory (reports and the audit trail).
    #[arg(long, value_name = "DIR", default_value = credreport_review::history::DEFAULT_DIR)]
    pub history: PathBuf,

    /// With `--plan`: the audit configuration (thresholds, users, suppressions).
    #[arg(long, value_name = "FILE", requires = "plan")]
    pub config: Option<PathBuf>,

    /// With `--plan`: never act on these (one pattern a line: user, ARN, resource or
    /// access key id; `*` and `?` wildcards; `#` comments).
    #[arg(long, value_name = "FILE", requires = "plan")]
    pub allowlist: Option<PathBuf>,

    /// With `--plan`: deactivate keys unused at least this many days (default: every key
    /// with an `access-key-unused` finding, the audit's threshold).
    #[arg(long, value_name = "DAYS", requires = "plan")]
    pub key_unused_days: Option<u32>,

    /// With `--plan`: delete passwords unused at least this many days (default: the
    /// audit's threshold).
    #[arg(long, value_name = "DAYS", requires = "plan")]
    pub password_unused_days: Option<u32>,

    /// With `--plan`: quarantine users with no use of any credential for at least this
    /// many days (default: the audit's `inactive_user_days`).
    #[arg(long, value_name = "DAYS", requires = "plan")]
    pub user_inactive_days: Option<u32>,

    /// With `--plan`: delete a user that an earlier run quarantined at least this many
    /// days ago and that was not used since.
    #[arg(long, value_name = "DAYS", default_value_t = credreport_review::remediate::plan::DEFAULT_QUARANTINE_DAYS, requires = "plan")]
    pub quarantine_days: u32,

    /// With `--plan`: take the existing report if younger than this (`4h`), as `fetch
    /// --max-age` does.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, requires = "plan")]
    pub max_age: Option<Duration>,
}

#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The history directory (its file is `DIR/history.db`).
    #[arg(long, value_name = "DIR", global = true, default_value = credreport_review::history::DEFAULT_DIR)]
    pub history: PathBuf,

    #[command(subcommand)]
    pub command: HistoryCommand,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// The stored reports, oldest generated first: id, account, generated, stored, how
    /// it came (review, remediate, add), content hash, rows, open findings by severity.
    List {
        /// Only this account's reports.
        #[arg(long, value_name = "ID")]
        account: Option<String>,
        #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
        format: HistoryFormat,
    },
    /// One stored report: where it came from and its findings.
    Show {
        /// The report's id (`history list`).
        id: i64,
        #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
        format: HistoryFormat,
        /// Write the report's CSV bytes, exactly as fetched, instead.
        #[arg(long)]
        report: bool,
    },
    /// Compare two reports of one account: open findings that appeared, disappeared and
    /// persisted (each report audited as of its own generation), and the credential
    /// changes between them.
    Diff {
        /// The older report's id.
        from: i64,
        /// The newer report's id.
        to: i64,
        #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
        format: HistoryFormat,
    },
    /// One account's open findings by severity, report by report.
    Trend {
        /// The account.
        #[arg(long, value_name = "ID")]
        account: String,
        /// `html` is one self-contained page with a chart and the table.
        #[arg(long, value_enum, default_value_t = TrendFormat::Table)]
        format: TrendFormat,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// The remediation runs (`remediate --apply` and `--undo`): who ran each, when, on
    /// which account, and every call made or skipped, with the state before and after.
    Runs {
        /// Only this run.
        #[arg(long, value_name = "RUN_ID")]
        run: Option<i64>,
        #[arg(long, value_enum, default_value_t = HistoryFormat::Table)]
        format: HistoryFormat,
    },
    /// Add a saved report (audited as of its generation time).
    Add {
        /// The report (CSV, as GetCredentialReport returns it).
        file: PathBuf,
        /// When IAM generated it (`2026-11-23T10:00:00Z`): a saved file does not say.
        #[arg(long, value_name = "TIME")]
        generated: String,
        /// Audit configuration (TOML), as for `credreport audit`.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum HistoryFormat {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum TrendFormat {
    Table,
    Json,
    Html,
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Copy accounts from one store to another, both ways between SQLite and PostgreSQL:
    /// every identity, credential, policy, tag, alias and the stored credential report, each
    /// account from one snapshot of the source in one transaction of the destination.
    ///
    /// Each copy is verified: the stored report's bytes are the same in both stores, and so
    /// is a report built afresh from each. Secrets are copied sealed, so the destination is
    /// used with the same master key. Console sessions are not copied. An account that
    /// already exists in the destination is an error (nothing of it is written).
    ///
    /// URLs: `postgres://USER@HOST:PORT/DB` (as for `serve --database-url`) or
    /// `sqlite://PATH` (a data directory's store is `sqlite://DIR/iam.db`).
    Copy(StoreCopyArgs),
}

#[derive(Debug, clap::Args)]
pub struct StoreCopyArgs {
    /// The store to copy from.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The store to copy into (created, and its schema made, when new).
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Copy only this account (repeatable); default: every account of the source.
    #[arg(long = "account", value_name = "ID")]
    pub accounts: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    /// The data directory of the store to copy.
    #[arg(long, value_name = "DIR", default_value = "./credreport-data")]
    pub data_dir: PathBuf,

    /// The backup file to write (whole or not at all).
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// The backup file.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,

    /// The data directory to restore into (it must hold no store yet).
    #[arg(long, value_name = "DIR", default_value = "./credreport-data")]
    pub data_dir: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Keep the data here (an empty or new directory); default: a temporary directory,
    /// removed when the demo stops.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Address to listen on; `127.0.0.1:0` picks a free port (the output shows which).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,

    /// Users of the main account (16 of them are the story's own).
    #[arg(long, value_name = "N", default_value_t = 60,
          value_parser = clap::value_parser!(u16).range(16..=5000))]
    pub users: u16,

    /// End the history on this day (`YYYY-MM-DD`) instead of today: the same day gives
    /// the same report bytes.
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: crate::open::StoreArgs,

    /// Address to listen on; `127.0.0.1:0` picks a free port (the log shows which).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,

    #[command(flatten)]
    pub tls: TlsArgs,

    #[command(flatten)]
    pub limits: LimitArgs,

    #[command(flatten)]
    pub ops: OpsArgs,
}

/// What an operator runs the server with: its metrics, and the proxies in front of it.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct OpsArgs {
    /// Serve `GET /metrics` (the Prometheus text format: requests by action and error
    /// code with their latency, throttled requests, console sign-ins, report builds, store
    /// errors, the build) on this address, a listener of its own, never the API's. Plain
    /// HTTP: keep it on loopback or a private network.
    #[arg(long, value_name = "ADDR")]
    pub metrics_listen: Option<std::net::SocketAddr>,

    /// Believe `X-Forwarded-For` from these proxies (a load balancer, nginx): a request
    /// from one of them is from the right-most address in the header that is not one of
    /// them, for the per-source limits, the logs and `aws:SourceIp`. From any other
    /// address the header is ignored. Addresses or CIDR ranges, comma-separated.
    #[arg(long, value_name = "CIDR[,CIDR...]", value_delimiter = ',')]
    pub trusted_proxies: Vec<credreport_server::proxies::ProxyRange>,
}

/// Request-rate limits (IAM's `Throttling`, HTTP 400, past them; the SDKs retry with
/// backoff). A rate of 0 turns a limit off.
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// Authenticated requests per second, per account.
    #[arg(long, value_name = "N", default_value_t = 100.0)]
    pub account_rate: f64,

    /// How many requests an account may send at once before the rate applies.
    #[arg(long, value_name = "N", default_value_t = 200.0)]
    pub account_burst: f64,

    /// Failed authentications per second, per source address (past them the source is
    /// refused without checking its signatures).
    #[arg(long, value_name = "N", default_value_t = 5.0)]
    pub failure_rate: f64,

    /// How many failed authentications a source may make at once.
    #[arg(long, value_name = "N", default_value_t = 20.0)]
    pub failure_burst: f64,

    /// Console sign-in attempts per second, per source address (the password and MFA
    /// steps; a successful one does not count). Past them an attempt is refused before
    /// its password is checked.
    #[arg(long, value_name = "N", default_value_t = 1.0)]
    pub sign_in_rate: f64,

    /// How many console sign-in attempts a source may make at once.
    #[arg(long, value_name = "N", default_value_t = 10.0)]
    pub sign_in_burst: f64,

    /// Seconds a client has to send a request's headers (slower clients are cut off).
    #[arg(long, value_name = "SECS", default_value_t = 10.0)]
    pub header_timeout: f64,
}

impl LimitArgs {
    /// The defaults, as the flags give them.
    pub fn standard() -> LimitArgs {
        LimitArgs {
            account_rate: 100.0,
            account_burst: 200.0,
            failure_rate: 5.0,
            failure_burst: 20.0,
            sign_in_rate: 1.0,
            sign_in_burst: 10.0,
            header_timeout: 10.0,
        }
    }
}

/// HTTPS instead of HTTP.
#[derive(Debug, Clone, clap::Args)]
pub struct TlsArgs {
    /// Serve HTTPS (TLS 1.2 and 1.3) with this PEM certificate chain (server first).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The certificate's PEM private key (PKCS#8, PKCS#1 or SEC1).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Create an account and print its root credentials as JSON:
    /// `{"AccountId": "...", "AccessKeyId": "...", "SecretAccessKey": "..."}`.
    Create(AccountCreateArgs),
    /// Set the root user's console password (the root signs in to the console with the
    /// account id and this password). An organization member account has no root password.
    SetRootPassword(SetRootPasswordArgs),
}

#[derive(Debug, clap::Args)]
pub struct SetRootPasswordArgs {
    #[command(flatten)]
    pub store: crate::open::StoreArgs,

    /// The account's 12-digit id.
    #[arg(long, value_name = "ID")]
    pub account_id: String,

    /// A file whose first line is the password (`-`: standard input).
    #[arg(long, value_name = "FILE")]
    pub password_file: std::path::PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct AccountCreateArgs {
    #[command(flatten)]
    pub store: crate::open::StoreArgs,

    /// The 12-digit id (default: a random one).
    #[arg(long, value_name = "ID")]
    pub account_id: Option<String>,

    /// Create it as an Organizations member without root credentials: no root access key
    /// (the key fields print as null), and the report's root row shows password_enabled false.
    #[arg(long)]
    pub organization_member: bool,

    /// Give the root user a console password, read from the first line of this file
    /// (`-`: standard input).
    #[arg(long, value_name = "FILE", conflicts_with = "organization_member")]
    pub root_password_file: Option<std::path::PathBuf>,

    /// The organization's management account: the new account joins its organization
    /// (which is made, with that account as its management account and first member, if
    /// it has none yet), as AWS Organizations' DescribeOrganization, ListAccounts and
    /// DescribeAccount then show it on the endpoint. With `--organization-member` it is an
    /// account the organization created (joined method CREATED), and as AWS Organizations
    /// does it gets the role `OrganizationAccountAccessRole`, trusting the management
    /// account, with `AdministratorAccess` attached: the way into an account without root
    /// credentials. Without, it is an existing account that accepted an invitation
    /// (INVITED): it keeps its root credentials and, as in AWS, gets no such role (create
    /// one with its root key for `fetch --all-accounts` to reach it).
    #[arg(long, value_name = "ID")]
    pub management_account: Option<String>,

    /// With `--management-account`: the account's name in the organization (1 to 128
    /// characters; default: the account id).
    #[arg(long, value_name = "NAME", requires = "management_account")]
    pub account_name: Option<String>,

    /// With `--management-account`: the account's email address in the organization
    /// (unique among its accounts; default: `<id>@example.com`, which reaches no one).
    #[arg(long, value_name = "EMAIL", requires = "management_account")]
    pub email: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct FetchArgs {
    /// Write the report to this file (whole or not at all) instead of standard output.
    /// With `--all-accounts`: the directory for `<account-id>.csv` and `summary.json`
    /// (created if missing).
    #[arg(short, long, value_name = "FILE|DIR")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub aws: AwsArgs,

    /// Take the existing report only if it is younger than this (`30m`, `4h`, `1d`); else
    /// ask for a new one, and fail if IAM's 4-hour window does not allow one yet.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    pub max_age: Option<Duration>,

    /// Give up waiting for a report after this long.
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, default_value = "10m")]
    pub timeout: Duration,

    #[command(flatten)]
    pub org: OrgArgs,

    /// Also keep each fetched report, with its audit, in this history (see `credreport
    /// history`).
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
}

/// Where and as whom to reach AWS.
#[derive(Debug, Clone, clap::Args)]
pub struct AwsArgs {
    /// A named profile of ~/.aws/config and ~/.aws/credentials (default: `AWS_PROFILE`,
    /// else `default`).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The region to sign requests with and to reach STS in (default: `AWS_REGION`, the
    /// profile's, else us-east-1).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Send every request to this endpoint instead of AWS's (`credreport serve`, an
    /// emulator); `AWS_ENDPOINT_URL` works too.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
}

/// Every account of an organization.
#[derive(Debug, Clone, clap::Args)]
pub struct OrgArgs {
    /// Every account of the caller's organization, through `--role-name`.
    #[arg(long, requires = "role_name")]
    pub all_accounts: bool,

    /// The role to assume in each account (for example `OrganizationAccountAccessRole`,
    /// or a role that may call iam:GenerateCredentialReport and iam:GetCredentialReport);
    /// with `--all-accounts` or `--account-id`.
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,

    /// One account, reached through `--role-name` (AssumeRole into
    /// `arn:aws:iam::ID:role/NAME`; no Organizations call).
    #[arg(
        long,
        value_name = "ID",
        requires = "role_name",
        conflicts_with = "all_accounts"
    )]
    pub account_id: Option<String>,

    /// How many accounts to fetch at once.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
}

#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// A report, a directory of reports (every `*.csv` in it, one combined result), or `-`
    /// for standard input. Not needed when fetching (`--profile`, `--region`,
    /// `--endpoint-url`, `--all-accounts`).
    #[arg(
        value_name = "FILE|DIR|-",
        required_unless_present_any = ["list_checks", "profile", "region", "endpoint_url", "all_accounts"],
        conflicts_with_all = ["profile", "region", "endpoint_url", "all_accounts"]
    )]
    pub input: Option<PathBuf>,

    // With any of these the report is fetched first (as `credreport fetch` does) and
    // audited as of its generation time.
    #[command(flatten)]
    pub aws: AwsArgs,

    #[command(flatten)]
    pub org: OrgArgs,

    /// Output format. `table` is colored on a terminal; `json` follows the JSON Schema in
    /// `crates/audit/schemas/findings.schema.json`; `sarif` is SARIF 2.1.0 for code scanning;
    /// `html` is one self-contained page with charts; `ocsf` is a JSON array of OCSF 1.5.0
    /// Detection Findings; `asff` is a JSON array of AWS Security Finding Format findings
    /// for Security Hub's BatchImportFindings.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub format: FormatArg,

    /// The Region written in `ocsf` and `asff` findings (ASFF: the Region of the
    /// ProductArn, where Security Hub imports them). Default: `--region` when fetching,
    /// else us-east-1 (IAM is global).
    #[arg(long, value_name = "REGION", value_parser = parse_region)]
    pub findings_region: Option<Region>,

    /// Configuration (TOML): thresholds, human and machine users, checks on/off and their
    /// severities, suppressions. See `crates/audit/credreport-audit.example.toml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The instant to measure ages to: `2016-11-25T14:30:42Z` or `2016-11-25` (midnight UTC).
    /// Default: the report's generation time when known (a fetched report; a directory
    /// written by `fetch --all-accounts`, by its summary.json: the newest), else now.
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,

    /// Exit 1 when a finding at or above this severity is open (not suppressed; with
    /// `--baseline`, new).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// An older report (file, directory or `-`) to compare with: findings that appeared,
    /// disappeared and persisted.
    #[arg(long, value_name = "OLD")]
    pub baseline: Option<PathBuf>,

    /// The as-of time for the baseline. Default: the same as the new report's, so the
    /// comparison shows changes in the credentials rather than the passing of time.
    #[arg(long, value_name = "TIME", requires = "baseline")]
    pub baseline_as_of: Option<String>,

    /// Write to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Colors in the table: `auto` on a terminal (and not when NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    /// List the checks (id, severity, CIS and Security Hub ids, title) and exit.
    #[arg(long)]
    pub list_checks: bool,

    /// When fetching: also keep each report, with this audit's findings, in this history
    /// (saved files go in with `credreport history add`).
    #[arg(long, value_name = "DIR", conflicts_with = "input")]
    pub history: Option<PathBuf>,

    /// The accounts' users, groups, roles and policies: the JSON `aws iam
    /// get-account-authorization-details` prints (repeat for its pages, or for several
    /// accounts: they are merged). Findings then carry each user's and role's privilege
    /// (admin, write, read, none), which moves their severity, and `role-unused` runs.
    #[arg(long = "authorization-details", value_name = "FILE")]
    pub authorization_details: Vec<PathBuf>,

    /// Service last-accessed data for `permissions-unused`: a JSON object mapping
    /// principal ARNs to what `aws iam get-service-last-accessed-details --job-id ID`
    /// prints for each (repeatable, merged).
    #[arg(long = "last-accessed", value_name = "FILE")]
    pub last_accessed: Vec<PathBuf>,

    /// Audit the credential reports alone: no authorization details or last-accessed
    /// data (when fetching, neither is read), so every privilege is unknown and severities
    /// are the checks' own.
    #[arg(long, conflicts_with_all = ["authorization_details", "last_accessed"])]
    pub report_only: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Csv,
    Sarif,
    Markdown,
    Html,
    Ocsf,
    Asff,
}

/// An AWS Region name, such as `eu-west-1`.
pub fn parse_region(text: &str) -> Result<Region, String> {
    Region::parse(text).ok_or_else(|| format!("{text:?} is not a Region name such as eu-west-1"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SeverityArg {
    Critical,
    High,
    Medium,
    Low,
    Info,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Check that a file is a well-formed credential report.
    ///
    /// Prints one line (edition, rows, whether the root row is there) and exits 0 for a
    /// valid report; notes oddities AWS would not write (CRLF, TRUE/FALSE, a byte order
    /// mark) on stderr. For an invalid report prints `file:line:column: message` for each
    /// problem on stderr and exits 2.
    Validate(FileArg),
    /// Rewrite a report in the exact bytes AWS produces.
    ///
    /// Lowercase booleans, `+00:00` timestamps, LF line ends, no newline after the last
    /// row, quotes only where a field needs them. A legacy 16-column report stays legacy.
    /// Output streams: on an invalid row it stops there with exit 2, after the rows
    /// before it, so check the exit status before using the output.
    Format(FileArg),
    /// Print one JSON object per row (JSON Lines), with typed values.
    ///
    /// Keys are the report's column names in its order. Booleans are JSON booleans,
    /// timestamps RFC 3339 strings in UTC (`2015-04-20T17:41:10Z`), and the sentinels stay
    /// the strings `"N/A"`, `"no_information"` and `"not_supported"`, so which one it was
    /// is never lost.
    ToJson(FileArg),
}

#[derive(Debug, clap::Args)]
pub struct FileArg {
    /// The report file; `-` reads standard input.
    #[arg(value_name = "FILE|-")]
    pub file: PathBuf,
}

pub fn parse() -> Cli {
    Cli::parse()
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn command_line_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
