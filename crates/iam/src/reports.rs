//! The credential report's lifecycle: one stored report per account, the 4-hour rule,
//! STARTED / INPROGRESS / COMPLETE, a frozen snapshot, and builds that survive a crash.
//!
//! Generate decides in one write transaction (so concurrent calls start one build) and
//! hands back a [`ReportBuild`] for the caller to run in the background. The build reads
//! one consistent snapshot, renders the CSV, and stores it with its generated time in one
//! transaction: a report is never half-written. A build that started and never finished
//! (its process died) is found by [`Iam::interrupted_builds`] and run again.

use credreport_report::Timestamp;

use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::kept_rows;
use crate::model::StoredReport;
use crate::report_build::AccountSnapshot;
use crate::report_sink::ReportSink;
use crate::service::{require_account, Iam};
use crate::store::{BuildClaim, BuildHold, Store, Tx, UserQuery};

/// A report younger than this is returned as it is: "as often as once every four hours".
pub const REPORT_FRESH_SECS: i64 = 4 * 3600;

/// GenerateCredentialReport's State.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportState {
    /// A build was started by this call.
    Started,
    /// A build is running.
    InProgress,
    /// The stored report is under four hours old; nothing was rebuilt.
    Complete,
}

impl ReportState {
    /// IAM's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Started => "STARTED",
            ReportState::InProgress => "INPROGRESS",
            ReportState::Complete => "COMPLETE",
        }
    }
}

/// What GenerateCredentialReport answers, and the build to run when one was started.
#[derive(Debug)]
pub struct Generation {
    /// The state.
    pub state: ReportState,
    /// IAM's description, where it gives one.
    pub description: Option<&'static str>,
    /// The build this call started; the caller runs it (in the background).
    pub build: Option<ReportBuild>,
}

impl Generation {
    fn unchanged(state: ReportState) -> Generation {
        Generation {
            state,
            description: None,
            build: None,
        }
    }
}

/// A started build, to be run once.
#[derive(Debug)]
#[must_use = "a started build must be run, or the report stays in progress until its lease ends"]
pub struct ReportBuild {
    iam: Iam,
    account: AccountId,
    started: Timestamp,
    /// Where the store tells live builders from dead ones: this process's claim, held
    /// until the build has run.
    hold: Option<BuildHold>,
}

/// A stored report, as GetCredentialReport returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialReport {
    /// The CSV bytes.
    pub content: Vec<u8>,
    /// When it was generated.
    pub generated: Timestamp,
}

impl ReportBuild {
    /// The account being built.
    pub fn account(&self) -> &AccountId {
        &self.account
    }

    /// Stores the report: the account's rows, kept current by every write, become the
    /// stored report, generated now (its rows are rendered first if they are not kept yet).
    /// Answers when it was generated. If another process took the build over meanwhile
    /// (its lease ran out), this one stores nothing and theirs stands: `None`.
    pub fn complete(self) -> Result<Option<Timestamp>> {
        self.finish(None)
    }

    /// [`ReportBuild::complete`], and the stored report as GetCredentialReport answers it
    /// (joined in the transaction that stores it), for a caller that keeps it.
    pub fn run(self) -> Result<Option<CredentialReport>> {
        let mut content = Vec::new();
        let Some(generated) = self.run_into(&mut content)? else {
            return Ok(None);
        };
        Ok(Some(CredentialReport { content, generated }))
    }

    /// [`ReportBuild::complete`], the report's bytes joined in the transaction that stores
    /// it and written to `sink` as they are joined, and the sink finished, before that
    /// transaction commits: a caller that keeps the answer (encoded) has it by the time
    /// anyone can see the new report. The sink may be restarted (the store ran the
    /// transaction again), and may be finished for a report that is then not stored (the
    /// commit failed, or the build was taken over: `None`, or an error).
    pub fn run_into(self, sink: &mut dyn ReportSink) -> Result<Option<Timestamp>> {
        self.finish(Some(sink))
    }

    /// Stores the report and, with `sink`, joins its bytes into it in the same
    /// transaction. When it was generated; `None` if the build was taken over.
    fn finish(self, mut sink: Option<&mut dyn ReportSink>) -> Result<Option<Timestamp>> {
        let generated = self.iam.now();
        let started = self.started;
        let stored = self.iam.write(&self.account, |tx| {
            let report = tx.report(&self.account)?;
            if report.building_since != Some(started) {
                return Ok(None);
            }
            kept_rows::store_report(tx, &self.account, generated)?;
            if let Some(sink) = sink.as_deref_mut() {
                sink.restart();
                let report = tx.report(&self.account)?;
                if !stored_into(tx, &self.account, &report, sink)? {
                    return Err(Error::internal("a stored report has no bytes"));
                }
                sink.finish(generated);
            }
            Ok(Some(generated))
        })?;
        drop(self.hold);
        // The announcement of this change is on its way back; until it comes, this instance
        // already knows the report it kept is not the current one.
        self.iam.current_reports().forget(self.account.as_str());
        Ok(stored)
    }
}

impl Iam {
    /// GenerateCredentialReport.
    pub fn generate_credential_report(&self, account: &AccountId) -> Result<Generation> {
        let now = self.now();
        let lease = self.config().build_lease_secs;
        let building = |report: &StoredReport| {
            report
                .building_since
                .is_some_and(|since| (0..lease).contains(&now.secs_since(since)))
        };
        let fresh = |report: &StoredReport| {
            report.generated.is_some_and(|generated| {
                (0..REPORT_FRESH_SECS).contains(&now.secs_since(generated))
            })
        };
        // Most calls change nothing (clients poll this action while a build runs): decide
        // those on a read transaction, so that polling never waits for, or holds up, the
        // account's writer.
        let seen = self.read(|tx| {
            require_account(tx, account)?;
            tx.report(account)
        })?;
        if let Some(known) = self.current_reports().get(account) {
            if seen.generated != Some(known) {
                // Another instance stored a report whose announcement is still on its way:
                // a GetCredentialReport that follows this call here answers the new one.
                self.current_reports().forget(account.as_str());
            }
        }
        if fresh(&seen) && seen.building_since.is_none() {
            return Ok(Generation::unchanged(ReportState::Complete));
        }
        // Where the store knows whether a started build's process is alive, that decides;
        // else the lease does.
        let hold = match self.store().claim_build(account)? {
            BuildClaim::Busy => return Ok(Generation::unchanged(ReportState::InProgress)),
            BuildClaim::Held(hold) => Some(hold),
            BuildClaim::Leased if building(&seen) => {
                return Ok(Generation::unchanged(ReportState::InProgress))
            }
            BuildClaim::Leased => None,
        };
        let leased = hold.is_none();
        // Decided again under the writer: another call may have acted in between. The mark
        // of a build in progress need not reach the disk before the caller hears STARTED
        // (the build's own commit is durable, and takes the mark with it). A process that
        // dies leaves the mark, and the build is taken over (`interrupted_builds`); a machine
        // that crashes first may lose it, and then the next call starts the build again, as
        // if this one had not been made.
        let (state, description) = self.write_unsynced(account, |tx| {
            require_account(tx, account)?;
            let mut report = tx.report(account)?;
            if leased && building(&report) {
                return Ok((ReportState::InProgress, None));
            }
            if fresh(&report) {
                if report.building_since.take().is_some() {
                    tx.put_report(account, &report)?; // an abandoned build is moot
                }
                return Ok((ReportState::Complete, None));
            }
            let description = if report.generated.is_some() {
                "Report is older than 4 hours. Starting a new report generation task"
            } else {
                "No report exists. Starting a new report generation task"
            };
            report.building_since = Some(now);
            tx.put_report(account, &report)?;
            Ok((ReportState::Started, Some(description)))
        })?;
        let build = (state == ReportState::Started).then(|| ReportBuild {
            iam: self.clone(),
            account: account.clone(),
            started: now,
            hold,
        });
        Ok(Generation {
            state,
            description,
            build,
        })
    }

    /// GetCredentialReport: the stored report (the previous one while a new one builds).
    pub fn credential_report(&self, account: &AccountId) -> Result<CredentialReport> {
        let (generated, content) = self.stored_report(account, true)?;
        content
            .map(|content| CredentialReport { content, generated })
            .ok_or_else(|| Error::internal("a generated report has no stored bytes"))
    }

    /// When the report GetCredentialReport would return now was generated, with the same
    /// errors, without reading its bytes: for a caller that keeps them (encoded) already.
    /// Where the store announces changes of report states (a fleet on PostgreSQL, after
    /// [`Iam::watch_store`]), a report known to be current is answered without reading
    /// the store.
    pub fn credential_report_generated(&self, account: &AccountId) -> Result<Timestamp> {
        if let Some(generated) = self.current_reports().get(account) {
            return match self.config().report_max_age_secs {
                Some(max) if self.now().secs_since(generated) > max => Err(Error::ReportExpired),
                _ => Ok(generated),
            };
        }
        let generation = self.current_reports().generation();
        let (generated, _) = self.stored_report(account, false)?;
        self.current_reports().keep(account, generated, generation);
        Ok(generated)
    }

    /// The stored report's generated time and, with `content`, its bytes, from one read.
    fn stored_report(
        &self,
        account: &AccountId,
        content: bool,
    ) -> Result<(Timestamp, Option<Vec<u8>>)> {
        let now = self.now();
        let max_age = self.config().report_max_age_secs;
        let expired =
            |generated: Timestamp| max_age.is_some_and(|max| now.secs_since(generated) > max);
        let (report, bytes) = self.read(|tx| {
            require_account(tx, account)?;
            let report = tx.report(account)?;
            let bytes = match report.generated {
                Some(generated) if content && !expired(generated) => {
                    stored_content(tx, account, &report)?
                }
                _ => None,
            };
            Ok((report, bytes))
        })?;
        match report.generated {
            Some(generated) if expired(generated) => Err(Error::ReportExpired),
            Some(generated) => Ok((generated, bytes)),
            None if report.building_since.is_some() => Err(Error::ReportInProgress),
            None => Err(Error::ReportNotPresent),
        }
    }

    /// Builds that were started and never finished. Where the store tells live builders
    /// from dead ones, those whose process is gone are taken over. Otherwise, with
    /// `take_over_all` (one process owns the store, and it has just started) every one is,
    /// and without it only those whose lease has run out. Run each.
    pub fn interrupted_builds(&self, take_over_all: bool) -> Result<Vec<ReportBuild>> {
        let now = self.now();
        let lease = self.config().build_lease_secs;
        let building = self.read(|tx| tx.reports_building())?;
        let mut builds = Vec::new();
        for (account, since) in building {
            let hold = match self.store().claim_build(&account)? {
                BuildClaim::Busy => continue,
                BuildClaim::Held(hold) => Some(hold),
                BuildClaim::Leased if !take_over_all && now.secs_since(since) < lease => continue,
                BuildClaim::Leased => None,
            };
            let taken = self.write(&account, |tx| {
                let mut report = tx.report(&account)?;
                if report.building_since != Some(since) {
                    return Ok(false);
                }
                report.building_since = Some(now);
                tx.put_report(&account, &report)?;
                Ok(true)
            })?;
            if taken {
                builds.push(ReportBuild {
                    iam: self.clone(),
                    account,
                    started: now,
                    hold,
                });
            }
        }
        Ok(builds)
    }

    /// Renders every report row of the account again from its records, in one write: for
    /// a writer that went around the domain's operations (a bulk load through the store,
    /// as the benchmarks' set-up does). The stored report keeps what it showed.
    pub fn render_all_report_rows(&self, account: &AccountId) -> Result<()> {
        self.write(account, |tx| {
            require_account(tx, account)?;
            kept_rows::keep_all_rows(tx, account)
        })
    }

    /// The report the account's kept rows make now (with the password policy of now):
    /// what a report generated now would hold, without storing it. For tests and checks:
    /// it is byte for byte `write_account_report` of [`Iam::snapshot`].
    pub fn report_from_kept_rows(&self, account: &AccountId) -> Result<Vec<u8>> {
        self.read(|tx| kept_rows::current_report(tx, account))
    }

    /// Everything the report shows about one account, from one snapshot: the users side
    /// and the credentials side are read at the same time where the store can.
    pub fn snapshot(&self, account: &AccountId) -> Result<AccountSnapshot> {
        read_snapshot(self.store(), account)
    }
}

/// The bytes of the account's stored report (`report`, its state as `tx` reads it): joined
/// from its kept rows, or as they were stored whole. `None` before any report.
pub(crate) fn stored_content(
    tx: &mut dyn Tx,
    account: &AccountId,
    report: &StoredReport,
) -> Result<Option<Vec<u8>>> {
    let mut content = Vec::new();
    Ok(stored_into(tx, account, report, &mut content)?.then_some(content))
}

/// Writes the bytes of the account's stored report `report` to `sink` (joined from its
/// kept rows, or as they were stored whole); `false` when there is none.
fn stored_into(
    tx: &mut dyn Tx,
    account: &AccountId,
    report: &StoredReport,
    sink: &mut dyn ReportSink,
) -> Result<bool> {
    match (report.generated, report.rows.report()) {
        (None, _) => Ok(false),
        (Some(_), Some(rows)) => {
            kept_rows::stored_report(tx, account, rows, sink)?;
            Ok(true)
        }
        (Some(_), None) => match tx.report_content(account)? {
            Some(content) => {
                sink.write(&content);
                Ok(true)
            }
            None => Ok(false),
        },
    }
}

/// The bytes of the account's stored report as GetCredentialReport would answer them
/// (without the expiry rule), read in `tx`: joined from its kept rows, or as they were
/// stored whole. `None` before any report. For tools that read a store directly (a copy
/// check, tests).
pub fn stored_report_content(tx: &mut dyn Tx, account: &AccountId) -> Result<Option<Vec<u8>>> {
    let report = tx.report(account)?;
    stored_content(tx, account, &report)
}

/// Everything the report shows about one account, read in the transaction `tx`.
pub(crate) fn snapshot_in(tx: &mut dyn Tx, account: &AccountId) -> Result<AccountSnapshot> {
    let account_record = require_account(tx, account)?;
    Ok(AccountSnapshot {
        account: account_record,
        users: tx.users(account, &every_user())?,
        password_changes: tx.password_changes(account)?,
        keys: tx.key_facts(account)?,
        mfa_owners: tx.mfa_owners(account)?,
        certificates: tx.cert_facts(account)?,
    })
}

/// Every user of an account, in one page (however many a writer that went around the
/// quota stored).
fn every_user() -> UserQuery<'static> {
    UserQuery {
        path_prefix: None,
        after: None,
        limit: usize::MAX,
    }
}

/// Everything the report shows about one account of `store`, from one snapshot: the users
/// side and the credentials side are read at the same time where the store can.
pub fn read_snapshot(store: &dyn Store, account: &AccountId) -> Result<AccountSnapshot> {
    let mut people = None;
    let mut credentials = None;
    store.read_parts(&mut [
        &mut |tx| {
            let account_record = require_account(tx, account)?;
            people = Some((
                account_record,
                tx.users(account, &every_user())?,
                tx.password_changes(account)?,
                tx.mfa_owners(account)?,
            ));
            Ok(())
        },
        &mut |tx| {
            credentials = Some((tx.key_facts(account)?, tx.cert_facts(account)?));
            Ok(())
        },
    ])?;
    let missing = || Error::internal("a snapshot read returned nothing");
    let (account, users, password_changes, mfa_owners) = people.ok_or_else(missing)?;
    let (keys, certificates) = credentials.ok_or_else(missing)?;
    Ok(AccountSnapshot {
        account,
        users,
        password_changes,
        keys,
        mfa_owners,
        certificates,
    })
}
