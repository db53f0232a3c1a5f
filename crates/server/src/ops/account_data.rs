//! The account's authorization details and last-accessed data in the auditor's terms
//! ([`credreport_privilege::AuthorizationDetails`], [`LastAccessed`]), read from the
//! store as GetAccountAuthorizationDetails and GenerateServiceLastAccessedDetails answer
//! them and authorized as those actions are. The one conversion from the domain's types:
//! what `credreport audit` would read from this endpoint in fetch mode, the console's
//! pages read here without the round trip.

use std::collections::HashMap;

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use credreport_iam::last_accessed::{allowed_actions, allowed_namespaces, AccessUse};
use credreport_iam::model::{Entity, InlinePolicy, Tag};
use credreport_iam::{AuthorizationDetails, DetailsFilter};
use credreport_policy::catalog::{ActionSet, Catalog};
use credreport_policy::{Policy, PolicyKind};
use credreport_privilege as privilege;
use credreport_privilege::{LastAccessed, LastUse, PrincipalAccess, Service, Time};
use credreport_report::Timestamp;

use super::{Action, OpResult, Ops, Resource};

impl Ops<'_> {
    /// GetAccountAuthorizationDetails (every kind, every page), as the privilege analysis
    /// reads it.
    pub fn privilege_details(&self) -> OpResult<privilege::AuthorizationDetails> {
        Ok(convert(self.authorization_details(DetailsFilter::all())?))
    }

    /// The last-accessed data of every user and role of `details` now, as a
    /// GenerateServiceLastAccessedDetails job (`SERVICE_LEVEL`) about each would answer
    /// (the services its identity-based policies allow, its own and its groups', each with
    /// its last use), each authorized as that action on the principal: all of them or,
    /// when one is refused, the refusal (an audit of part of the account's unused
    /// permissions would pass the others over in silence). Read at once: the uses on one
    /// snapshot, the services worked out once per distinct set of policies (from `details`,
    /// as a job works them out from the store). The data is that of the moment, so no
    /// completion time is given.
    pub fn principals_last_accessed(
        &self,
        details: &privilege::AuthorizationDetails,
    ) -> OpResult<LastAccessed> {
        let principals = principals(details);
        for p in &principals {
            self.authorize(
                Action::GenerateServiceLastAccessedDetails,
                &Resource::given(&p.arn),
            )?;
        }
        let entities: Vec<Entity> = principals.iter().map(|p| p.entity.clone()).collect();
        let uses = self.iam.principal_uses(self.account(), &entities)?;
        let catalog = Catalog::get();
        let mut by_doc: HashMap<Doc<'_>, Arc<ActionSet>> = HashMap::new();
        // Per distinct set of documents: the services, shared by its principals, and
        // each one's place in the list.
        type Allowed = (Arc<[Service]>, HashMap<&'static str, usize>);
        let mut allowed: HashMap<&[Doc<'_>], Allowed> = HashMap::new();
        let mut out = LastAccessed::default();
        for (p, uses) in principals.iter().zip(uses) {
            let (services, places) = allowed.entry(p.documents.as_slice()).or_insert_with(|| {
                // What a set's `Allow` statements cover is the union of its documents'.
                let mut actions = catalog.empty_set();
                for d in &p.documents {
                    actions.union_with(by_doc.entry(*d).or_insert_with(|| allowed_by(d.0)));
                }
                let namespaces = allowed_namespaces(&actions);
                let places = namespaces
                    .iter()
                    .enumerate()
                    .map(|(i, ns)| (*ns, i))
                    .collect();
                let services = namespaces.into_iter().map(Service::of_namespace).collect();
                (out.share(services), places)
            });
            let mut latest: HashMap<&str, &AccessUse> = HashMap::new();
            for u in uses.iter().filter(|u| u.is_service()) {
                let at = latest.entry(u.namespace.as_str()).or_insert(u);
                if u.at > at.at {
                    *at = u;
                }
            }
            let mut access = PrincipalAccess::new(None, Arc::clone(services));
            for (ns, u) in latest {
                if let Some(&i) = places.get(ns) {
                    access.used(
                        i,
                        LastUse {
                            at: time(u.at),
                            region: Some(u.region.clone()),
                        },
                    );
                }
            }
            out.insert(p.arn.clone(), access);
        }
        Ok(out)
    }
}

/// Documents whose covered actions are kept between audits, at most (then they are
/// forgotten and worked out again).
const KEPT_DOCUMENTS: usize = 512;

/// The catalog actions the `Allow` statements of the identity-based policy `text` cover
/// (none when it does not parse), kept by text between audits: parsing a document and
/// matching its patterns against the catalog (ReadOnlyAccess: 100 KiB, 1,483 patterns) is
/// the same work each time the account's audit is made.
fn allowed_by(text: &str) -> Arc<ActionSet> {
    static KEPT: OnceLock<Mutex<HashMap<Box<str>, Arc<ActionSet>>>> = OnceLock::new();
    let kept = KEPT.get_or_init(Mutex::default);
    if let Some(set) = kept
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(text)
    {
        return Arc::clone(set);
    }
    let set = Arc::new(match Policy::parse(text, PolicyKind::Identity) {
        Ok(policy) => allowed_actions([&policy]),
        Err(_) => Catalog::get().empty_set(),
    });
    let mut kept = kept.lock().unwrap_or_else(PoisonError::into_inner);
    if kept.len() >= KEPT_DOCUMENTS {
        kept.clear();
    }
    kept.insert(text.into(), Arc::clone(&set));
    set
}

/// A policy document of the details, known by its address: the text of a managed policy
/// is one string however many principals it is attached to, so hashing and comparing
/// addresses (not texts of up to 100 KiB) finds the principals with the same documents.
/// (Equal texts at two addresses are two documents: each is parsed, with the same result.)
#[derive(Clone, Copy, Debug)]
struct Doc<'d>(&'d str);

impl Doc<'_> {
    fn address(self) -> (*const u8, usize) {
        (self.0.as_ptr(), self.0.len())
    }
}

impl PartialEq for Doc<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.address() == other.address()
    }
}

impl Eq for Doc<'_> {}

impl std::hash::Hash for Doc<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.address().hash(state);
    }
}

impl PartialOrd for Doc<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Doc<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.address().cmp(&other.address())
    }
}

/// A user or role, and the documents of its identity-based policies (its own and its
/// groups', inline and managed: what a last-accessed job lists services from), sorted by
/// address, each once.
struct Principal<'d> {
    arn: String,
    entity: Entity,
    documents: Vec<Doc<'d>>,
}

/// Adds the documents of `inline` and of the managed policies `attached` to `out`.
fn documents<'d>(
    managed: &HashMap<&'d str, &'d str>,
    inline: &'d [privilege::InlinePolicy],
    attached: &'d [privilege::AttachedPolicy],
    out: &mut Vec<Doc<'d>>,
) {
    out.extend(inline.iter().map(|p| Doc(p.policy_document.as_str())));
    out.extend(
        attached
            .iter()
            .filter_map(|a| managed.get(a.policy_arn.as_str()).copied().map(Doc)),
    );
}

fn principals(d: &privilege::AuthorizationDetails) -> Vec<Principal<'_>> {
    let managed: HashMap<&str, &str> = d
        .policies
        .iter()
        .filter_map(|p| Some((p.arn.as_str(), p.default_document()?)))
        .collect();
    let groups: HashMap<&str, &privilege::GroupDetail> = d
        .groups
        .iter()
        .map(|g| (g.group_name.as_str(), g))
        .collect();
    let mut out = Vec::with_capacity(d.users.len() + d.roles.len());
    for u in &d.users {
        let mut docs = Vec::new();
        documents(
            &managed,
            &u.user_policy_list,
            &u.attached_managed_policies,
            &mut docs,
        );
        for g in u.group_list.iter().filter_map(|g| groups.get(g.as_str())) {
            documents(
                &managed,
                &g.group_policy_list,
                &g.attached_managed_policies,
                &mut docs,
            );
        }
        docs.sort_unstable();
        docs.dedup();
        out.push(Principal {
            arn: u.arn.clone(),
            entity: Entity::user(&u.user_id),
            documents: docs,
        });
    }
    for r in &d.roles {
        let mut docs = Vec::new();
        documents(
            &managed,
            &r.role_policy_list,
            &r.attached_managed_policies,
            &mut docs,
        );
        docs.sort_unstable();
        docs.dedup();
        out.push(Principal {
            arn: r.arn.clone(),
            entity: Entity::role(&r.role_id),
            documents: docs,
        });
    }
    out
}

fn time(t: Timestamp) -> Time {
    Time::from_unix_seconds(t.unix())
}

fn inline(policies: Vec<InlinePolicy>) -> Vec<privilege::InlinePolicy> {
    policies
        .into_iter()
        .map(|p| privilege::InlinePolicy {
            policy_name: p.name,
            policy_document: p.document,
        })
        .collect()
}

fn attached(policies: Vec<(String, String)>) -> Vec<privilege::AttachedPolicy> {
    policies
        .into_iter()
        .map(|(policy_name, policy_arn)| privilege::AttachedPolicy {
            policy_name,
            policy_arn,
        })
        .collect()
}

fn boundary(arn: Option<String>) -> Option<privilege::PermissionsBoundary> {
    arn.map(|permissions_boundary_arn| privilege::PermissionsBoundary {
        permissions_boundary_type: "Policy".to_owned(),
        permissions_boundary_arn,
    })
}

fn tags(tags: Vec<Tag>) -> Vec<privilege::Tag> {
    tags.into_iter()
        .map(|t| privilege::Tag {
            key: t.key,
            value: t.value,
        })
        .collect()
}

/// The domain's authorization details as GetAccountAuthorizationDetails sends them, in
/// the analysis's types (policy documents as JSON text, times to the second; a role never
/// used has an empty `RoleLastUsed`, as IAM answers).
pub fn convert(d: AuthorizationDetails) -> privilege::AuthorizationDetails {
    privilege::AuthorizationDetails {
        users: d
            .users
            .into_iter()
            .map(|u| privilege::UserDetail {
                arn: u.user.arn(),
                path: u.user.path,
                user_name: u.user.name,
                user_id: u.user.id,
                create_date: Some(time(u.user.created)),
                user_policy_list: inline(u.inline),
                group_list: u.groups,
                attached_managed_policies: attached(u.attached),
                permissions_boundary: boundary(u.boundary),
                tags: tags(u.tags),
            })
            .collect(),
        groups: d
            .groups
            .into_iter()
            .map(|g| privilege::GroupDetail {
                arn: g.group.arn(),
                path: g.group.path,
                group_name: g.group.name,
                group_id: g.group.id,
                create_date: Some(time(g.group.created)),
                group_policy_list: inline(g.inline),
                attached_managed_policies: attached(g.attached),
            })
            .collect(),
        roles: d
            .roles
            .into_iter()
            .map(|r| privilege::RoleDetail {
                arn: r.role.arn(),
                role_last_used: Some(privilege::RoleLastUsed {
                    last_used_date: r.role.last_used.as_ref().map(|(t, _)| time(*t)),
                    region: r.role.last_used.map(|(_, region)| region),
                }),
                path: r.role.path,
                role_name: r.role.name,
                role_id: r.role.id,
                create_date: Some(time(r.role.created)),
                assume_role_policy_document: Some(r.role.assume_role_policy),
                role_policy_list: inline(r.inline),
                attached_managed_policies: attached(r.attached),
                permissions_boundary: boundary(r.boundary),
                tags: tags(r.tags),
            })
            .collect(),
        policies: d
            .policies
            .into_iter()
            .map(|(p, versions)| privilege::ManagedPolicyDetail {
                policy_name: p.name,
                policy_id: p.id,
                arn: p.arn,
                path: p.path,
                default_version_id: p.default_version_id,
                policy_version_list: versions
                    .into_iter()
                    .map(|v| privilege::PolicyVersion {
                        document: v.document,
                        version_id: v.version_id,
                        is_default_version: v.is_default,
                    })
                    .collect(),
            })
            .collect(),
    }
}
