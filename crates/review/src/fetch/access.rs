//! What a fetch-mode audit reads besides the report: the account's authorization details
//! (GetAccountAuthorizationDetails, every page) and each user's and role's service
//! last-accessed data: GenerateServiceLastAccessedDetails jobs, at most [`JOBS_AT_ONCE`] at
//! a time, waited on while `IN_PROGRESS` as the report is waited on, then
//! GetServiceLastAccessedDetails page by page. A user whose only policies are its groups'
//! is answered by its groups' jobs (see [`super::access_plan`]); the others get a job each.
//! Throttled calls wait and try again within the fetch's timeout.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use anyhow::anyhow;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_iam::primitives::DateTime;
use aws_sdk_iam::types::{self as sdk, JobStatusType};
use aws_sdk_iam::Client;
use credreport_privilege::{
    document_text, AttachedPolicy, AuthorizationDetails, GroupDetail, InlinePolicy, LastAccessed,
    LastUse, ManagedPolicyDetail, PermissionsBoundary, PolicyVersion, PrincipalAccess, RoleDetail,
    RoleLastUsed, Service, ServiceAccess, Tag, Time, UserDetail,
};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::access_plan::{member_access, GroupAccess, GroupService, Plan};
use super::client::{describe, error_code};
use super::wait::Jitter;
use super::{is_busy, FetchOptions};

/// Last-accessed jobs running at once, per account.
pub const JOBS_AT_ONCE: usize = 8;

/// An account's authorization details and last-accessed data.
#[derive(Clone, Debug, Default)]
pub struct AccessData {
    /// GetAccountAuthorizationDetails, every page merged.
    pub details: AuthorizationDetails,
    /// Each user's and role's services, by ARN (a job that failed leaves its principal out).
    pub last_accessed: LastAccessed,
}

/// Reads `iam`'s account's authorization details and every user's and role's
/// last-accessed data; `place` names the endpoint in messages.
pub async fn fetch_access(
    iam: &Client,
    place: &str,
    opts: &FetchOptions,
) -> anyhow::Result<AccessData> {
    let started = Instant::now();
    let details = authorization_details(iam, place, opts, started).await?;
    let plan = Plan::of(&details);
    let last_accessed = last_accessed(iam, place, opts, started, plan).await?;
    Ok(AccessData {
        details,
        last_accessed,
    })
}

/// Runs `call` until it answers, waiting while IAM says it is busy (throttling), within
/// the fetch's timeout.
async fn patiently<T, E, F, Fut>(
    operation: &str,
    place: &str,
    opts: &FetchOptions,
    started: Instant,
    mut call: F,
) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut jitter = Jitter::default();
    let mut attempt = 0u32;
    loop {
        match call().await {
            Ok(answer) => return Ok(answer),
            Err(e) if is_busy(error_code(&e)) => {
                let delay = opts
                    .backoff
                    .next_delay(attempt, started.elapsed(), opts.timeout, jitter.next_unit())
                    .ok_or_else(|| anyhow!(describe(operation, place, &e)))?;
                tokio::time::sleep(delay).await;
                attempt = attempt.saturating_add(1);
            }
            Err(e) => return Err(anyhow!(describe(operation, place, &e))),
        }
    }
}

fn time(t: &DateTime) -> Time {
    Time::from_unix_millis(t.to_millis().unwrap_or(i64::MIN))
}

fn inline(list: &[sdk::PolicyDetail]) -> Vec<InlinePolicy> {
    list.iter()
        .map(|p| InlinePolicy {
            policy_name: p.policy_name().unwrap_or_default().to_owned(),
            policy_document: document_text(p.policy_document().unwrap_or_default()).into_owned(),
        })
        .collect()
}

fn attached(list: &[sdk::AttachedPolicy]) -> Vec<AttachedPolicy> {
    list.iter()
        .map(|p| AttachedPolicy {
            policy_name: p.policy_name().unwrap_or_default().to_owned(),
            policy_arn: p.policy_arn().unwrap_or_default().to_owned(),
        })
        .collect()
}

fn boundary(b: Option<&sdk::AttachedPermissionsBoundary>) -> Option<PermissionsBoundary> {
    b.map(|b| PermissionsBoundary {
        permissions_boundary_type: b
            .permissions_boundary_type()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
        permissions_boundary_arn: b.permissions_boundary_arn().unwrap_or_default().to_owned(),
    })
}

fn tags(list: &[sdk::Tag]) -> Vec<Tag> {
    list.iter()
        .map(|t| Tag {
            key: t.key().to_owned(),
            value: t.value().to_owned(),
        })
        .collect()
}

/// One page of GetAccountAuthorizationDetails, as the analysis takes it.
fn page(
    out: &aws_sdk_iam::operation::get_account_authorization_details::GetAccountAuthorizationDetailsOutput,
) -> AuthorizationDetails {
    AuthorizationDetails {
        users: out
            .user_detail_list()
            .iter()
            .map(|u| UserDetail {
                path: u.path().unwrap_or_default().to_owned(),
                user_name: u.user_name().unwrap_or_default().to_owned(),
                user_id: u.user_id().unwrap_or_default().to_owned(),
                arn: u.arn().unwrap_or_default().to_owned(),
                create_date: u.create_date().map(time),
                user_policy_list: inline(u.user_policy_list()),
                group_list: u.group_list().to_vec(),
                attached_managed_policies: attached(u.attached_managed_policies()),
                permissions_boundary: boundary(u.permissions_boundary()),
                tags: tags(u.tags()),
            })
            .collect(),
        groups: out
            .group_detail_list()
            .iter()
            .map(|g| GroupDetail {
                path: g.path().unwrap_or_default().to_owned(),
                group_name: g.group_name().unwrap_or_default().to_owned(),
                group_id: g.group_id().unwrap_or_default().to_owned(),
                arn: g.arn().unwrap_or_default().to_owned(),
                create_date: g.create_date().map(time),
                group_policy_list: inline(g.group_policy_list()),
                attached_managed_policies: attached(g.attached_managed_policies()),
            })
            .collect(),
        roles: out
            .role_detail_list()
            .iter()
            .map(|r| RoleDetail {
                path: r.path().unwrap_or_default().to_owned(),
                role_name: r.role_name().unwrap_or_default().to_owned(),
                role_id: r.role_id().unwrap_or_default().to_owned(),
                arn: r.arn().unwrap_or_default().to_owned(),
                create_date: r.create_date().map(time),
                assume_role_policy_document: r
                    .assume_role_policy_document()
                    .map(|d| document_text(d).into_owned()),
                role_policy_list: inline(r.role_policy_list()),
                attached_managed_policies: attached(r.attached_managed_policies()),
                permissions_boundary: boundary(r.permissions_boundary()),
                tags: tags(r.tags()),
                role_last_used: r.role_last_used().map(|u| RoleLastUsed {
                    last_used_date: u.last_used_date().map(time),
                    region: u.region().map(str::to_owned),
                }),
            })
            .collect(),
        policies: out
            .policies()
            .iter()
            .map(|p| ManagedPolicyDetail {
                policy_name: p.policy_name().unwrap_or_default().to_owned(),
                policy_id: p.policy_id().unwrap_or_default().to_owned(),
                arn: p.arn().unwrap_or_default().to_owned(),
                path: p.path().unwrap_or_default().to_owned(),
                default_version_id: p.default_version_id().unwrap_or_default().to_owned(),
                policy_version_list: p
                    .policy_version_list()
                    .iter()
                    .map(|v| PolicyVersion {
                        document: document_text(v.document().unwrap_or_default()).into_owned(),
                        version_id: v.version_id().unwrap_or_default().to_owned(),
                        is_default_version: v.is_default_version(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

async fn authorization_details(
    iam: &Client,
    place: &str,
    opts: &FetchOptions,
    started: Instant,
) -> anyhow::Result<AuthorizationDetails> {
    let mut details = AuthorizationDetails::default();
    let mut marker: Option<String> = None;
    // Bounded: a page moves the marker on; an endpoint that repeats one is stopped.
    for _ in 0..100_000 {
        let out = patiently(
            "GetAccountAuthorizationDetails",
            place,
            opts,
            started,
            || {
                iam.get_account_authorization_details()
                    .max_items(1000)
                    .set_marker(marker.clone())
                    .send()
            },
        )
        .await?;
        details.merge(page(&out));
        match out.marker() {
            Some(next) if out.is_truncated() && Some(next) != marker.as_deref() => {
                marker = Some(next.to_owned());
            }
            _ => return Ok(details),
        }
    }
    Err(anyhow!(
        "GetAccountAuthorizationDetails at {place}: too many pages"
    ))
}

/// Every job of `plan`, at most [`JOBS_AT_ONCE`] at a time: each principal's own, and each
/// group's for its members.
async fn last_accessed(
    iam: &Client,
    place: &str,
    opts: &FetchOptions,
    started: Instant,
    plan: Plan,
) -> anyhow::Result<LastAccessed> {
    enum Done {
        Principal(String, Option<(Time, Vec<ServiceAccess>)>),
        Group(String, Option<GroupAccess>),
    }
    let permits = Arc::new(Semaphore::new(JOBS_AT_ONCE));
    let mut tasks = JoinSet::new();
    for (arn, group) in plan
        .principals
        .into_iter()
        .map(|a| (a, false))
        .chain(plan.groups.into_iter().map(|a| (a, true)))
    {
        let (iam, place, opts, permits) =
            (iam.clone(), place.to_owned(), *opts, Arc::clone(&permits));
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            let job = Job {
                iam: &iam,
                place: &place,
                opts: &opts,
                started,
                arn: &arn,
            };
            Ok::<_, anyhow::Error>(if group {
                let access = job.group().await?;
                Done::Group(arn, access)
            } else {
                let access = job.principal().await?;
                Done::Principal(arn, access)
            })
        });
    }
    let mut data = LastAccessed::default();
    let mut groups = HashMap::new();
    while let Some(joined) = tasks.join_next().await {
        match joined.map_err(|e| anyhow!("internal error: {e}"))?? {
            Done::Principal(arn, Some((computed, list))) => {
                let access = PrincipalAccess::from_list(Some(computed), list, &mut data);
                data.insert(arn, access);
            }
            Done::Group(arn, Some(access)) => {
                groups.insert(arn, access);
            }
            Done::Principal(_, None) | Done::Group(_, None) => {}
        }
    }
    for (user, of) in &plan.covered {
        if let Some(access) = member_access(user, of, &groups, &mut data) {
            data.insert(user.clone(), access);
        }
    }
    for user in plan.empty {
        data.insert(user, PrincipalAccess::default());
    }
    Ok(data)
}

/// One last-accessed job: about `arn`, at `place`.
struct Job<'a> {
    iam: &'a Client,
    place: &'a str,
    opts: &'a FetchOptions,
    started: Instant,
    arn: &'a str,
}

/// The most items a page of the last-accessed answers may hold (IAM's limit).
const PAGE: i32 = 1000;

impl Job<'_> {
    /// Starts the job; answers its id.
    async fn start(&self) -> anyhow::Result<String> {
        let job = patiently(
            "GenerateServiceLastAccessedDetails",
            self.place,
            self.opts,
            self.started,
            || {
                self.iam
                    .generate_service_last_accessed_details()
                    .arn(self.arn)
                    .send()
            },
        )
        .await?;
        Ok(job.job_id().unwrap_or_default().to_owned())
    }

    /// The job's answer, page by page, once it is complete; `None` when IAM says it
    /// failed.
    async fn services(
        &self,
        job_id: &str,
    ) -> anyhow::Result<Option<(Time, Vec<sdk::ServiceLastAccessed>)>> {
        let mut jitter = Jitter::default();
        let mut attempt = 0u32;
        let mut services = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let out = patiently(
                "GetServiceLastAccessedDetails",
                self.place,
                self.opts,
                self.started,
                || {
                    self.iam
                        .get_service_last_accessed_details()
                        .job_id(job_id)
                        .max_items(PAGE)
                        .set_marker(marker.clone())
                        .send()
                },
            )
            .await?;
            match out.job_status() {
                JobStatusType::Completed => {}
                JobStatusType::Failed => return Ok(None),
                _ => {
                    let delay = self
                        .opts
                        .backoff
                        .next_delay(attempt, self.started.elapsed(), self.opts.timeout, jitter.next_unit())
                        .ok_or_else(|| {
                            anyhow!(
                                "GetServiceLastAccessedDetails at {}: the job for {} did not complete in time",
                                self.place,
                                self.arn
                            )
                        })?;
                    tokio::time::sleep(delay).await;
                    attempt = attempt.saturating_add(1);
                    continue;
                }
            }
            services.extend_from_slice(out.services_last_accessed());
            match out.marker() {
                Some(next) if out.is_truncated() && Some(next) != marker.as_deref() => {
                    marker = Some(next.to_owned());
                }
                _ => return Ok(Some((time(out.job_completion_date()), services))),
            }
        }
    }

    /// A user's or role's own job: when it was computed, and its services. `None` when IAM
    /// says the job failed (the principal is then left out: no finding rests on it).
    async fn principal(&self) -> anyhow::Result<Option<(Time, Vec<ServiceAccess>)>> {
        let job_id = self.start().await?;
        let Some((computed, services)) = self.services(&job_id).await? else {
            return Ok(None);
        };
        Ok(Some((
            computed,
            services.iter().map(service_access).collect(),
        )))
    }

    /// A group's job, with each used service's members
    /// (GetServiceLastAccessedDetailsWithEntities). `None` when IAM says it failed.
    async fn group(&self) -> anyhow::Result<Option<GroupAccess>> {
        let job_id = self.start().await?;
        let Some((computed, services)) = self.services(&job_id).await? else {
            return Ok(None);
        };
        let mut access = GroupAccess {
            computed: Some(computed),
            services: Vec::with_capacity(services.len()),
        };
        for s in &services {
            let used = s.total_authenticated_entities().unwrap_or(0) > 0
                || s.last_authenticated().is_some();
            let members = if used {
                self.members(&job_id, s.service_namespace()).await?
            } else {
                HashMap::new()
            };
            access.services.push(GroupService {
                service: service_access(s),
                last_entity: s.last_authenticated_entity().map(str::to_owned),
                members,
            });
        }
        Ok(Some(access))
    }

    /// Each member's last use of `namespace` that the group granted.
    async fn members(
        &self,
        job_id: &str,
        namespace: &str,
    ) -> anyhow::Result<HashMap<String, Time>> {
        let mut members = HashMap::new();
        let mut marker: Option<String> = None;
        // Bounded: a page moves the marker on; an endpoint that repeats one is stopped.
        for _ in 0..100_000 {
            let out = patiently(
                "GetServiceLastAccessedDetailsWithEntities",
                self.place,
                self.opts,
                self.started,
                || {
                    self.iam
                        .get_service_last_accessed_details_with_entities()
                        .job_id(job_id)
                        .service_namespace(namespace)
                        .max_items(PAGE)
                        .set_marker(marker.clone())
                        .send()
                },
            )
            .await?;
            for e in out.entity_details_list() {
                if let (Some(info), Some(at)) = (e.entity_info(), e.last_authenticated()) {
                    members.insert(info.arn().to_owned(), time(at));
                }
            }
            match out.marker() {
                Some(next) if out.is_truncated() && Some(next) != marker.as_deref() => {
                    marker = Some(next.to_owned());
                }
                _ => return Ok(members),
            }
        }
        Err(anyhow!(
            "GetServiceLastAccessedDetailsWithEntities at {}: too many pages",
            self.place
        ))
    }
}

fn service_access(s: &sdk::ServiceLastAccessed) -> ServiceAccess {
    ServiceAccess {
        service: Service::new(s.service_namespace(), s.service_name()),
        last: s.last_authenticated().map(|at| LastUse {
            at: time(at),
            region: s.last_authenticated_region().map(str::to_owned),
        }),
    }
}
