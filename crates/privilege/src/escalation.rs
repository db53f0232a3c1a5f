//! Whether a principal can make itself an administrator: each path of [`crate::paths`]
//! asked of the policy evaluator, step by step, on the resources the path goes through.
//!
//! Each step is a request of the principal (its own keys known: name, id, ARN, account,
//! tags; everything else unknown) on its target, with the context keys the step's action
//! carries set to what the attack would send: `iam:PolicyARN` is AdministratorAccess for
//! `Attach*Policy`, `iam:PassedToService` the service for `iam:PassRole`,
//! `iam:PermissionsBoundary` AdministratorAccess for `Put*PermissionsBoundary`. A role is
//! assumed only if its trust policy allows it too (the evaluator's rules for a role trust
//! policy: it must allow, and the principal's own policies too).
//!
//! A change to the principal's own permissions (its user, role, groups, own policies)
//! stays inside its permissions boundary: it leads to everything only when the boundary
//! allows everything, or when the principal may lift it (delete it, replace it with
//! AdministratorAccess, or rewrite the boundary policy).

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::sync::OnceLock;

use credreport_policy::catalog::{ActionId, Catalog};
use credreport_policy::{
    allowed, keys, ContextValue, Effect, Policy, PolicySet, Principal as Who, Reach, Request,
    RequestContext, SourceType, Sourced,
};

use crate::account::{Account, Doc, Kind, Principal, SetKey};
use crate::details::GroupDetail;
use crate::paths::{On, Path, Principals, Target, PATHS};
use crate::set::{sourced, SetAnalysis};

/// The catalog id of an action the escalation asks about (the paths' steps, the
/// boundary's actions), looked up once.
fn action_id(action: &str) -> Option<ActionId> {
    static IDS: OnceLock<HashMap<&'static str, Option<ActionId>>> = OnceLock::new();
    let ids = IDS.get_or_init(|| {
        let catalog = Catalog::get();
        PATHS
            .iter()
            .flat_map(|p| p.steps.iter().map(|s| s.action))
            .chain(BOUNDARY_ACTIONS)
            .map(|a| (a, catalog.find(a)))
            .collect()
    });
    match ids.get(action) {
        Some(id) => *id,
        None => Catalog::get().find(action),
    }
}

/// What lifting a boundary takes.
const BOUNDARY_ACTIONS: [&str; 6] = [
    "iam:DeleteUserPermissionsBoundary",
    "iam:PutUserPermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:PutRolePermissionsBoundary",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
];

/// The catalog ids of a path's steps (looked up once).
fn step_ids(path: &Path) -> &'static [Option<ActionId>] {
    static IDS: OnceLock<Vec<Vec<Option<ActionId>>>> = OnceLock::new();
    let all = IDS.get_or_init(|| {
        let catalog = Catalog::get();
        PATHS
            .iter()
            .map(|p| p.steps.iter().map(|s| catalog.find(s.action)).collect())
            .collect()
    });
    PATHS
        .iter()
        .position(|p| std::ptr::eq(p, path))
        .map_or(&[], |i| &all[i])
}

/// Who is an administrator so far, for the paths that go through one.
#[derive(Debug)]
pub(crate) struct Admins<'a> {
    /// Administrator users, by principal position.
    users: Vec<usize>,
    /// Administrator roles, by principal position.
    roles: Vec<usize>,
    /// Every role, by principal position.
    all_roles: &'a [usize],
    /// Groups whose policies make their members administrators.
    groups: &'a [&'a GroupDetail],
    /// Per service principal of a path: the administrator roles it may assume.
    trusting: HashMap<&'static str, Vec<usize>>,
}

impl<'a> Admins<'a> {
    pub(crate) fn new(
        account: &Account<'_>,
        admin: &[bool],
        all_roles: &'a [usize],
        groups: &'a [&'a GroupDetail],
    ) -> Admins<'a> {
        let by_kind = |kind: Kind| -> Vec<usize> {
            (0..admin.len())
                .filter(|&i| admin[i] && account.principals[i].kind == kind)
                .collect()
        };
        let roles = by_kind(Kind::Role);
        let mut trusting = HashMap::new();
        for path in &PATHS {
            if let Target::PassedAdminRole(service) | Target::ExistingResourceOf(service) =
                path.target
            {
                trusting.entry(service).or_insert_with(|| {
                    roles
                        .iter()
                        .copied()
                        .filter(|&r| trusts_service(account, r, service))
                        .collect()
                });
            }
        }
        Admins {
            users: by_kind(Kind::User),
            roles,
            all_roles,
            groups,
            trusting,
        }
    }
}

/// Whether `service` (`lambda.amazonaws.com`) may assume role `role` (its position).
fn trusts_service(account: &Account<'_>, role: usize, service: &str) -> bool {
    let p = &account.principals[role];
    let Some(t) = p.trust else {
        return false;
    };
    let ctx = RequestContext::open();
    let request = Request {
        principal: Who::Service(service),
        action: "sts:AssumeRole",
        resource: p.arn,
        resource_account: None,
        context: &ctx,
    };
    let grant = account.trusts[t as usize].resource_grant(&request);
    grant.deny != credreport_policy::Tri::Yes && grant.to_principal.possible()
}

/// Answers shared by every principal with the same policies, and what decides whether an
/// answer can be shared.
#[derive(Debug, Default)]
pub(crate) struct Memo {
    answers: RefCell<HashMap<AnswerKey, bool>>,
    /// By set and action: whether a statement covering it reads the principal's own keys.
    reads: RefCell<HashMap<(usize, ActionId), bool>>,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct AnswerKey {
    set: usize,
    action: ActionId,
    /// The resource, by address and length: every resource asked about is borrowed from
    /// the authorization details, or `None` (some resource).
    resource: Option<(usize, usize)>,
    trust: Option<u32>,
    /// How the trust policy's statements name the principal.
    reach: Vec<Reach>,
    /// The service, by address (the paths' static names).
    service: Option<(usize, usize)>,
}

/// A text's address and length, as a key for texts that live as long as the analysis.
fn address(text: &str) -> (usize, usize) {
    (text.as_ptr() as usize, text.len())
}

/// Whether a context key is one of the principal's own (its name, id, ARN, tags): the keys
/// in which principals with the same policies differ. (Account and type are part of the
/// set's key.)
fn principal_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key == "aws:username"
        || key == "aws:userid"
        || (key.starts_with("aws:principal")
            && key != "aws:principalaccount"
            && key != "aws:principaltype")
}

impl Memo {
    /// Whether a statement of the set covering `action` reads the principal's own keys.
    fn reads_principal(&self, set: usize, key: &SetKey, docs: &[Doc], action: ActionId) -> bool {
        if let Some(known) = self.reads.borrow().get(&(set, action)) {
            return *known;
        }
        let reads = key
            .identity
            .iter()
            .chain(key.boundary.iter())
            .map(|&n| &docs[n as usize])
            .flat_map(|doc| doc.coverage.iter().zip(doc.policy.statements()))
            .filter(|(coverage, _)| coverage.contains(action))
            .any(|(_, st)| st.context_keys().any(principal_key));
        self.reads.borrow_mut().insert((set, action), reads);
        reads
    }

    /// Whether a trust policy reads the principal's own keys in its conditions.
    fn trust_reads_principal(&self, trust: &Policy) -> bool {
        trust
            .statements()
            .iter()
            .any(|st| st.context_keys().any(principal_key))
    }
}

/// Whether `arn` ends with `:<part>`: true whenever `part` is its resource part (a
/// prefilter: the evaluator decides).
fn ends_with_part(arn: &str, part: &str) -> bool {
    arn.len() > part.len()
        && arn.ends_with(part)
        && arn.as_bytes()[arn.len() - part.len() - 1] == b':'
}

type Policies<'a> = (Vec<Sourced<'a>>, Option<Sourced<'a>>);

/// One principal, with what it needs to ask the evaluator.
pub(crate) struct Asker<'a, 'd> {
    pub account: &'a Account<'d>,
    pub index: usize,
    pub set: &'a SetAnalysis,
    set_id: usize,
    memo: &'a Memo,
    sourced: Policies<'a>,
    /// Whether a change to its own permissions leads to everything (see the module
    /// documentation); computed by the caller, which has the boundary's analysis.
    pub boundary_everything: bool,
    /// Whether its identity-based policies alone (without its boundary) allow
    /// everything.
    pub identity_everything: bool,
    /// Its own keys known, the rest open; made on first use (most principals never ask
    /// a question of their own).
    ctx: OnceCell<RequestContext>,
}

/// The ARN of AWS's AdministratorAccess in a partition.
fn administrator_access(partition: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/AdministratorAccess")
}

impl<'a, 'd> Asker<'a, 'd> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        account: &'a Account<'d>,
        index: usize,
        set: &'a SetAnalysis,
        set_id: usize,
        memo: &'a Memo,
        boundary_everything: bool,
        identity_everything: bool,
    ) -> Self {
        let p = &account.principals[index];
        let sourced = p
            .key
            .as_ref()
            .map_or_else(|| (Vec::new(), None), |k| sourced(k, account.docs()));
        Asker {
            account,
            index,
            set,
            set_id,
            memo,
            sourced,
            boundary_everything,
            identity_everything,
            ctx: OnceCell::new(),
        }
    }

    /// Its context: its own keys known, everything else open.
    fn ctx(&self) -> &RequestContext {
        self.ctx.get_or_init(|| {
            let p = self.me();
            let mut ctx = RequestContext::open();
            match p.kind {
                Kind::User => {
                    ctx.principal_user(p.account, p.arn, p.name, p.id);
                }
                Kind::Role => {
                    // A session's aws:userid has a session name not known here.
                    ctx.set_absent(keys::USERNAME)
                        .set(keys::PRINCIPAL_ARN, ContextValue::string(p.arn))
                        .set(keys::PRINCIPAL_ACCOUNT, ContextValue::string(p.account))
                        .set(keys::PRINCIPAL_TYPE, ContextValue::string("AssumedRole"));
                }
            }
            for tag in p.tags {
                ctx.principal_tag(&tag.key, &tag.value);
            }
            ctx
        })
    }

    fn me(&self) -> &'a Principal<'d> {
        &self.account.principals[self.index]
    }

    fn who(&self) -> Who<'a> {
        let p = self.me();
        match p.kind {
            Kind::User => Who::User {
                account: p.account,
                arn: p.arn,
            },
            Kind::Role => Who::AssumedRole {
                account: p.account,
                role_arn: p.arn,
                session_arn: None,
            },
        }
    }

    /// Whether it may perform `action` on `resource` (`None`: some resource of its
    /// choosing), the target's trust policy deciding too when `trust_of` names a role.
    ///
    /// When neither the statements that cover the action nor the trust policy read the
    /// principal's own keys (its name, id, ARN, tags), and the trust policy names it only
    /// as others of its account, the answer is the same for every principal with its
    /// policies: it is asked once per set of policies ([`Memo`]).
    fn may(
        &self,
        action: &str,
        resource: Option<&str>,
        trust_of: Option<usize>,
        service: Option<&str>,
    ) -> bool {
        let Some(id) = action_id(action) else {
            return false;
        };
        if !self.set.somewhere.contains(id) {
            return false;
        }
        let trust = trust_of.and_then(|i| self.account.principals[i].trust);
        if trust_of.is_some() && trust.is_none() {
            // A role without a readable trust policy lets nobody in.
            return false;
        }
        let Some(key) = &self.me().key else {
            return false;
        };
        let shared = !self
            .memo
            .reads_principal(self.set_id, key, self.account.docs(), id)
            && trust.is_none_or(|t| {
                !self
                    .memo
                    .trust_reads_principal(&self.account.trusts[t as usize])
            });
        if !shared {
            return self.ask(action, resource, trust, service);
        }
        let reach: Vec<Reach> = trust.map_or_else(Vec::new, |t| {
            let who = self.who();
            self.account.trusts[t as usize]
                .statements()
                .iter()
                .map(|st| st.reach(&who))
                .collect()
        });
        let key = AnswerKey {
            set: self.set_id,
            action: id,
            resource: resource.map(address),
            trust,
            reach,
            service: service.map(address),
        };
        if let Some(known) = self.memo.answers.borrow().get(&key) {
            return *known;
        }
        let answer = self.ask(action, resource, trust, service);
        self.memo.answers.borrow_mut().insert(key, answer);
        answer
    }

    /// [`Asker::may`], asked of the evaluator.
    fn ask(
        &self,
        action: &str,
        resource: Option<&str>,
        trust: Option<u32>,
        service: Option<&str>,
    ) -> bool {
        let me = self.me();
        let trust = trust.map(|t| Sourced {
            id: "",
            source_type: SourceType::Resource,
            policy: &self.account.trusts[t as usize],
        });
        let policies = PolicySet {
            identity: &self.sourced.0,
            boundary: self.sourced.1,
            resource: trust,
            resource_must_allow: trust.is_some(),
            ..PolicySet::default()
        };
        let mut ctx = self.ctx().clone();
        let lower = action.to_ascii_lowercase();
        match lower.as_str() {
            "iam:attachuserpolicy" | "iam:attachgrouppolicy" | "iam:attachrolepolicy" => {
                ctx.set(
                    keys::POLICY_ARN,
                    ContextValue::string(&administrator_access(me.partition)),
                );
            }
            "iam:putuserpermissionsboundary" | "iam:putrolepermissionsboundary" => {
                ctx.set(
                    keys::PERMISSIONS_BOUNDARY,
                    ContextValue::string(&administrator_access(me.partition)),
                );
            }
            "iam:passrole" => {
                if let Some(service) = service {
                    ctx.set("iam:PassedToService", ContextValue::string(service));
                }
            }
            _ => {}
        }
        if resource.is_none() {
            ctx.any_resource();
        }
        let request = Request {
            principal: self.who(),
            action,
            resource: resource.unwrap_or("*"),
            resource_account: None,
            context: &ctx,
        };
        allowed(&request, &policies).possible()
    }

    /// The resource parts (`user/ada`) the identity-based `Allow` statements covering
    /// `action` name, for this principal; `None` when one of them may cover more. A target
    /// not named cannot be allowed, so it is not asked about.
    fn named(&self, action: &str) -> Option<Vec<String>> {
        let id = action_id(action)?;
        let docs = self.account.docs();
        let key = self.me().key.as_ref()?;
        let mut out = Vec::new();
        for &n in &key.identity {
            let doc = &docs[n as usize];
            for (coverage, statement) in doc.coverage.iter().zip(doc.policy.statements()) {
                if statement.effect() == Effect::Allow && coverage.contains(id) {
                    out.extend(statement.named_resources(self.ctx())?);
                }
            }
        }
        Some(out)
    }

    /// The targets of `list` (principal positions) in its account, itself aside, that the
    /// first step on the target may reach (see [`Asker::named`]).
    fn reachable(&self, path: &Path, list: &[usize]) -> Vec<usize> {
        let me = self.me();
        let keep = |t: usize| t != self.index && self.account.principals[t].account == me.account;
        let first = path.steps.iter().find(|s| s.on != On::AnyResource);
        match first.and_then(|s| self.named(s.action)) {
            // The allowing statements name their resources: look those up.
            Some(names) if names.len() < list.len() => {
                let mut out = Vec::new();
                for name in &names {
                    let found = self.account.by_part.get(name.as_str());
                    for &t in found.into_iter().flatten() {
                        if keep(t) && list.contains(&t) && !out.contains(&t) {
                            out.push(t);
                        }
                    }
                }
                out
            }
            Some(names) => list
                .iter()
                .copied()
                .filter(|&t| {
                    let arn = self.account.principals[t].arn;
                    keep(t) && names.iter().any(|n| ends_with_part(arn, n))
                })
                .collect(),
            None => list.iter().copied().filter(|&t| keep(t)).collect(),
        }
    }

    /// Whether a change to its own permissions leads to everything: no boundary, a
    /// boundary that allows everything, or one it may lift.
    pub(crate) fn own_change_is_admin(&self) -> bool {
        let me = self.me();
        let Some(boundary) = me.boundary_arn else {
            return true;
        };
        self.boundary_everything || self.may_lift(boundary)
    }

    /// Whether it may delete its boundary, replace it with AdministratorAccess, or rewrite
    /// the boundary's policy.
    fn may_lift(&self, boundary: &str) -> bool {
        let me = self.me();
        let (delete, put) = match me.kind {
            Kind::User => (
                "iam:DeleteUserPermissionsBoundary",
                "iam:PutUserPermissionsBoundary",
            ),
            Kind::Role => (
                "iam:DeleteRolePermissionsBoundary",
                "iam:PutRolePermissionsBoundary",
            ),
        };
        if self.may(delete, Some(me.arn), None, None) || self.may(put, Some(me.arn), None, None) {
            return true;
        }
        let Some(policy) = self.account.policies.get(boundary) else {
            return false;
        };
        if policy.is_aws_managed() {
            return false;
        }
        self.may("iam:CreatePolicyVersion", Some(boundary), None, None)
            || (policy.policy_version_list.len() > 1
                && self.may("iam:SetDefaultPolicyVersion", Some(boundary), None, None))
    }

    /// Whether a role principal may assume role `role` (its position).
    fn may_assume(&self, role: usize) -> bool {
        let arn = self.account.principals[role].arn;
        self.may("sts:AssumeRole", Some(arn), Some(role), None)
    }

    /// The first path (and what it goes through) that makes it an administrator.
    pub(crate) fn escalate(&self, admins: &Admins<'_>) -> Option<(&'static Path, Option<String>)> {
        let me = self.me();
        PATHS.iter().find_map(|path| {
            if path.principals == Principals::Users && me.kind != Kind::User {
                return None;
            }
            // Each step must be possible somewhere before any target is tried.
            let possible = step_ids(path)
                .iter()
                .all(|id| id.is_some_and(|id| self.set.somewhere.contains(id)));
            if !possible {
                return None;
            }
            self.through(path, admins).map(|target| (path, target))
        })
    }

    /// The target through which `path` works, if one does (`Some(None)`: a path with no
    /// named target).
    fn through(&self, path: &Path, admins: &Admins<'_>) -> Option<Option<String>> {
        let me = self.me();
        let others = |list: &[usize]| -> Vec<usize> { self.reachable(path, list) };
        let steps_on = |resource: &str, role: Option<usize>, service: Option<&str>| {
            path.steps.iter().all(|s| match s.on {
                On::Target => self.may(
                    s.action,
                    Some(resource),
                    role.filter(|_| s.action.eq_ignore_ascii_case("sts:AssumeRole")),
                    service,
                ),
                On::TargetOwnSide => self.may(s.action, Some(resource), None, service),
                On::AnyResource => self.may(s.action, None, None, service),
            })
        };
        let arn = |i: usize| self.account.principals[i].arn;
        let named = |arn: &str| Some(Some(arn.to_owned()));
        match path.target {
            Target::Itself => {
                (self.own_change_is_admin() && steps_on(me.arn, None, None)).then_some(None)
            }
            Target::ItselfOrAssumableRole => {
                if me.kind == Kind::Role
                    && self.own_change_is_admin()
                    && steps_on(me.arn, None, None)
                {
                    return Some(None);
                }
                others(admins.all_roles)
                    .into_iter()
                    .filter(|&r| self.unbounded(r))
                    .find(|&r| steps_on(arn(r), None, None) && self.may_assume(r))
                    .and_then(|r| named(arn(r)))
            }
            Target::OwnGroup => {
                if !self.own_change_is_admin() {
                    return None;
                }
                me.groups
                    .iter()
                    .find(|g| steps_on(&g.arn, None, None))
                    .and_then(|g| named(&g.arn))
            }
            Target::OwnPolicy | Target::OwnPolicyWithVersions => {
                if !self.own_change_is_admin() {
                    return None;
                }
                me.own_policies
                    .iter()
                    .filter(|p| path.target == Target::OwnPolicy || p.policy_version_list.len() > 1)
                    .find(|p| steps_on(&p.arn, None, None))
                    .and_then(|p| named(&p.arn))
            }
            Target::AdminUser => others(&admins.users)
                .into_iter()
                .find(|&i| steps_on(arn(i), None, None))
                .and_then(|i| named(arn(i))),
            Target::AdminGroup => {
                if !self.own_change_is_admin() {
                    return None;
                }
                admins
                    .groups
                    .iter()
                    .filter(|g| crate::account::arn_parts(&g.arn).1 == me.account)
                    .filter(|g| !me.groups.iter().any(|m| m.arn == g.arn))
                    .find(|g| steps_on(&g.arn, None, None))
                    .and_then(|g| named(&g.arn))
            }
            Target::AdminRole => others(&admins.roles)
                .into_iter()
                .find(|&r| steps_on(arn(r), None, None))
                .and_then(|r| named(arn(r))),
            Target::AssumableAdminRole => others(&admins.roles)
                .into_iter()
                .find(|&r| steps_on(arn(r), Some(r), None))
                .and_then(|r| named(arn(r))),
            Target::PassedAdminRole(service) => {
                let trusting = admins.trusting.get(service).map_or(&[][..], Vec::as_slice);
                others(trusting)
                    .into_iter()
                    .find(|&r| steps_on(arn(r), None, Some(service)))
                    .and_then(|r| named(arn(r)))
            }
            Target::OwnBoundary => {
                let boundary = me.boundary_arn?;
                (self.identity_everything && self.may_lift(boundary))
                    .then(|| Some(boundary.to_owned()))
            }
            Target::ExistingResourceOf(service) => {
                let trusting = admins.trusting.get(service)?;
                let role = *others(trusting).first()?;
                steps_on("*", None, None).then(|| Some(arn(role).to_owned()))
            }
        }
    }

    /// Whether a role's boundary (if any) lets an administrator policy attached to it
    /// give everything.
    fn unbounded(&self, role: usize) -> bool {
        self.account.principals[role].boundary_arn.is_none()
    }
}
