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
use crate::model::StoredReport;
use crate::report_build::{write_account_report, AccountSnapshot};
use crate::service::{require_account, Iam};
use crate::store::{BuildClaim, BuildHold, Store, UserQuery};
use crate::users::USERS_QUOTA;

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

    /// Builds and stores the report, and answers it. If another process took the build
    /// over meanwhile (its lease ran out), this one's result is dropped and theirs stands:
    /// `None`.
    pub fn run(self) -> Result<Option<CredentialReport>> {
        let generated = self.iam.now();
        let snapshot = self.iam.snapshot(&self.account)?;
        let content = write_account_report(&snapshot)
            .map_err(|e| Error::internal(format!("rendering the report: {e}")))?;
        let started = self.started;
        let stored = self.iam.write(&self.account, |tx| {
            let report = tx.report(&self.account)?;
            if report.building_since != Some(started) {
                return Ok(false);
            }
            tx.put_report_content(&self.account, &content)?;
            tx.put_report(
                &self.account,
                &StoredReport {
                    generated: Some(generated),
                    building_since: None,
                },
            )?;
            Ok(true)
        })?;
        drop(self.hold);
        Ok(stored.then_some(CredentialReport { content, generated }))
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
        // Decided again under the writer: another call may have acted in between.
        let (state, description) = self.write(account, |tx| {
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
    pub fn credential_report_generated(&self, account: &AccountId) -> Result<Timestamp> {
        self.stored_report(account, false)
            .map(|(generated, _)| generated)
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
                Some(generated) if content && !expired(generated) => tx.report_content(account)?,
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

    /// Everything the report shows about one account, from one snapshot: the users side
    /// and the credentials side are read at the same time where the store can.
    pub fn snapshot(&self, account: &AccountId) -> Result<AccountSnapshot> {
        read_snapshot(self.store(), account)
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
            let query = UserQuery {
                path_prefix: None,
                after: None,
                limit: USERS_QUOTA * 2,
            };
            people = Some((
                account_record,
                tx.users(account, &query)?,
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
