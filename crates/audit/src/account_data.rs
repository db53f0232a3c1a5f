//! What the audit knows besides the credential reports: the accounts' authorization
//! details (GetAccountAuthorizationDetails), analysed for privilege, and the principals'
//! service last-accessed data.
//!
//! [`AccountData::new`] takes what a caller read from files (`--authorization-details`,
//! `--last-accessed`) or fetched through the API (the fetch mode fills the same
//! [`AuthorizationDetails`] and [`LastAccessed`]) and runs the privilege analysis once.
//! The auditor then looks each row's principal up by ARN.

use std::collections::HashMap;
use std::sync::Arc;

use credreport_privilege::{
    analyze, Analysis, Assessment, AuthorizationDetails, LastAccessed, PrincipalAccess, Privilege,
};
use credreport_report::Timestamp;

use crate::checks::principal::{timestamp, PrincipalKind};
use crate::checks::PrincipalFacts;
use crate::finding::Standing;

/// Authorization details (analysed) and last-accessed data, for [`crate::audit_with`].
#[derive(Debug, Default)]
pub struct AccountData {
    /// Where the authorization details and the last-accessed data came from.
    details_source: Arc<str>,
    accessed_source: Arc<str>,
    has_details: bool,
    analysis: Analysis,
    /// The words of each distinct assessment (shared by the principals with the same
    /// policies), written once.
    /// (By the assessment's address: it lives as long as `analysis`.)
    reasons: HashMap<usize, Arc<str>>,
    /// The principal checks' subjects: roles (`role-unused`), then principals with
    /// last-accessed data (`permissions-unused`).
    roles: Vec<Arc<PrincipalFacts>>,
    accessed: Vec<Arc<PrincipalFacts>>,
}

/// Why the root user is an administrator.
const ROOT_REASON: &str = "the root user may perform every action in its account";

/// An assessment's address, which identifies it while the analysis lives.
fn address(assessment: &Arc<Assessment>) -> usize {
    Arc::as_ptr(assessment) as usize
}

impl AccountData {
    /// Analyses `details` (when given) and keeps `last_accessed` (when given). The
    /// principal checks' findings name their source `authorization details` and
    /// `last-accessed data` unless [`AccountData::sources`] names them.
    pub fn new(
        details: Option<AuthorizationDetails>,
        last_accessed: Option<LastAccessed>,
    ) -> AccountData {
        let analysis = details.as_ref().map(analyze).unwrap_or_default();
        // A reason is written once for the principals that share it.
        let mut reasons: HashMap<usize, Arc<str>> = HashMap::new();
        for p in analysis.iter() {
            reasons
                .entry(address(&p.assessment))
                .or_insert_with(|| Arc::from(p.assessment.reason.to_string()));
        }
        let mut created: HashMap<&str, Option<Timestamp>> = HashMap::new();
        let mut roles = Vec::new();
        if let Some(d) = &details {
            for u in &d.users {
                created.insert(&u.arn, u.create_date.and_then(timestamp));
            }
            for r in &d.roles {
                created.insert(&r.arn, r.create_date.and_then(timestamp));
                if r.is_service_linked() {
                    continue;
                }
                let last = r.role_last_used.as_ref().and_then(|l| {
                    l.last_used_date
                        .and_then(timestamp)
                        .map(|t| (t, l.region.clone()))
                });
                roles.push(Arc::new(PrincipalFacts {
                    kind: PrincipalKind::Role,
                    name: r.role_name.clone(),
                    arn: r.arn.clone(),
                    created: r.create_date.and_then(timestamp),
                    last_used: last,
                    access: PrincipalAccess::default(),
                }));
            }
        }
        let mut accessed = Vec::new();
        // Each principal's data moves into its facts: its service list stays shared.
        for (arn, access) in last_accessed.into_iter().flatten() {
            let kind = if arn.contains(":role/") {
                PrincipalKind::Role
            } else {
                PrincipalKind::User
            };
            let name = arn.rsplit('/').next().unwrap_or(&arn).to_owned();
            accessed.push(Arc::new(PrincipalFacts {
                kind,
                name,
                created: created.get(arn.as_str()).copied().flatten(),
                arn,
                last_used: None,
                access,
            }));
        }
        AccountData {
            details_source: Arc::from("authorization details"),
            accessed_source: Arc::from("last-accessed data"),
            has_details: details.is_some(),
            analysis,
            reasons,
            roles,
            accessed,
        }
    }

    /// The privilege analysis.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// Whether authorization details were given (without them every privilege is
    /// unknown).
    pub fn has_details(&self) -> bool {
        self.has_details
    }

    /// Names where the authorization details and the last-accessed data came from (the
    /// files, or the fetch), for the locations of the principal checks' findings.
    #[must_use]
    pub fn sources(mut self, details: &str, last_accessed: &str) -> AccountData {
        self.details_source = Arc::from(details);
        self.accessed_source = Arc::from(last_accessed);
        self
    }

    /// Where the facts of a check's subjects came from.
    pub(crate) fn source(&self, id: crate::CheckId) -> &Arc<str> {
        match id {
            crate::CheckId::RoleUnused => &self.details_source,
            _ => &self.accessed_source,
        }
    }

    /// What is known of the privilege of the principal with `arn` (`root`: the root
    /// user of the account).
    pub(crate) fn standing(&self, arn: &str, root: bool) -> Standing {
        if !self.has_details {
            return Standing::default();
        }
        if root {
            return Standing {
                privilege: Some(Privilege::Admin),
                reason: Some(Arc::from(ROOT_REASON)),
            };
        }
        let Some(p) = self.analysis.get(arn) else {
            return Standing::default();
        };
        Standing {
            privilege: Some(p.privilege()),
            reason: self.reasons.get(&address(&p.assessment)).cloned(),
        }
    }

    /// The roles `role-unused` looks at (service-linked ones aside).
    pub(crate) fn roles(&self) -> &[Arc<PrincipalFacts>] {
        &self.roles
    }

    /// The principals `permissions-unused` looks at.
    pub(crate) fn accessed(&self) -> &[Arc<PrincipalFacts>] {
        &self.accessed
    }

    /// Remarks for the summary: principals the analysis could not classify.
    pub(crate) fn notes(&self) -> Vec<String> {
        self.analysis
            .notes()
            .iter()
            .map(|n| format!("authorization details: {n}; its privilege is unknown"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::AccountData;

    /// Fetch mode may build it on one thread and audit on another.
    #[test]
    fn account_data_can_cross_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<AccountData>();
    }
}
