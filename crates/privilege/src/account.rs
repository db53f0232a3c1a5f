//! The authorization details indexed for the analysis: every distinct policy document
//! parsed once, each principal's policies (its own, its groups', its boundary) as
//! document numbers, groups by name and managed policies by ARN.

use std::collections::HashMap;
use std::sync::Arc;

use credreport_policy::catalog::{ActionSet, Catalog};
use credreport_policy::{parse_policy, parse_trust_policy, Policy};

use crate::details::{
    is_aws_managed, AttachedPolicy, AuthorizationDetails, GroupDetail, InlinePolicy,
    ManagedPolicyDetail, Tag,
};

/// A policy document, parsed once however many principals it applies to.
#[derive(Debug)]
pub(crate) struct Doc {
    pub policy: Policy,
    /// Per statement: the catalog actions its `Action` or `NotAction` covers.
    pub coverage: Vec<ActionSet>,
}

/// A user or a role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An IAM user.
    User,
    /// An IAM role.
    Role,
}

/// What makes two principals' privileges the same: their kind, account, identity-based
/// documents and boundary.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct SetKey {
    pub kind: Kind,
    /// Shared by every key of the account (one allocation).
    pub account: Arc<str>,
    pub partition: Arc<str>,
    /// Document numbers, sorted, without repeats.
    pub identity: Vec<u32>,
    pub boundary: Option<u32>,
}

/// A principal, with its policies as document numbers.
#[derive(Debug)]
pub(crate) struct Principal<'d> {
    pub kind: Kind,
    pub arn: &'d str,
    pub name: &'d str,
    pub id: &'d str,
    pub account: &'d str,
    pub partition: &'d str,
    pub tags: &'d [Tag],
    /// Its groups (users).
    pub groups: Vec<&'d GroupDetail>,
    /// Customer managed policies attached to it or to its groups.
    pub own_policies: Vec<&'d ManagedPolicyDetail>,
    pub boundary_arn: Option<&'d str>,
    /// The set's key; `None` when one of its documents could not be read.
    pub key: Option<SetKey>,
    /// Why it cannot be analysed, if so.
    pub problem: Option<String>,
    /// A role's trust policy (`None`: none, or unreadable).
    pub trust: Option<u32>,
}

/// The account (or accounts) of one [`AuthorizationDetails`], indexed.
#[derive(Debug)]
pub(crate) struct Account<'d> {
    interner: Interner<'d>,
    /// Trust policies (parsed as such), apart from identity documents.
    pub trusts: Vec<Policy>,
    pub principals: Vec<Principal<'d>>,
    /// Principals by the resource part of their ARN (`user/alice`, `role/ops`).
    pub by_part: HashMap<&'d str, Vec<usize>>,
    pub policies: HashMap<&'d str, &'d ManagedPolicyDetail>,
    /// The problems met (unreadable documents, missing policies), once each.
    pub notes: Vec<String>,
}

/// The parts of an ARN the analysis needs: partition and account
/// (`arn:<partition>:<service>:<region>:<account>:…`).
pub(crate) fn arn_parts(arn: &str) -> (&str, &str) {
    let mut parts = arn.split(':');
    let partition = parts.nth(1).unwrap_or("aws");
    // Past the service and the region.
    let account = parts.nth(2).unwrap_or("");
    (partition, account)
}

/// Documents by text, parsed once. A managed policy's or a group's document is the same
/// text (at the same address) for every principal that has it, so it is found by its
/// address first: its bytes (100 KiB for ReadOnlyAccess) are hashed once, not once per
/// member.
#[derive(Debug)]
struct Interner<'d> {
    by_address: HashMap<(usize, usize), Result<u32, String>>,
    by_text: HashMap<&'d str, Result<u32, String>>,
    docs: Vec<Doc>,
    /// Account ids and partitions, one shared copy each.
    names: HashMap<&'d str, Arc<str>>,
}

impl<'d> Interner<'d> {
    fn name(&mut self, text: &'d str) -> Arc<str> {
        Arc::clone(self.names.entry(text).or_insert_with(|| Arc::from(text)))
    }

    fn doc(&mut self, text: &'d str) -> Result<u32, String> {
        let address = (text.as_ptr() as usize, text.len());
        if let Some(known) = self.by_address.get(&address) {
            return known.clone();
        }
        let read = self.by_text_or_parse(text);
        self.by_address.insert(address, read.clone());
        read
    }

    fn by_text_or_parse(&mut self, text: &'d str) -> Result<u32, String> {
        if let Some(known) = self.by_text.get(text) {
            return known.clone();
        }
        let read = parse_policy(text)
            .map_err(|e| e.to_string())
            .and_then(|policy| {
                let catalog = Catalog::get();
                let coverage = policy
                    .statements()
                    .iter()
                    .map(|s| catalog.covered_by(s))
                    .collect();
                let n =
                    u32::try_from(self.docs.len()).map_err(|_| "too many documents".to_owned())?;
                self.docs.push(Doc { policy, coverage });
                Ok(n)
            });
        self.by_text.insert(text, read.clone());
        read
    }
}

impl<'d> Account<'d> {
    pub(crate) fn index(details: &'d AuthorizationDetails) -> Account<'d> {
        let mut interner = Interner {
            by_address: HashMap::new(),
            by_text: HashMap::new(),
            docs: Vec::new(),
            names: HashMap::new(),
        };
        let mut notes = Vec::new();
        let policies: HashMap<&str, &ManagedPolicyDetail> = details
            .policies
            .iter()
            .map(|p| (p.arn.as_str(), p))
            .collect();
        let groups: HashMap<(&str, &str), &GroupDetail> = details
            .groups
            .iter()
            .map(|g| ((arn_parts(&g.arn).1, g.group_name.as_str()), g))
            .collect();
        let mut principals = Vec::with_capacity(details.users.len() + details.roles.len());
        let mut trusts = Vec::new();
        // Each group's documents, collected once for all its members.
        type GroupSet<'g> = (Vec<u32>, Vec<&'g ManagedPolicyDetail>, Vec<String>);
        let mut group_sets: HashMap<*const GroupDetail, GroupSet<'d>> = HashMap::new();
        for user in &details.users {
            let (partition, account) = arn_parts(&user.arn);
            let mut member_of = Vec::new();
            let mut problems = Vec::new();
            for name in &user.group_list {
                match groups.get(&(account, name.as_str())) {
                    Some(g) => member_of.push(*g),
                    None => problems.push(format!("its group {name} is not in the details")),
                }
            }
            for g in &member_of {
                group_sets.entry(std::ptr::from_ref(*g)).or_insert_with(|| {
                    let mut builder = SetBuilder::new(&mut interner, &policies);
                    builder.inline(&g.group_policy_list);
                    builder.attached(&g.attached_managed_policies);
                    (builder.identity, builder.own, builder.problems)
                });
            }
            let mut builder = SetBuilder::new(&mut interner, &policies);
            builder.inline(&user.user_policy_list);
            builder.attached(&user.attached_managed_policies);
            for g in &member_of {
                if let Some((identity, own, problems)) = group_sets.get(&std::ptr::from_ref(*g)) {
                    builder.identity.extend_from_slice(identity);
                    for p in own {
                        if !builder.own.iter().any(|o| o.arn == p.arn) {
                            builder.own.push(p);
                        }
                    }
                    builder.problems.extend(problems.iter().cloned());
                }
            }
            let boundary_arn = user
                .permissions_boundary
                .as_ref()
                .map(|b| b.permissions_boundary_arn.as_str());
            let boundary = boundary_arn.map(|arn| builder.managed(arn, false));
            principals.push(builder.finish(
                Principal {
                    kind: Kind::User,
                    arn: &user.arn,
                    name: &user.user_name,
                    id: &user.user_id,
                    account,
                    partition,
                    tags: &user.tags,
                    groups: member_of,
                    own_policies: Vec::new(),
                    boundary_arn,
                    key: None,
                    problem: None,
                    trust: None,
                },
                boundary,
                problems,
            ));
        }
        for role in &details.roles {
            let (partition, account) = arn_parts(&role.arn);
            let mut builder = SetBuilder::new(&mut interner, &policies);
            builder.inline(&role.role_policy_list);
            builder.attached(&role.attached_managed_policies);
            let boundary_arn = role
                .permissions_boundary
                .as_ref()
                .map(|b| b.permissions_boundary_arn.as_str());
            let boundary = boundary_arn.map(|arn| builder.managed(arn, false));
            let trust = match role.assume_role_policy_document.as_deref() {
                Some(text) => match parse_trust_policy(text) {
                    Ok(policy) => {
                        trusts.push(policy);
                        u32::try_from(trusts.len() - 1).ok()
                    }
                    Err(e) => {
                        notes.push(format!(
                            "{}: its trust policy cannot be read: {e}",
                            role.arn
                        ));
                        None
                    }
                },
                None => None,
            };
            let mut principal = builder.finish(
                Principal {
                    kind: Kind::Role,
                    arn: &role.arn,
                    name: &role.role_name,
                    id: &role.role_id,
                    account,
                    partition,
                    tags: &role.tags,
                    groups: Vec::new(),
                    own_policies: Vec::new(),
                    boundary_arn,
                    key: None,
                    problem: None,
                    trust: None,
                },
                boundary,
                Vec::new(),
            );
            principal.trust = trust;
            principals.push(principal);
        }
        let mut by_part: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in principals.iter().enumerate() {
            if let Some(problem) = &p.problem {
                notes.push(format!("{}: not analysed: {problem}", p.arn));
            }
            let part = p.arn.splitn(6, ':').nth(5).unwrap_or("");
            by_part.entry(part).or_default().push(i);
        }
        Account {
            interner,
            trusts,
            principals,
            by_part,
            policies,
            notes,
        }
    }

    /// The parsed documents, by number.
    pub(crate) fn docs(&self) -> &[Doc] {
        &self.interner.docs
    }

    /// The key of a group's documents alone: the set of a member with no other policy.
    /// `None` when one of them cannot be read.
    pub(crate) fn group_key(&mut self, group: &'d GroupDetail) -> Option<SetKey> {
        let (partition, account) = arn_parts(&group.arn);
        let mut identity = Vec::new();
        for p in &group.group_policy_list {
            identity.push(self.interner.doc(&p.policy_document).ok()?);
        }
        for a in &group.attached_managed_policies {
            let policy = self.policies.get(a.policy_arn.as_str())?;
            identity.push(self.interner.doc(policy.default_document()?).ok()?);
        }
        identity.sort_unstable();
        identity.dedup();
        Some(SetKey {
            kind: Kind::User,
            account: Arc::from(account),
            partition: Arc::from(partition),
            identity,
            boundary: None,
        })
    }

    /// The key of a managed policy alone, as a principal's only identity-based policy
    /// (is a boundary everything?). `None` when it cannot be read.
    pub(crate) fn policy_key(&mut self, arn: &str, kind: Kind) -> Option<SetKey> {
        let policy = *self.policies.get(arn)?;
        let n = self.interner.doc(policy.default_document()?).ok()?;
        let (partition, account) = arn_parts(arn);
        Some(SetKey {
            kind,
            account: Arc::from(account),
            partition: Arc::from(partition),
            identity: vec![n],
            boundary: None,
        })
    }
}

/// Collects one principal's documents.
struct SetBuilder<'i, 'd> {
    interner: &'i mut Interner<'d>,
    policies: &'i HashMap<&'d str, &'d ManagedPolicyDetail>,
    identity: Vec<u32>,
    own: Vec<&'d ManagedPolicyDetail>,
    problems: Vec<String>,
}

impl<'i, 'd> SetBuilder<'i, 'd> {
    fn new(
        interner: &'i mut Interner<'d>,
        policies: &'i HashMap<&'d str, &'d ManagedPolicyDetail>,
    ) -> Self {
        SetBuilder {
            interner,
            policies,
            identity: Vec::new(),
            own: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn inline(&mut self, list: &'d [InlinePolicy]) {
        for p in list {
            match self.interner.doc(&p.policy_document) {
                Ok(n) => self.identity.push(n),
                Err(e) => self.problems.push(format!(
                    "its inline policy {} cannot be read: {e}",
                    p.policy_name
                )),
            }
        }
    }

    fn attached(&mut self, list: &'d [AttachedPolicy]) {
        for a in list {
            if let Some(n) = self.managed(&a.policy_arn, true) {
                self.identity.push(n);
            }
        }
    }

    /// A managed policy's default document; a customer managed one attached to the
    /// principal (`own`, not its boundary) is remembered as its own.
    fn managed(&mut self, arn: &'d str, own: bool) -> Option<u32> {
        let Some(policy) = self.policies.get(arn).copied() else {
            self.problems
                .push(format!("its policy {arn} is not in the details"));
            return None;
        };
        let Some(text) = policy.default_document() else {
            self.problems.push(format!(
                "its policy {arn} has no default version in the details"
            ));
            return None;
        };
        match self.interner.doc(text) {
            Ok(n) => {
                if own && !is_aws_managed(arn) && !self.own.iter().any(|p| p.arn == policy.arn) {
                    self.own.push(policy);
                }
                Some(n)
            }
            Err(e) => {
                self.problems
                    .push(format!("its policy {arn} cannot be read: {e}"));
                None
            }
        }
    }

    fn finish(
        mut self,
        mut principal: Principal<'d>,
        boundary: Option<Option<u32>>,
        mut problems: Vec<String>,
    ) -> Principal<'d> {
        problems.append(&mut self.problems);
        self.identity.sort_unstable();
        self.identity.dedup();
        principal.own_policies = self.own;
        if problems.is_empty() {
            principal.key = Some(SetKey {
                kind: principal.kind,
                account: self.interner.name(principal.account),
                partition: self.interner.name(principal.partition),
                identity: self.identity,
                boundary: boundary.flatten(),
            });
        } else {
            principal.problem = Some(problems.join("; "));
        }
        principal
    }
}

#[cfg(test)]
mod tests {
    use super::arn_parts;

    #[test]
    fn partition_and_account_of_arns() {
        let cases = [
            (
                "arn:aws:iam::111122223333:user/alice",
                ("aws", "111122223333"),
            ),
            (
                "arn:aws-cn:iam::111122223333:role/r",
                ("aws-cn", "111122223333"),
            ),
            ("arn:aws:iam::aws:policy/ReadOnlyAccess", ("aws", "aws")),
            ("arn:aws:s3:::bucket", ("aws", "")),
            ("not an arn", ("aws", "")),
        ];
        for (arn, expected) in cases {
            assert_eq!(arn_parts(arn), expected, "{arn}");
        }
    }
}
