//! What an identity's requests are authorized with: its identity-based policies (a user's
//! own and its groups' inline and attached policies; a role's), its permissions boundary,
//! and its tags, each policy parsed once and kept ([`ParsedPolicies`]), so that a request
//! costs store reads of names and versions, never a parse.
//!
//! Parsed documents are kept by what makes them immutable: an AWS managed policy by its
//! ARN (the catalog never changes while running), a customer managed policy by its id and
//! version number (a version's document never changes; a new default is a new key), an
//! inline policy by its text.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use credreport_policy::{
    decide, Decision, Policy, PolicyKind, PolicySet, Request, SourceType, Sourced,
};

use crate::aws_policies::aws_policy;
use crate::error::Result;
use crate::ids::AccountId;
use crate::last_accessed::Grants;
use crate::model::{Entity, EntityKind, Tag, TagTarget};
use crate::policy::parse_policy;
use crate::service::Iam;
use crate::store::Tx;

/// Parsed documents kept at most (a bounded cache: when full it starts again).
const KEPT: usize = 4096;

/// One policy an identity holds, parsed, with where it comes from.
#[derive(Clone, Debug)]
pub struct HeldPolicy {
    /// The name SimulatePrincipalPolicy reports it by: an inline policy's name, a managed
    /// policy's ARN.
    pub id: String,
    /// Its kind of source.
    pub source: SourceType,
    /// The document.
    pub policy: Arc<Policy>,
    /// The group (by id) through which a user holds it; `None`: held directly.
    pub group: Option<String>,
}

impl HeldPolicy {
    /// As the evaluator takes it.
    pub fn sourced(&self) -> Sourced<'_> {
        Sourced {
            id: &self.id,
            source_type: self.source,
            policy: &self.policy,
        }
    }
}

/// Everything an identity's requests are authorized with.
#[derive(Clone, Debug, Default)]
pub struct Holdings {
    /// Its identity-based policies (a user's groups' too), in a stable order: its own
    /// inline policies by name, its attached ones by ARN, then each group's likewise.
    pub identity: Vec<HeldPolicy>,
    /// Its permissions boundary, if it has one (a boundary naming a policy that no longer
    /// exists allows nothing: kept as an empty document).
    pub boundary: Option<(String, HeldPolicy)>,
    /// Its tags (`aws:PrincipalTag/…`).
    pub tags: Vec<Tag>,
}

impl Holdings {
    /// The groups (by id) and managed policies (by ARN) whose policies allow `req` on
    /// their own: what last-accessed data records beside the caller.
    pub fn grants(&self, req: &Request<'_>) -> Grants {
        let mut grants = Grants::default();
        for held in &self.identity {
            let one = [held.sourced()];
            let alone = PolicySet {
                identity: &one,
                ..PolicySet::default()
            };
            if decide(req, &alone) != Decision::Allow {
                continue;
            }
            if let Some(group) = &held.group {
                if !grants.groups.contains(group) {
                    grants.groups.push(group.clone());
                }
            }
            let managed = matches!(
                held.source,
                SourceType::AwsManaged | SourceType::UserManaged
            );
            if managed && !grants.policies.contains(&held.id) {
                grants.policies.push(held.id.clone());
            }
        }
        grants
    }

    /// The identity-based policies as the evaluator takes them.
    pub fn identity_sourced(&self) -> Vec<Sourced<'_>> {
        self.identity.iter().map(HeldPolicy::sourced).collect()
    }

    /// The boundary as the evaluator takes it.
    pub fn boundary_sourced(&self) -> Option<Sourced<'_>> {
        self.boundary.as_ref().map(|(_, p)| p.sourced())
    }

    /// Whether any of its policies uses a context key starting with `prefix` (compared
    /// ignoring case), so a caller reads what the key needs only when it matters.
    pub fn uses_key(&self, prefix: &str) -> bool {
        self.identity
            .iter()
            .chain(self.boundary.iter().map(|(_, p)| p))
            .any(|p| uses_key(&p.policy, prefix))
    }
}

/// Whether `policy` uses a context key starting with `prefix` (ignoring case).
pub fn uses_key(policy: &Policy, prefix: &str) -> bool {
    policy.context_keys().iter().any(|k| {
        k.len() >= prefix.len()
            && k.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
    })
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Key {
    Aws(String),
    Customer(String, u32),
    Inline(String),
}

/// The parsed documents kept between requests.
#[derive(Debug, Default)]
pub(crate) struct ParsedPolicies {
    kept: Mutex<HashMap<Key, Arc<Policy>>>,
}

impl ParsedPolicies {
    fn get(&self, key: &Key) -> Option<Arc<Policy>> {
        self.kept.lock().ok()?.get(key).cloned()
    }

    fn put(&self, key: Key, policy: Arc<Policy>) {
        if let Ok(mut kept) = self.kept.lock() {
            if kept.len() >= KEPT {
                kept.clear();
            }
            kept.insert(key, policy);
        }
    }

    /// The document `text` parsed, kept under `key`. A stored document was validated when
    /// it was put; one that no longer parses (a rule made stricter since) grants nothing.
    fn parsed(
        &self,
        key: Key,
        text: impl FnOnce() -> Result<Option<String>>,
    ) -> Result<Arc<Policy>> {
        if let Some(p) = self.get(&key) {
            return Ok(p);
        }
        let policy = match text()? {
            Some(text) => parse_policy(&text).unwrap_or_else(|_| empty()),
            None => empty(),
        };
        let policy = Arc::new(policy);
        self.put(key, Arc::clone(&policy));
        Ok(policy)
    }
}

/// A document that allows nothing.
fn empty() -> Policy {
    Policy::empty(PolicyKind::Identity)
}

impl Iam {
    /// Everything `entity` (a user or a role) is authorized with. A user's groups' policies
    /// are its own too.
    pub fn holdings(&self, account: &AccountId, entity: &Entity) -> Result<Holdings> {
        let parsed = self.parsed_policies();
        self.read(|tx| {
            let mut holdings = Holdings::default();
            let mut entities = vec![(entity.clone(), own_source(entity.kind))];
            if entity.kind == EntityKind::User {
                entities.extend(
                    tx.groups_of_user(account, &entity.id)?
                        .iter()
                        .map(|g| (Entity::group(&g.id), SourceType::Group)),
                );
            }
            for (holder, source) in &entities {
                for inline in tx.inline_policies(account, holder)? {
                    let text = inline.document;
                    let policy = parsed.parsed(Key::Inline(text.clone()), || Ok(Some(text)))?;
                    holdings.identity.push(HeldPolicy {
                        group: via_group(entity, holder),
                        id: inline.name,
                        source: *source,
                        policy,
                    });
                }
                for arn in tx.attached_policies(account, holder)? {
                    // An attachment whose policy is gone grants nothing.
                    holdings
                        .identity
                        .extend(managed(tx, parsed, account, &arn)?.map(|held| HeldPolicy {
                            group: via_group(entity, holder),
                            ..held
                        }));
                }
            }
            if let Some(arn) = tx.permissions_boundary(account, entity)? {
                // A boundary whose policy is gone allows nothing.
                let held = managed(tx, parsed, account, &arn)?.unwrap_or_else(|| HeldPolicy {
                    group: None,
                    id: arn.clone(),
                    source: SourceType::UserManaged,
                    policy: Arc::new(empty()),
                });
                holdings.boundary = Some((arn, held));
            }
            let target = match entity.kind {
                EntityKind::User => Some(TagTarget::User(entity.id.clone())),
                EntityKind::Role => Some(TagTarget::Role(entity.id.clone())),
                EntityKind::Group => None,
            };
            if let Some(target) = target {
                holdings.tags = tx.tags(account, &target)?;
            }
            Ok(holdings)
        })
    }
}

impl Iam {
    /// An inline session policy (AssumeRole's `Policy`), parsed (kept by its text).
    pub(crate) fn session_policy(&self, text: &str) -> Result<HeldPolicy> {
        let owned = text.to_owned();
        let policy = self
            .parsed_policies()
            .parsed(Key::Inline(owned.clone()), || Ok(Some(owned)))?;
        Ok(HeldPolicy {
            group: None,
            id: "SessionPolicy".into(),
            source: SourceType::None,
            policy,
        })
    }

    /// A managed policy used as a session policy (AssumeRole's `PolicyArns`); one that is
    /// gone allows nothing.
    pub(crate) fn managed_session_policy(
        &self,
        account: &AccountId,
        arn: &str,
    ) -> Result<HeldPolicy> {
        let parsed = self.parsed_policies();
        let held = self.read(|tx| managed(tx, parsed, account, arn))?;
        Ok(held.unwrap_or_else(|| HeldPolicy {
            group: None,
            id: arn.to_owned(),
            source: SourceType::UserManaged,
            policy: Arc::new(empty()),
        }))
    }
}

/// The group through which `entity` holds what `holder` holds (`None`: its own).
fn via_group(entity: &Entity, holder: &Entity) -> Option<String> {
    (holder != entity && holder.kind == EntityKind::Group).then(|| holder.id.clone())
}

fn own_source(kind: EntityKind) -> SourceType {
    match kind {
        EntityKind::User => SourceType::User,
        EntityKind::Group => SourceType::Group,
        EntityKind::Role => SourceType::Role,
    }
}

/// A managed policy by ARN, parsed: its default version's document; `None` when no such
/// policy exists.
fn managed(
    tx: &mut dyn Tx,
    parsed: &ParsedPolicies,
    account: &AccountId,
    arn: &str,
) -> Result<Option<HeldPolicy>> {
    if let Some(aws) = aws_policy(arn) {
        let policy = parsed.parsed(Key::Aws(arn.to_owned()), || Ok(Some(aws.document.clone())))?;
        return Ok(Some(HeldPolicy {
            group: None,
            id: arn.to_owned(),
            source: SourceType::AwsManaged,
            policy,
        }));
    }
    let Some(p) = crate::managed::local_policy(tx, account, arn)? else {
        return Ok(None);
    };
    let (id, version) = (p.id.clone(), p.default_version);
    let policy = parsed.parsed(Key::Customer(id.clone(), version), || {
        Ok(tx
            .policy_versions(&id)?
            .into_iter()
            .find(|v| v.version == version)
            .map(|v| v.document))
    })?;
    Ok(Some(HeldPolicy {
        group: None,
        id: arn.to_owned(),
        source: SourceType::UserManaged,
        policy,
    }))
}
