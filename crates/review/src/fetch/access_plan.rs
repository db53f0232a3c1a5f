//! Which last-accessed jobs a fetch-mode audit runs, and how a group's job answers for its
//! members.
//!
//! A job about a user lists the services the user's identity policies allow, each with the
//! user's last use. A user whose only policies are its groups' gets the same from its
//! groups' jobs: each group's job lists the services that group allows, and
//! GetServiceLastAccessedDetailsWithEntities names, for a service, each member's last use
//! that the group's permissions granted. A call by such a user was granted by one of its
//! groups (it has no other policy), so the latest use over its groups is its own latest use
//! of the service, and the union of its groups' services is what its own job would list.
//! The same users' data then costs one job per group and one call per used service, not
//! one job per user: in an account where permissions come from groups, as AWS advises,
//! that is a few dozen calls instead of ten thousand.
//!
//! A user with policies of its own (inline or attached) and every role get their own job;
//! a user with neither policies nor groups is allowed no service and needs none. The
//! group-derived data lacks one thing a user's own job has: the region of each use
//! (`LastAuthenticatedRegion`), which a group's job gives only for its latest user.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use credreport_privilege::{
    AuthorizationDetails, LastAccessed, LastUse, PrincipalAccess, ServiceAccess, Time,
};

/// The jobs to run for an account's users and roles.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Users and roles that get a job of their own, by ARN.
    pub principals: Vec<String>,
    /// Groups whose jobs answer for their members, by ARN.
    pub groups: Vec<String>,
    /// Users answered by their groups' jobs: user ARN to its groups' ARNs.
    pub covered: BTreeMap<String, Vec<String>>,
    /// Users allowed no service (no policies, no groups): their data is empty.
    pub empty: Vec<String>,
}

impl Plan {
    /// The plan for `details` (GetAccountAuthorizationDetails, every page).
    pub fn of(details: &AuthorizationDetails) -> Plan {
        let group_arns: HashMap<&str, &str> = details
            .groups
            .iter()
            .map(|g| (g.group_name.as_str(), g.arn.as_str()))
            .collect();
        let mut plan = Plan::default();
        let mut groups = BTreeSet::new();
        for u in &details.users {
            let own = !u.user_policy_list.is_empty() || !u.attached_managed_policies.is_empty();
            let arns: Option<Vec<String>> = u
                .group_list
                .iter()
                .map(|name| group_arns.get(name.as_str()).map(|a| (*a).to_owned()))
                .collect();
            match arns {
                // A group the details do not describe: the user's own job decides.
                _ if own => plan.principals.push(u.arn.clone()),
                None => plan.principals.push(u.arn.clone()),
                Some(arns) if arns.is_empty() => plan.empty.push(u.arn.clone()),
                Some(arns) => {
                    groups.extend(arns.iter().cloned());
                    plan.covered.insert(u.arn.clone(), arns);
                }
            }
        }
        plan.principals
            .extend(details.roles.iter().map(|r| r.arn.clone()));
        plan.groups = groups.into_iter().collect();
        plan
    }
}

/// One service of a group's job, with its members' last uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupService {
    /// The service as the job lists it (its `LastAuthenticated` is the group's latest use).
    pub service: ServiceAccess,
    /// `LastAuthenticatedEntity`: who made that latest use.
    pub last_entity: Option<String>,
    /// Each member's last use the group granted (GetServiceLastAccessedDetailsWithEntities).
    pub members: HashMap<String, Time>,
}

/// A group's job, read whole.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GroupAccess {
    /// `JobCompletionDate`.
    pub computed: Option<Time>,
    /// The services the group's policies allow.
    pub services: Vec<GroupService>,
}

/// What the jobs of `groups` (by ARN; a group whose job failed is missing) say about
/// `user`, a member of each: `None` when one of them is missing, so that no finding rests
/// on part of its data. Its service list is shared through `data` with the other members
/// of the same groups.
pub fn member_access(
    user: &str,
    groups: &[String],
    jobs: &HashMap<String, GroupAccess>,
    data: &mut LastAccessed,
) -> Option<PrincipalAccess> {
    let mut by_namespace: BTreeMap<&str, ServiceAccess> = BTreeMap::new();
    let mut computed: Option<Time> = None;
    for arn in groups {
        let job = jobs.get(arn)?;
        // The oldest of the jobs: the data is at least that fresh.
        computed = match (computed, job.computed) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        for s in &job.services {
            let used = s.members.get(user).copied();
            let entry = by_namespace
                .entry(s.service.service.namespace())
                .or_insert_with(|| ServiceAccess {
                    service: s.service.service.clone(),
                    last: None,
                });
            if let Some(at) = used.filter(|at| Some(*at) > entry.last.as_ref().map(|u| u.at)) {
                let group_latest = s.service.last.as_ref();
                entry.last = Some(LastUse {
                    at,
                    // The group's latest use was this member's: its region is known.
                    region: group_latest
                        .filter(|u| s.last_entity.as_deref() == Some(user) && u.at == at)
                        .and_then(|u| u.region.clone()),
                });
            }
        }
    }
    Some(PrincipalAccess::from_list(
        computed,
        by_namespace.into_values().collect(),
        data,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use credreport_privilege::{
        AttachedPolicy, GroupDetail, InlinePolicy, RoleDetail, Service, UserDetail,
    };

    fn user(name: &str, groups: &[&str], inline: bool, attached: bool) -> UserDetail {
        UserDetail {
            user_name: name.to_owned(),
            arn: format!("arn:aws:iam::111122223333:user/{name}"),
            group_list: groups.iter().map(|g| (*g).to_owned()).collect(),
            user_policy_list: if inline {
                vec![InlinePolicy {
                    policy_name: "own".to_owned(),
                    policy_document: "{}".to_owned(),
                }]
            } else {
                Vec::new()
            },
            attached_managed_policies: if attached {
                vec![AttachedPolicy {
                    policy_name: "ReadOnlyAccess".to_owned(),
                    policy_arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".to_owned(),
                }]
            } else {
                Vec::new()
            },
            ..UserDetail::default()
        }
    }

    fn group(name: &str) -> GroupDetail {
        GroupDetail {
            group_name: name.to_owned(),
            arn: format!("arn:aws:iam::111122223333:group/{name}"),
            ..GroupDetail::default()
        }
    }

    fn arn(kind: &str, name: &str) -> String {
        format!("arn:aws:iam::111122223333:{kind}/{name}")
    }

    #[test]
    fn users_with_only_groups_are_covered_by_their_groups_and_the_rest_get_jobs() {
        let details = AuthorizationDetails {
            users: vec![
                user("grouped", &["devs", "readers"], false, false),
                user("inline", &["devs"], true, false),
                user("attached", &[], false, true),
                user("nothing", &[], false, false),
                user("lost", &["gone"], false, false),
            ],
            groups: vec![group("devs"), group("readers"), group("idle")],
            roles: vec![RoleDetail {
                role_name: "app".to_owned(),
                arn: arn("role", "app"),
                ..RoleDetail::default()
            }],
            ..AuthorizationDetails::default()
        };
        let plan = Plan::of(&details);
        assert_eq!(
            plan.principals,
            [
                arn("user", "inline"),
                arn("user", "attached"),
                arn("user", "lost"),
                arn("role", "app")
            ]
        );
        // A group no covered user is in needs no job.
        assert_eq!(plan.groups, [arn("group", "devs"), arn("group", "readers")]);
        assert_eq!(
            plan.covered.get(&arn("user", "grouped")),
            Some(&vec![arn("group", "devs"), arn("group", "readers")])
        );
        assert_eq!(plan.empty, [arn("user", "nothing")]);
    }

    fn t(s: i64) -> Time {
        Time::from_unix_seconds(s)
    }

    fn service(ns: &str, last: Option<(i64, &str, &str)>, members: &[(&str, i64)]) -> GroupService {
        GroupService {
            service: ServiceAccess {
                service: Service::new(ns, &ns.to_uppercase()),
                last: last.map(|(s, _, r)| LastUse {
                    at: t(s),
                    region: Some(r.to_owned()),
                }),
            },
            last_entity: last.map(|(_, e, _)| arn("user", e)),
            members: members
                .iter()
                .map(|(u, s)| (arn("user", u), t(*s)))
                .collect(),
        }
    }

    #[test]
    fn a_members_data_is_the_union_of_its_groups_services_with_its_latest_use() {
        let devs = GroupAccess {
            computed: Some(t(1_000)),
            services: vec![
                service(
                    "ec2",
                    Some((500, "bob", "eu-west-1")),
                    &[("ann", 400), ("bob", 500)],
                ),
                service("iam", None, &[]),
            ],
        };
        let readers = GroupAccess {
            computed: Some(t(900)),
            services: vec![
                service("ec2", Some((450, "ann", "us-east-2")), &[("ann", 450)]),
                service("s3", Some((300, "ann", "us-west-2")), &[("ann", 300)]),
            ],
        };
        let jobs: HashMap<String, GroupAccess> = [
            (arn("group", "devs"), devs),
            (arn("group", "readers"), readers),
        ]
        .into_iter()
        .collect();
        let both = [arn("group", "devs"), arn("group", "readers")];
        let mut data = LastAccessed::default();
        let ann = member_access(&arn("user", "ann"), &both, &jobs, &mut data).expect("both jobs");
        assert_eq!(ann.computed, Some(t(900)));
        let got: Vec<(&str, Option<Time>, Option<&str>)> = ann
            .services()
            .map(|(s, last)| {
                (
                    s.namespace(),
                    last.map(|u| u.at),
                    last.and_then(|u| u.region.as_deref()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                // ann's latest ec2 use (450) was readers' latest: its region is known.
                ("ec2", Some(t(450)), Some("us-east-2")),
                ("iam", None, None),
                ("s3", Some(t(300)), Some("us-west-2")),
            ]
        );
        // bob was devs' latest ec2 user.
        let bob =
            member_access(&arn("user", "bob"), &both[..1], &jobs, &mut data).expect("devs' job");
        let (_, bob_ec2) = bob.services().next().expect("ec2");
        assert_eq!(bob_ec2.and_then(|u| u.region.as_deref()), Some("eu-west-1"));
        // A failed group job leaves its members out.
        let missing = [arn("group", "devs"), arn("group", "gone")];
        assert_eq!(
            member_access(&arn("user", "ann"), &missing, &jobs, &mut data),
            None
        );
    }
}
