//! Last-accessed data (IAM's "service last accessed" data, the console's Access Advisor):
//! when each user and role, and each group and managed policy through which a request was
//! granted, last used each service namespace (and, for IAM and STS, each action), in which
//! region.
//!
//! `record.rs` records it on the request path in IAM's usage windows (a busy principal costs
//! no store write per request), and RoleLastUsed with it; `services.rs` works out the
//! services an entity's policies allow (the catalog's namespaces, wildcards included);
//! `jobs.rs` is GenerateServiceLastAccessedDetails and its Get actions: a job's answer is
//! computed when it starts, stored, and read back page by page.

mod jobs;
mod record;
mod services;

use crate::model::{Entity, EntityKind};
use credreport_report::Timestamp;

pub use jobs::{AccessJob, EntityUse, Granularity, JobEntity, ServiceUse, TrackedAction, UseFacts};
pub use record::{Grants, Used};
pub use services::{allowed_actions, allowed_namespaces, TRACKED_NAMESPACES};

/// What last-accessed data is kept for: a user, group or role, or a managed policy (by ARN,
/// AWS managed or customer managed).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A user, group or role.
    Entity(Entity),
    /// A managed policy, by ARN.
    Policy(String),
}

impl Subject {
    /// The form stored: `user`, `group`, `role` or `policy`.
    pub fn kind_key(&self) -> &'static str {
        match self {
            Subject::Entity(e) => e.kind.as_key(),
            Subject::Policy(_) => "policy",
        }
    }

    /// Its id (a policy's ARN).
    pub fn id(&self) -> &str {
        match self {
            Subject::Entity(e) => &e.id,
            Subject::Policy(arn) => arn,
        }
    }
}

/// One recorded use: `entity` (the user or role whose request it was) used `namespace`
/// (and `action`, empty for the service as a whole) last at `at`, in `region`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessUse {
    /// The user or role.
    pub entity: Entity,
    /// The service namespace (`iam`, `s3`).
    pub namespace: String,
    /// The action's name (`ListUsers`), or empty: the service.
    pub action: String,
    /// When (whole minutes).
    pub at: Timestamp,
    /// The region the request was made in.
    pub region: String,
}

impl AccessUse {
    /// Whether it is a service's row (not one action's).
    pub fn is_service(&self) -> bool {
        self.action.is_empty()
    }
}

/// Whether `kind` is a kind that makes requests (a user or a role; a group does not).
pub(crate) fn is_principal(kind: EntityKind) -> bool {
    matches!(kind, EntityKind::User | EntityKind::Role)
}

impl crate::service::Iam {
    /// The uses recorded for each of `entities` (users and roles of `account`), read on one
    /// snapshot: an account's last-accessed data at once, where a job reads one entity's.
    pub fn principal_uses(
        &self,
        account: &crate::ids::AccountId,
        entities: &[Entity],
    ) -> crate::error::Result<Vec<Vec<AccessUse>>> {
        self.read(|tx| {
            entities
                .iter()
                .map(|e| tx.accesses(account, &Subject::Entity(e.clone())))
                .collect()
        })
    }
}
