//! When each principal last used each service it is allowed: IAM's service last accessed
//! data (GenerateServiceLastAccessedDetails, then GetServiceLastAccessedDetails), the
//! input of the `permissions-unused` check.
//!
//! [`LastAccessed`] maps a principal's ARN to its [`PrincipalAccess`]: the services IAM
//! says its policies allow, each with the last time it authenticated to it (or none). A
//! client of the API fills it with [`LastAccessed::insert`];
//! [`LastAccessed::from_json`] reads a file: a JSON object whose keys are principal ARNs
//! and whose values are what `aws iam get-service-last-accessed-details --job-id …`
//! prints for that principal's job:
//!
//! ```json
//! {
//!   "arn:aws:iam::123456789012:user/alice": {
//!     "JobStatus": "COMPLETED",
//!     "JobCompletionDate": "2026-12-01T10:00:00+00:00",
//!     "ServicesLastAccessed": [
//!       {"ServiceName": "Amazon S3", "ServiceNamespace": "s3",
//!        "LastAuthenticated": "2026-11-30T09:00:00+00:00",
//!        "LastAuthenticatedRegion": "us-east-1", "TotalAuthenticatedEntities": 1},
//!       {"ServiceName": "AWS Identity and Access Management", "ServiceNamespace": "iam",
//!        "TotalAuthenticatedEntities": 0}
//!     ]
//!   }
//! }
//! ```
//!
//! A job that did not complete (`JobStatus` other than `COMPLETED`) says nothing: its
//! principal is left out, so no finding rests on it.

use std::collections::BTreeMap;

use credreport_policy::Time;
use serde::Deserialize;

use crate::details::{time, InputError};

/// One service a principal is allowed, and its last use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceAccess {
    /// `ServiceNamespace` (`s3`).
    pub namespace: String,
    /// `ServiceName` (`Amazon S3`).
    pub name: String,
    /// `LastAuthenticated`: the last time the principal authenticated to it; `None` when
    /// not within IAM's tracking period (400 days).
    pub last_authenticated: Option<Time>,
    /// `LastAuthenticatedRegion`.
    pub region: Option<String>,
}

/// The last-accessed data of one principal.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrincipalAccess {
    /// When IAM computed it (`JobCompletionDate`), if known.
    pub computed: Option<Time>,
    /// The services its policies allow, as IAM lists them.
    pub services: Vec<ServiceAccess>,
}

/// Last-accessed data by principal ARN.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LastAccessed {
    by_arn: BTreeMap<String, PrincipalAccess>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawJob {
    #[serde(default)]
    job_status: Option<String>,
    #[serde(default, deserialize_with = "time")]
    job_completion_date: Option<Time>,
    #[serde(default)]
    services_last_accessed: Vec<RawService>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RawService {
    service_namespace: String,
    #[serde(default)]
    service_name: String,
    #[serde(default, deserialize_with = "time")]
    last_authenticated: Option<Time>,
    #[serde(default)]
    last_authenticated_region: Option<String>,
}

impl LastAccessed {
    /// Reads a file (see the module documentation). Errors give the line and column.
    pub fn from_json(text: &str) -> Result<LastAccessed, InputError> {
        let raw: BTreeMap<String, RawJob> = serde_json::from_str(text).map_err(|e| {
            InputError::json(
                "not a JSON object of principal ARNs to get-service-last-accessed-details output",
                &e,
            )
        })?;
        let mut out = LastAccessed::default();
        for (arn, job) in raw {
            if job
                .job_status
                .as_deref()
                .is_some_and(|s| !s.eq_ignore_ascii_case("COMPLETED"))
            {
                continue;
            }
            out.insert(
                arn,
                PrincipalAccess {
                    computed: job.job_completion_date,
                    services: job
                        .services_last_accessed
                        .into_iter()
                        .map(|s| ServiceAccess {
                            namespace: s.service_namespace,
                            name: s.service_name,
                            last_authenticated: s.last_authenticated,
                            region: s.last_authenticated_region,
                        })
                        .collect(),
                },
            );
        }
        Ok(out)
    }

    /// Sets the data of the principal with `arn` (replacing what it had).
    pub fn insert(&mut self, arn: impl Into<String>, access: PrincipalAccess) {
        self.by_arn.insert(arn.into(), access);
    }

    /// Adds another file's principals (a principal already here keeps its data).
    pub fn merge(&mut self, other: LastAccessed) {
        for (arn, access) in other.by_arn {
            self.by_arn.entry(arn).or_insert(access);
        }
    }

    /// The data of a principal.
    pub fn get(&self, arn: &str) -> Option<&PrincipalAccess> {
        self.by_arn.get(arn)
    }

    /// Every principal's data, by ARN.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &PrincipalAccess)> {
        self.by_arn.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// How many principals it has data for.
    pub fn len(&self) -> usize {
        self.by_arn.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.by_arn.is_empty()
    }
}
