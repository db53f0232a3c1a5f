//! The credential report: GenerateCredentialReport, GetCredentialReport, and the console's
//! Credential report page and Download button.

use std::time::{Duration, Instant};

use credreport_iam::{
    CredentialReport, Error, Generation, ReportBuild, ReportSink, ReportState, REPORT_FRESH_SECS,
};
use credreport_report::Timestamp;

use super::{Action, OpResult, Ops, Resource};
use crate::report_cache::ReportCache;
use crate::xml::Base64Text;

/// How long a download waits for a build another request started.
const BUILD_WAIT: Duration = Duration::from_secs(20);

impl Ops<'_> {
    /// GenerateCredentialReport. A build it starts is the caller's to run.
    pub fn generate_credential_report(&self) -> OpResult<Generation> {
        self.authorize(Action::GenerateCredentialReport, &Resource::Any)?;
        Ok(self.iam.generate_credential_report(self.account())?)
    }

    /// GetCredentialReport: the content in base64 (kept in `cache`) and when it was
    /// generated.
    pub fn get_credential_report(&self, cache: &ReportCache) -> OpResult<(Base64Text, Timestamp)> {
        self.authorize(Action::GetCredentialReport, &Resource::Any)?;
        Ok(cache.current(self.iam, self.account())?)
    }

    /// When the stored report was generated (authorized as GetCredentialReport); `None`
    /// while there is none to show (not generated yet, in progress, expired).
    pub fn credential_report_generated(&self) -> OpResult<Option<Timestamp>> {
        self.authorize(Action::GetCredentialReport, &Resource::Any)?;
        match self.iam.credential_report_generated(self.account()) {
            Ok(t) => Ok(Some(t)),
            Err(Error::ReportNotPresent | Error::ReportInProgress | Error::ReportExpired) => {
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The stored report (authorized as GetCredentialReport).
    pub fn credential_report(&self) -> OpResult<CredentialReport> {
        self.authorize(Action::GetCredentialReport, &Resource::Any)?;
        Ok(self.iam.credential_report(self.account())?)
    }

    /// The console's Download: the stored report, generated first (and waited for) when
    /// IAM's 4-hour rule allows a new one and the stored one is older; the bytes are
    /// GetCredentialReport's. A build is run by `run` (which the server's metrics time),
    /// its encoded answer kept in `cache` before it is stored.
    pub fn download_credential_report(
        &self,
        cache: &ReportCache,
        run: impl FnOnce(ReportBuild, &mut dyn ReportSink) -> Result<Option<Timestamp>, Error>,
    ) -> OpResult<CredentialReport> {
        self.authorize(Action::GetCredentialReport, &Resource::Any)?;
        let account = self.account();
        let now = self.iam.now();
        let stored = self.iam.credential_report_generated(account).ok();
        if stored.is_none_or(|g| now.secs_since(g) >= REPORT_FRESH_SECS) {
            let generation = self.generate_credential_report()?;
            match generation.build {
                Some(build) => {
                    cache.keeping(account, |sink| run(build, sink))?;
                }
                None if generation.state == ReportState::InProgress => {
                    self.wait_for_build(stored)?
                }
                None => {}
            }
        }
        Ok(self.iam.credential_report(account)?)
    }

    /// Waits (bounded) until a build another request started has stored its report.
    fn wait_for_build(&self, before: Option<Timestamp>) -> OpResult<()> {
        let started = Instant::now();
        while started.elapsed() < BUILD_WAIT {
            match self.iam.credential_report_generated(self.account()) {
                Ok(g) if Some(g) != before => return Ok(()),
                Ok(_) | Err(Error::ReportInProgress) => {}
                Err(e) => return Err(e.into()),
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(Error::ReportInProgress.into())
    }
}
