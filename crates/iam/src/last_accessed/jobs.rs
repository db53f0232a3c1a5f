//! GenerateServiceLastAccessedDetails and its two Get actions. A job is computed when it
//! starts (its answer is the state at job time: the services the entity's policies allow
//! then, and the uses recorded then), stored as JSON, and read back by any instance on the
//! same store, page by page. It is complete from the start (`COMPLETED`): clients that
//! wait while `IN_PROGRESS` stop at once. Jobs are kept for 30 days.

use std::collections::{BTreeMap, BTreeSet};

use credreport_policy::catalog::Catalog;
use credreport_report::Timestamp;
use serde::{Deserialize, Serialize};

use super::services::{allowed_actions, allowed_namespaces};
use super::{AccessUse, Subject, TRACKED_NAMESPACES};
use crate::arn::{Arn, IamKind};
use crate::aws_policies::aws_policy;
use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::model::{Entity, EntityKind};
use crate::service::Iam;
use crate::store::{StoredJob, Tx};

/// How long a job's answer is kept, in seconds.
const KEPT_SECS: i64 = 30 * 24 * 3600;

/// `Granularity`: services only, or services and their tracked actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Granularity {
    /// `SERVICE_LEVEL`
    #[serde(rename = "SERVICE_LEVEL")]
    Service,
    /// `ACTION_LEVEL`
    #[serde(rename = "ACTION_LEVEL")]
    Action,
}

impl Granularity {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Granularity::Service => "SERVICE_LEVEL",
            Granularity::Action => "ACTION_LEVEL",
        }
    }

    /// The inverse of [`Granularity::as_str`].
    pub fn from_name(name: &str) -> Option<Granularity> {
        match name {
            "SERVICE_LEVEL" => Some(Granularity::Service),
            "ACTION_LEVEL" => Some(Granularity::Action),
            _ => None,
        }
    }
}

/// The last use of a service or action: when, by whom (a user's or role's ARN), where.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UseFacts {
    /// When (seconds since the epoch).
    pub at: i64,
    /// The user or role.
    pub entity: String,
    /// The region.
    pub region: String,
}

impl UseFacts {
    /// When, as a time.
    pub fn time(&self) -> Timestamp {
        Timestamp::from_unix(self.at).unwrap_or(Timestamp::MIN)
    }
}

/// A tracked action allowed, and its last use.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedAction {
    /// The action's name (`ListUsers`).
    pub name: String,
    /// Its last use, if any.
    pub last: Option<UseFacts>,
}

/// One entity's last use of a service (GetServiceLastAccessedDetailsWithEntities).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityUse {
    /// The entity, an index into [`AccessJob::entities`].
    pub entity: usize,
    /// When it last used the service.
    pub at: i64,
}

/// A service the entity's policies allow, and its use. Stored as little as it can be (a
/// job lists hundreds of services, most of them never used): the name comes from the
/// catalog when the job is read, and empty fields are left out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceUse {
    /// Its namespace (`s3`).
    pub namespace: String,
    /// Its name (`Amazon S3`).
    #[serde(default, skip_serializing)]
    pub name: String,
    /// Its last use, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<UseFacts>,
    /// How many users and roles used it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub total: u32,
    /// Its tracked actions (ACTION_LEVEL jobs, tracked namespaces only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<TrackedAction>>,
    /// The entities that used it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<EntityUse>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A user or role a job names (EntityInfo).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobEntity {
    /// `USER` or `ROLE`.
    pub kind: String,
    /// Its unique id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its path.
    pub path: String,
    /// Its ARN.
    pub arn: String,
}

/// A job and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessJob {
    /// The job's id.
    #[serde(skip)]
    pub job_id: String,
    /// When it was created (and completed).
    #[serde(skip, default = "epoch")]
    pub created: Timestamp,
    /// Who started it (only the same caller reads it, as in IAM).
    pub owner: String,
    /// The ARN it was started for.
    pub arn: String,
    /// Its granularity.
    pub granularity: Granularity,
    /// The services allowed, by namespace.
    pub services: Vec<ServiceUse>,
    /// The users and roles that could have used the entity's permissions (a group's
    /// members, a policy's users and roles, the user or role itself).
    pub entities: Vec<JobEntity>,
}

fn epoch() -> Timestamp {
    Timestamp::MIN
}

/// A job id: 36 characters, as IAM's (a random UUID's form).
fn new_job_id() -> Result<String> {
    let bytes = crate::secret::random_bytes(16)
        .map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    let hex = hex::encode(bytes);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

/// What a job is asked about, resolved.
struct Target {
    subject: Subject,
    /// The users and roles that could have used it.
    candidates: Vec<Entity>,
}

fn invalid_arn(arn: &str) -> Error {
    Error::InvalidInput(format!("ARN {arn} is not valid."))
}

fn no_entity(arn: &str) -> Error {
    Error::NoSuchEntity(format!("The entity {arn} cannot be found."))
}

impl Iam {
    /// GenerateServiceLastAccessedDetails: starts (and completes) a job about `arn` (a
    /// user, group, role or managed policy) for `owner`; answers its id.
    pub fn generate_last_accessed(
        &self,
        account: &AccountId,
        owner: &str,
        arn: &str,
        granularity: Granularity,
    ) -> Result<String> {
        let job = self.last_accessed_now(account, owner, arn, granularity)?;
        let result = serde_json::to_string(&job).map_err(|e| Error::internal(e.to_string()))?;
        let stored = StoredJob {
            job_id: job.job_id.clone(),
            account: account.clone(),
            created: job.created,
            result,
        };
        let forget = job
            .created
            .checked_add_secs(-KEPT_SECS)
            .unwrap_or(Timestamp::MIN);
        self.write(account, |tx| tx.put_access_job(&stored, forget))?;
        Ok(job.job_id)
    }

    /// The last-accessed data of `arn` now, as a job about it would answer (the console's
    /// Access Advisor): nothing is stored.
    pub fn last_accessed_now(
        &self,
        account: &AccountId,
        owner: &str,
        arn: &str,
        granularity: Granularity,
    ) -> Result<AccessJob> {
        let parsed = Arn::parse(arn).map_err(|_| invalid_arn(arn))?;
        let Some((kind, _, _)) = parsed.iam_resource() else {
            return Err(invalid_arn(arn));
        };
        let aws_managed = kind == IamKind::Policy && parsed.account() == "aws";
        if !aws_managed && parsed.account() != account.as_str() {
            return Err(no_entity(arn));
        }
        let now = self.now();
        let target = self.read(|tx| target(tx, account, &parsed, kind))?;
        let policies: Vec<_> = match &target.subject {
            Subject::Entity(e) => self.holdings(account, e)?.identity,
            Subject::Policy(p) => vec![self.managed_session_policy(account, p)?],
        };
        let allowed = allowed_actions(policies.iter().map(|h| h.policy.as_ref()));
        let (uses, entities) = self.read(|tx| {
            let uses = tx.accesses(account, &target.subject)?;
            let mut wanted: BTreeSet<Entity> = target.candidates.iter().cloned().collect();
            wanted.extend(uses.iter().map(|u| u.entity.clone()));
            let mut entities = BTreeMap::new();
            for e in wanted {
                if let Some(info) = job_entity(tx, account, &e)? {
                    entities.insert(e, info);
                }
            }
            Ok((uses, entities))
        })?;
        let mut job = AccessJob {
            job_id: new_job_id()?,
            created: now,
            owner: owner.to_owned(),
            arn: arn.to_owned(),
            granularity,
            services: Vec::new(),
            entities: Vec::new(),
        };
        let index: BTreeMap<&Entity, usize> =
            entities.keys().enumerate().map(|(i, e)| (e, i)).collect();
        job.entities = entities.values().cloned().collect();
        // Uses of entities that are gone are not reported.
        let uses: Vec<&AccessUse> = uses
            .iter()
            .filter(|u| index.contains_key(&u.entity))
            .collect();
        let catalog = Catalog::get();
        for ns in allowed_namespaces(&allowed) {
            let rows: Vec<&&AccessUse> = uses
                .iter()
                .filter(|u| u.namespace == ns && u.is_service())
                .collect();
            let facts = |u: &AccessUse| UseFacts {
                at: u.at.unix(),
                entity: job.entities[index[&u.entity]].arn.clone(),
                region: u.region.clone(),
            };
            let last = rows.iter().max_by_key(|u| u.at).map(|u| facts(u));
            let mut per_entity: BTreeMap<usize, i64> = BTreeMap::new();
            for u in &rows {
                let at = per_entity.entry(index[&u.entity]).or_insert(i64::MIN);
                *at = (*at).max(u.at.unix());
            }
            let actions = (granularity == Granularity::Action && TRACKED_NAMESPACES.contains(&ns))
                .then(|| {
                    catalog
                        .service(ns)
                        .map(|s| {
                            s.actions()
                                .filter(|id| allowed.contains(*id))
                                .map(|id| {
                                    let name = catalog.action(id).name();
                                    let last = uses
                                        .iter()
                                        .filter(|u| {
                                            u.namespace == ns && u.action.eq_ignore_ascii_case(name)
                                        })
                                        .max_by_key(|u| u.at)
                                        .map(|u| facts(u));
                                    TrackedAction {
                                        name: name.to_owned(),
                                        last,
                                    }
                                })
                                .collect()
                        })
                        .unwrap_or_default()
                });
            job.services.push(ServiceUse {
                namespace: ns.to_owned(),
                name: catalog.service_name(ns).unwrap_or(ns).to_owned(),
                last,
                total: u32::try_from(per_entity.len()).unwrap_or(u32::MAX),
                actions,
                uses: per_entity
                    .into_iter()
                    .map(|(entity, at)| EntityUse { entity, at })
                    .collect(),
            });
        }
        Ok(job)
    }

    /// A job of the account started by `owner` (GetServiceLastAccessedDetails and
    /// GetServiceLastAccessedDetailsWithEntities): NoSuchEntity for an unknown one.
    pub fn last_accessed_job(
        &self,
        account: &AccountId,
        owner: &str,
        job_id: &str,
    ) -> Result<AccessJob> {
        let missing = || Error::NoSuchEntity(format!("Job with ID {job_id} not found."));
        let Some(stored) = self.read(|tx| tx.access_job(account, job_id))? else {
            return Err(missing());
        };
        let mut job: AccessJob = serde_json::from_str(&stored.result).map_err(|e| {
            Error::internal(format!(
                "a stored value does not decode: table last_accessed_jobs, row job_id={:?}, column result: {e}",
                stored.job_id
            ))
        })?;
        if job.owner != owner {
            return Err(missing());
        }
        name_services(&mut job);
        job.job_id = stored.job_id;
        job.created = stored.created;
        Ok(job)
    }
}

/// Gives the services of a job read back their names (the stored answer leaves them out;
/// a job stored before it did keeps its own).
fn name_services(job: &mut AccessJob) {
    let catalog = Catalog::get();
    for service in &mut job.services {
        if service.name.is_empty() {
            service.name = catalog
                .service_name(&service.namespace)
                .unwrap_or(&service.namespace)
                .to_owned();
        }
    }
}

/// The subject `arn` names, and the users and roles that could have used it.
fn target(tx: &mut dyn Tx, account: &AccountId, arn: &Arn, kind: IamKind) -> Result<Target> {
    let Some((_, _, name)) = arn.iam_resource() else {
        return Err(invalid_arn(arn.as_str()));
    };
    let missing = || no_entity(arn.as_str());
    Ok(match kind {
        IamKind::User => {
            let u = tx.user_by_name(account, name)?.ok_or_else(missing)?;
            let e = Entity::user(&u.id);
            Target {
                subject: Subject::Entity(e.clone()),
                candidates: vec![e],
            }
        }
        IamKind::Role => {
            let r = tx.role_by_name(account, name)?.ok_or_else(missing)?;
            let e = Entity::role(&r.id);
            Target {
                subject: Subject::Entity(e.clone()),
                candidates: vec![e],
            }
        }
        IamKind::Group => {
            let g = tx.group_by_name(account, name)?.ok_or_else(missing)?;
            let candidates = tx
                .group_members(account, &g.id)?
                .iter()
                .map(|u| Entity::user(&u.id))
                .collect();
            Target {
                subject: Subject::Entity(Entity::group(&g.id)),
                candidates,
            }
        }
        IamKind::Policy => {
            let exists = aws_policy(arn.as_str()).is_some()
                || crate::managed::local_policy(tx, account, arn.as_str())?.is_some();
            if !exists {
                return Err(missing());
            }
            let mut candidates = Vec::new();
            for e in tx.policy_attachments(account, arn.as_str())? {
                match e.kind {
                    EntityKind::Group => candidates.extend(
                        tx.group_members(account, &e.id)?
                            .iter()
                            .map(|u| Entity::user(&u.id)),
                    ),
                    _ => candidates.push(e),
                }
            }
            Target {
                subject: Subject::Policy(arn.as_str().to_owned()),
                candidates,
            }
        }
        _ => return Err(invalid_arn(arn.as_str())),
    })
}

/// A user or role as a job names it; `None` when it is gone.
fn job_entity(tx: &mut dyn Tx, account: &AccountId, e: &Entity) -> Result<Option<JobEntity>> {
    Ok(match e.kind {
        EntityKind::User => tx.user_by_id(account, &e.id)?.map(|u| JobEntity {
            kind: "USER".into(),
            arn: u.arn(),
            id: u.id,
            name: u.name,
            path: u.path,
        }),
        EntityKind::Role => tx.role_by_id(account, &e.id)?.map(|r| JobEntity {
            kind: "ROLE".into(),
            arn: r.arn(),
            id: r.id,
            name: r.name,
            path: r.path,
        }),
        EntityKind::Group => None,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use super::*;

    fn job(services: Vec<ServiceUse>) -> AccessJob {
        AccessJob {
            job_id: String::new(),
            created: epoch(),
            owner: "arn:aws:iam::111122223333:root".to_owned(),
            arn: "arn:aws:iam::111122223333:user/ann".to_owned(),
            granularity: Granularity::Service,
            services,
            entities: Vec::new(),
        }
    }

    fn service(namespace: &str, name: &str, last: Option<UseFacts>) -> ServiceUse {
        ServiceUse {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            total: u32::from(last.is_some()),
            uses: last
                .iter()
                .map(|l| EntityUse {
                    entity: 0,
                    at: l.at,
                })
                .collect(),
            last,
            actions: None,
        }
    }

    #[test]
    fn a_stored_job_leaves_out_names_and_empty_fields_and_reads_back_whole() {
        let used = UseFacts {
            at: 1_700_000_000,
            entity: "arn:aws:iam::111122223333:user/ann".to_owned(),
            region: "eu-west-1".to_owned(),
        };
        let written = job(vec![
            service("s3", "Amazon S3", None),
            service(
                "iam",
                "AWS Identity and Access Management (IAM)",
                Some(used),
            ),
        ]);
        let text = serde_json::to_string(&written).unwrap();
        assert!(text.contains(r#"{"namespace":"s3"}"#), "{text}");
        assert!(!text.contains("Amazon S3"), "{text}");
        let mut read: AccessJob = serde_json::from_str(&text).unwrap();
        name_services(&mut read);
        assert_eq!(
            read.services[0].name,
            Catalog::get().service_name("s3").unwrap()
        );
        assert_eq!(read.services[1].last, written.services[1].last);
        assert_eq!(read.services[1].total, 1);
    }

    #[test]
    fn a_job_stored_whole_before_still_reads() {
        let old = r#"{"owner":"o","arn":"a","granularity":"SERVICE_LEVEL","services":[{"namespace":"s3","name":"Old Name","last":null,"total":0,"actions":null,"uses":[]}],"entities":[]}"#;
        let mut read: AccessJob = serde_json::from_str(old).unwrap();
        name_services(&mut read);
        assert_eq!(read.services[0].name, "Old Name");
        assert_eq!(read.services[0].total, 0);
    }
}
