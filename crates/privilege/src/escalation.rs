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

use credreport_policy::catalog::Catalog;
use credreport_policy::{
    allowed, keys, ContextValue, PolicySet, Principal as Who, Request, RequestContext,
};

use crate::account::{Account, Kind, Principal};
use crate::details::GroupDetail;
use crate::paths::{On, Path, Principals, Target};
use crate::set::{sourced, SetAnalysis};

/// Who is an administrator so far, for the paths that go through one.
#[derive(Debug)]
pub(crate) struct Admins<'a> {
    /// By principal position.
    pub principals: &'a [bool],
    /// Groups whose policies make their members administrators.
    pub groups: &'a [&'a GroupDetail],
}

/// One principal, with what it needs to ask the evaluator.
pub(crate) struct Asker<'a, 'd> {
    pub account: &'a Account<'d>,
    pub index: usize,
    pub set: &'a SetAnalysis,
    /// Whether a change to its own permissions leads to everything (see the module
    /// documentation); computed by the caller, which has the boundary's analysis.
    pub boundary_everything: bool,
    /// Whether its identity-based policies alone (without its boundary) allow
    /// everything.
    pub identity_everything: bool,
    ctx: RequestContext,
}

/// The ARN of AWS's AdministratorAccess in a partition.
fn administrator_access(partition: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/AdministratorAccess")
}

impl<'a, 'd> Asker<'a, 'd> {
    pub(crate) fn new(
        account: &'a Account<'d>,
        index: usize,
        set: &'a SetAnalysis,
        boundary_everything: bool,
        identity_everything: bool,
    ) -> Self {
        let p = &account.principals[index];
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
        Asker {
            account,
            index,
            set,
            boundary_everything,
            identity_everything,
            ctx,
        }
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
    fn may(
        &self,
        action: &str,
        resource: Option<&str>,
        trust_of: Option<usize>,
        service: Option<&str>,
    ) -> bool {
        let me = self.me();
        let Some(key) = &me.key else {
            return false;
        };
        let docs = self.account.docs();
        let (identity, boundary) = sourced(key, docs);
        let trust = trust_of
            .and_then(|i| self.account.principals[i].trust)
            .map(|t| credreport_policy::Sourced {
                id: "",
                source_type: credreport_policy::SourceType::Resource,
                policy: &self.account.trusts[t as usize],
            });
        if trust_of.is_some() && trust.is_none() {
            // A role without a readable trust policy lets nobody in.
            return false;
        }
        let policies = PolicySet {
            identity: &identity,
            boundary,
            resource: trust,
            resource_must_allow: trust.is_some(),
            ..PolicySet::default()
        };
        let mut ctx = self.ctx.clone();
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
        let catalog = Catalog::get();
        let me = self.me();
        crate::paths::PATHS.iter().find_map(|path| {
            if path.principals == Principals::Users && me.kind != Kind::User {
                return None;
            }
            // Each step must be possible somewhere before any target is tried.
            let possible = path.steps.iter().all(|s| {
                catalog
                    .find(s.action)
                    .is_some_and(|id| self.set.somewhere.contains(id))
            });
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
        let same_account =
            |i: &usize| self.account.principals[*i].account == me.account && *i != self.index;
        let roles = || {
            (0..self.account.principals.len())
                .filter(same_account)
                .filter(|&i| self.account.principals[i].kind == Kind::Role)
        };
        let admin_roles = || roles().filter(|&i| admins.principals[i]);
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
                roles()
                    .filter(|&r| self.unbounded(r))
                    .find(|&r| {
                        let arn = self.account.principals[r].arn;
                        steps_on(arn, None, None) && self.may_assume(r)
                    })
                    .and_then(|r| named(self.account.principals[r].arn))
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
            Target::AdminUser => (0..self.account.principals.len())
                .filter(same_account)
                .filter(|&i| admins.principals[i] && self.account.principals[i].kind == Kind::User)
                .find(|&i| steps_on(self.account.principals[i].arn, None, None))
                .and_then(|i| named(self.account.principals[i].arn)),
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
            Target::AdminRole => admin_roles()
                .find(|&r| steps_on(self.account.principals[r].arn, None, None))
                .and_then(|r| named(self.account.principals[r].arn)),
            Target::AssumableAdminRole => admin_roles()
                .find(|&r| steps_on(self.account.principals[r].arn, Some(r), None))
                .and_then(|r| named(self.account.principals[r].arn)),
            Target::PassedAdminRole(service) => admin_roles()
                .filter(|&r| self.trusts_service(r, service))
                .find(|&r| steps_on(self.account.principals[r].arn, None, Some(service)))
                .and_then(|r| named(self.account.principals[r].arn)),
            Target::OwnBoundary => {
                let boundary = me.boundary_arn?;
                (self.identity_everything && self.may_lift(boundary))
                    .then(|| Some(boundary.to_owned()))
            }
            Target::ExistingResourceOf(service) => {
                let role = admin_roles().find(|&r| self.trusts_service(r, service))?;
                steps_on("*", None, None)
                    .then(|| Some(self.account.principals[role].arn.to_owned()))
            }
        }
    }

    /// Whether a role's boundary (if any) lets an administrator policy attached to it
    /// give everything.
    fn unbounded(&self, role: usize) -> bool {
        self.account.principals[role].boundary_arn.is_none()
    }

    /// Whether `service` (`lambda.amazonaws.com`) may assume role `role`.
    fn trusts_service(&self, role: usize, service: &str) -> bool {
        let p = &self.account.principals[role];
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
        let grant = self.account.trusts[t as usize].resource_grant(&request);
        grant.deny != credreport_policy::Tri::Yes && grant.to_principal.possible()
    }
}
