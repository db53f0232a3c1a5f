//! The analysis of a whole [`AuthorizationDetails`]: every user's and role's class.
//!
//! 1. Each principal's policies (its own, its groups', its boundary) are a set; principals
//!    with the same set (most users share groups) are analysed once ([`crate::set`]).
//! 2. A set that may do everything makes its principals administrators.
//! 3. The others try the escalation paths ([`crate::escalation`]); those that go through
//!    another administrator are tried again while new administrators appear (a user who
//!    may create keys for a user who may attach policies to itself is one too).
//! 4. The rest write (a change somewhere), read, or have nothing.

use std::collections::HashMap;
use std::sync::Arc;

use credreport_policy::catalog::Catalog;

use crate::account::{Account, Kind, SetKey};
use crate::class::{Assessment, Privilege, Reason};
use crate::details::{AuthorizationDetails, GroupDetail};
use crate::escalation::{Admins, Asker, Memo};
use crate::set::{self, SetAnalysis};

/// One principal's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrincipalPrivilege {
    /// User or role.
    pub kind: Kind,
    /// Its ARN.
    pub arn: String,
    /// Its name.
    pub name: String,
    /// Its class, and why (shared by the principals with the same policies, unless an
    /// escalation path sets it apart).
    pub assessment: Arc<Assessment>,
    /// The namespaces of the services it may use (some action, on some resource, for some
    /// context), in namespace order.
    pub services: Arc<[&'static str]>,
}

impl PrincipalPrivilege {
    /// Its class.
    pub fn privilege(&self) -> Privilege {
        self.assessment.privilege
    }
}

/// Every analysed principal, by ARN, and what could not be analysed.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    by_arn: HashMap<String, PrincipalPrivilege>,
    notes: Vec<String>,
    sets: usize,
}

impl Analysis {
    /// The result for a user or role ARN; `None` when the details do not have it, or
    /// one of its documents could not be read (see [`Analysis::notes`]).
    pub fn get(&self, arn: &str) -> Option<&PrincipalPrivilege> {
        self.by_arn.get(arn)
    }

    /// Its class.
    pub fn privilege(&self, arn: &str) -> Option<Privilege> {
        self.get(arn).map(PrincipalPrivilege::privilege)
    }

    /// Every result, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = &PrincipalPrivilege> {
        self.by_arn.values()
    }

    /// How many principals were analysed.
    pub fn len(&self) -> usize {
        self.by_arn.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.by_arn.is_empty()
    }

    /// What could not be analysed and why (a document that cannot be read, a policy or
    /// group missing from the details), once each.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// How many distinct policy sets were analysed.
    pub fn distinct_sets(&self) -> usize {
        self.sets
    }
}

/// Analyses every user and role of `details`.
pub fn analyze(details: &AuthorizationDetails) -> Analysis {
    let mut account = Account::index(details);
    let mut cache: HashMap<SetKey, (usize, Arc<SetAnalysis>)> = HashMap::new();
    let mut scratch = Vec::new();
    let mut services: HashMap<*const SetAnalysis, Arc<[&'static str]>> = HashMap::new();
    let mut analyse = |key: &SetKey, account: &Account<'_>| -> (usize, Arc<SetAnalysis>) {
        if let Some((id, a)) = cache.get(key) {
            return (*id, Arc::clone(a));
        }
        let a = Arc::new(set::analyze(key, account.docs(), &mut scratch));
        let id = cache.len();
        cache.insert(key.clone(), (id, Arc::clone(&a)));
        (id, a)
    };

    // Groups whose policies alone make a member an administrator.
    let mut admin_groups: Vec<&GroupDetail> = Vec::new();
    for group in &details.groups {
        if let Some(key) = account.group_key(group) {
            if analyse(&key, &account).1.everything {
                admin_groups.push(group);
            }
        }
    }
    // Boundaries that allow everything, by ARN and kind.
    let mut boundary_everything: HashMap<(&str, Kind), bool> = HashMap::new();
    let wanted: Vec<(&str, Kind)> = account
        .principals
        .iter()
        .filter_map(|p| p.boundary_arn.map(|b| (b, p.kind)))
        .collect();
    for (arn, kind) in wanted {
        if boundary_everything.contains_key(&(arn, kind)) {
            continue;
        }
        let everything = account
            .policy_key(arn, kind)
            .is_some_and(|key| analyse(&key, &account).1.everything);
        boundary_everything.insert((arn, kind), everything);
    }

    // Bounded sets whose identity-based policies alone allow everything.
    let mut identity_only: HashMap<SetKey, bool> = HashMap::new();
    let bounded: Vec<SetKey> = account
        .principals
        .iter()
        .filter_map(|p| p.key.clone())
        .filter(|k| k.boundary.is_some())
        .collect();
    for key in bounded {
        if identity_only.contains_key(&key) {
            continue;
        }
        let unbounded = SetKey {
            boundary: None,
            ..key.clone()
        };
        let everything = analyse(&unbounded, &account).1.everything;
        identity_only.insert(key, everything);
    }
    let sets: Vec<Option<(usize, Arc<SetAnalysis>)>> = account
        .principals
        .iter()
        .map(|p| p.key.as_ref().map(|k| analyse(k, &account)))
        .collect();
    let mut admin: Vec<bool> = sets
        .iter()
        .map(|s| s.as_ref().is_some_and(|(_, s)| s.everything))
        .collect();
    let mut reasons: Vec<Option<Reason>> = admin
        .iter()
        .map(|&a| a.then_some(Reason::AllActions))
        .collect();

    // Escalation, until no new administrator appears (each round makes at least one, so
    // there are at most as many rounds as principals).
    let memo = Memo::default();
    let all_roles: Vec<usize> = (0..account.principals.len())
        .filter(|&i| account.principals[i].kind == Kind::Role)
        .collect();
    loop {
        let mut found = Vec::new();
        {
            let admins = Admins::new(&account, &admin, &all_roles, &admin_groups);
            for (i, set) in sets.iter().enumerate() {
                let Some((set_id, set)) = set else { continue };
                if admin[i] {
                    continue;
                }
                let p = &account.principals[i];
                let bounded_everything = p.boundary_arn.is_some_and(|b| {
                    boundary_everything
                        .get(&(b, p.kind))
                        .copied()
                        .unwrap_or(false)
                });
                let identity_everything = p.key.as_ref().is_some_and(|k| {
                    k.boundary.is_some() && identity_only.get(k).copied().unwrap_or(false)
                });
                let asker = Asker::new(
                    &account,
                    i,
                    set,
                    *set_id,
                    &memo,
                    bounded_everything,
                    identity_everything,
                );
                if let Some((path, target)) = asker.escalate(&admins) {
                    found.push((i, Reason::Escalation { path, target }));
                }
            }
        }
        if found.is_empty() {
            break;
        }
        for (i, reason) in found {
            admin[i] = true;
            reasons[i] = Some(reason);
        }
    }

    let catalog = Catalog::get();
    let mut shared: HashMap<*const SetAnalysis, Arc<Assessment>> = HashMap::new();
    let mut by_arn = HashMap::with_capacity(account.principals.len());
    for (i, p) in account.principals.iter().enumerate() {
        let Some((_, set)) = &sets[i] else { continue };
        let assessment = match reasons[i].take() {
            Some(Reason::AllActions) | None => Arc::clone(
                shared
                    .entry(Arc::as_ptr(set))
                    .or_insert_with(|| Arc::new(set_assessment(set))),
            ),
            Some(reason) => Arc::new(Assessment {
                privilege: Privilege::Admin,
                reason,
            }),
        };
        let list = services
            .entry(Arc::as_ptr(set))
            .or_insert_with(|| {
                // Ids run service by service: one namespace per run.
                let mut list: Vec<&'static str> = Vec::new();
                for id in set.somewhere.iter() {
                    let ns = catalog.action(id).namespace();
                    if list.last() != Some(&ns) {
                        list.push(ns);
                    }
                }
                list.into()
            })
            .clone();
        by_arn.insert(
            p.arn.to_owned(),
            PrincipalPrivilege {
                kind: p.kind,
                arn: p.arn.to_owned(),
                name: p.name.to_owned(),
                assessment,
                services: list,
            },
        );
    }
    Analysis {
        by_arn,
        notes: account.notes,
        sets: cache.len(),
    }
}

/// The class a set of policies gives by itself (no escalation).
fn set_assessment(set: &SetAnalysis) -> Assessment {
    let (privilege, reason) = match (set.everything, set.change, set.read) {
        (true, _, _) => (Privilege::Admin, Reason::AllActions),
        (false, Some(id), _) => (Privilege::Write, Reason::Action(id)),
        (false, None, Some(id)) => (Privilege::Read, Reason::Action(id)),
        (false, None, None) => (Privilege::None, Reason::Nothing),
    };
    Assessment { privilege, reason }
}
