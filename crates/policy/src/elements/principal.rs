//! The `Principal` and `NotPrincipal` elements of resource-based policies (role trust
//! policies among them), and who makes a request ([`Principal`]).
//!
//! As AWS's "IAM JSON policy elements: Principal" page says: `"*"` or `{"AWS": "*"}` is
//! everyone; an account is its id or `arn:aws:iam::<id>:root`; a user, a role or a role
//! session is its ARN; `Service` names an AWS service, `Federated` an identity provider.
//! Principals are compared exactly: wildcards inside an ARN are refused, as IAM refuses
//! them.

use serde_json::Value;

use crate::error::{messages, MalformedPolicy};

/// Who makes a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal<'a> {
    /// An account's root user.
    Root {
        /// The account id.
        account: &'a str,
    },
    /// An IAM user.
    User {
        /// The user's account.
        account: &'a str,
        /// The user's ARN.
        arn: &'a str,
    },
    /// A session of a role.
    AssumedRole {
        /// The role's account.
        account: &'a str,
        /// The role's ARN.
        role_arn: &'a str,
        /// The session's ARN (`arn:aws:sts::<id>:assumed-role/<role>/<session>`), when
        /// known.
        session_arn: Option<&'a str>,
    },
    /// An AWS service (`ec2.amazonaws.com`).
    Service(&'a str),
    /// A federated identity provider (`cognito-identity.amazonaws.com`, a SAML
    /// provider's ARN).
    Federated(&'a str),
}

impl<'a> Principal<'a> {
    /// The principal's account (`None` for services and federated identities, which
    /// have no identity-based policies).
    pub fn account(&self) -> Option<&'a str> {
        match *self {
            Principal::Root { account }
            | Principal::User { account, .. }
            | Principal::AssumedRole { account, .. } => Some(account),
            Principal::Service(_) | Principal::Federated(_) => None,
        }
    }

    /// A principal from an IAM ARN: the account's root (`…:root`), a user (`…:user/…`),
    /// a role, standing for a session of it (`…:role/…`), or an assumed-role session
    /// (`arn:aws:sts::<id>:assumed-role/<role>/<session>`, whose role ARN is unknown
    /// here). `None` for anything else.
    pub fn from_arn(arn: &'a str) -> Option<Principal<'a>> {
        let rest = arn.strip_prefix("arn:")?;
        let (_partition, rest) = rest.split_once(':')?;
        let (service, rest) = rest.split_once(':')?;
        let (_region, rest) = rest.split_once(':')?;
        let (account, resource) = rest.split_once(':')?;
        if !is_account_id(account) {
            return None;
        }
        match service {
            "iam" if resource == "root" => Some(Principal::Root { account }),
            "iam" if resource.starts_with("user/") => Some(Principal::User { account, arn }),
            "iam" if resource.starts_with("role/") => Some(Principal::AssumedRole {
                account,
                role_arn: arn,
                session_arn: None,
            }),
            "sts" if resource.starts_with("assumed-role/") => Some(Principal::AssumedRole {
                account,
                role_arn: "",
                session_arn: Some(arn),
            }),
            _ => None,
        }
    }
}

/// How a policy statement's principals name a request's principal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Reach {
    /// Not at all.
    None,
    /// Through its account (an account id, `…:root`, `*`, or a `NotPrincipal` that leaves
    /// it out): the account's own policies decide for it, so the principal's
    /// identity-based policies must allow too.
    Account,
    /// Through its role's ARN (a session of that role): an Allow grants without the
    /// identity-based policies, still within the permissions boundary and session
    /// policies.
    Role,
    /// By name: the user's ARN, the session's ARN, the service or the provider. An Allow
    /// grants without the identity-based policies, boundary or session policies (same
    /// account).
    Principal,
}

#[derive(Clone, Debug)]
enum Aws {
    Everyone,
    Account(Box<str>),
    Arn(Box<str>),
}

/// `Principal` (`negated == false`) or `NotPrincipal`.
#[derive(Clone, Debug)]
pub(crate) struct Principals {
    negated: bool,
    aws: Box<[Aws]>,
    services: Box<[Box<str>]>,
    federated: Box<[Box<str>]>,
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// An `AWS` principal as IAM accepts it: `*`, an account id, or the ARN of an account's
/// root, a user, a role or an STS session, with no wildcard.
fn read_aws(p: &str) -> Option<Aws> {
    if p == "*" {
        return Some(Aws::Everyone);
    }
    if is_account_id(p) {
        return Some(Aws::Account(p.into()));
    }
    if p.contains(['*', '?']) {
        return None;
    }
    if let Some(rest) = p.strip_prefix("arn:aws:iam::") {
        let (account, what) = rest.split_once(':')?;
        if !is_account_id(account) {
            return None;
        }
        if what == "root" {
            return Some(Aws::Account(account.into()));
        }
        return (what.starts_with("user/") || what.starts_with("role/"))
            .then(|| Aws::Arn(p.into()));
    }
    p.starts_with("arn:aws:sts::").then(|| Aws::Arn(p.into()))
}

fn strings(value: Value) -> Result<Vec<String>, MalformedPolicy> {
    match value {
        Value::String(s) => Ok(vec![s]),
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                _ => Err(MalformedPolicy::new(messages::SYNTAX)),
            })
            .collect(),
        _ => Err(MalformedPolicy::new(messages::SYNTAX)),
    }
}

impl Principals {
    /// Parses a `Principal` (`negated == false`) or `NotPrincipal` value: `"*"`, or an
    /// object of `AWS`, `Service`, `Federated` and `CanonicalUser` (never matched here:
    /// this service has no canonical users), each a string or an array of strings.
    pub(crate) fn parse(value: Value, negated: bool) -> Result<Principals, MalformedPolicy> {
        let mut principals = Principals {
            negated,
            aws: Box::new([]),
            services: Box::new([]),
            federated: Box::new([]),
        };
        match value {
            Value::String(s) if s == "*" => principals.aws = Box::new([Aws::Everyone]),
            Value::Object(map) => {
                for (kind, v) in map {
                    let list = strings(v)?;
                    match kind.as_str() {
                        "AWS" => {
                            principals.aws = list
                                .iter()
                                .map(|p| {
                                    read_aws(p).ok_or_else(|| {
                                        MalformedPolicy(format!(
                                            "Invalid principal in policy: \"AWS\":\"{p}\""
                                        ))
                                    })
                                })
                                .collect::<Result<_, _>>()?;
                        }
                        "Service" => {
                            if list.iter().any(String::is_empty) {
                                return Err(MalformedPolicy::new(messages::SYNTAX));
                            }
                            principals.services = list.into_iter().map(Into::into).collect();
                        }
                        "Federated" => {
                            principals.federated = list.into_iter().map(Into::into).collect();
                        }
                        "CanonicalUser" => {}
                        _ => return Err(MalformedPolicy::new(messages::SYNTAX)),
                    }
                }
            }
            _ => return Err(MalformedPolicy::new(messages::SYNTAX)),
        }
        Ok(principals)
    }

    /// How the element names `p`. For `NotPrincipal`: the statement applies to `p`
    /// (through its account) unless `p` itself and its account are both listed, as AWS
    /// requires for an exemption ("NotPrincipal with Deny").
    pub(crate) fn reach(&self, p: &Principal<'_>) -> Reach {
        let named = self.named(p);
        if !self.negated {
            return named;
        }
        let everyone = self.aws.iter().any(|a| matches!(a, Aws::Everyone));
        let account_listed = p.account().is_none_or(|id| {
            self.aws
                .iter()
                .any(|a| matches!(a, Aws::Account(listed) if **listed == *id))
        });
        let exempt = everyone
            || (named >= Reach::Role && account_listed)
            || (matches!(p, Principal::Root { .. }) && named == Reach::Account);
        if exempt {
            Reach::None
        } else {
            Reach::Account
        }
    }

    fn named(&self, p: &Principal<'_>) -> Reach {
        let mut best = Reach::None;
        for a in self.aws.iter() {
            let reach = match (a, p) {
                (Aws::Everyone, Principal::Service(_) | Principal::Federated(_)) => Reach::None,
                (Aws::Everyone, _) => Reach::Account,
                (Aws::Account(id), _) => {
                    if p.account() == Some(&**id) {
                        Reach::Account
                    } else {
                        Reach::None
                    }
                }
                (Aws::Arn(arn), Principal::User { arn: user, .. }) if **arn == **user => {
                    Reach::Principal
                }
                (
                    Aws::Arn(arn),
                    Principal::AssumedRole {
                        role_arn,
                        session_arn,
                        ..
                    },
                ) => {
                    if Some(&**arn) == *session_arn {
                        Reach::Principal
                    } else if **arn == **role_arn {
                        Reach::Role
                    } else {
                        Reach::None
                    }
                }
                _ => Reach::None,
            };
            best = best.max(reach);
        }
        let by_name = match p {
            Principal::Service(s) => self.services.iter().any(|x| **x == **s),
            Principal::Federated(f) => self.federated.iter().any(|x| **x == **f),
            _ => false,
        };
        if by_name {
            best = Reach::Principal;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principals(json: &str, negated: bool) -> Principals {
        let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
        Principals::parse(value, negated).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    const ALICE: Principal<'static> = Principal::User {
        account: "111111111111",
        arn: "arn:aws:iam::111111111111:user/alice",
    };
    const SESSION: Principal<'static> = Principal::AssumedRole {
        account: "111111111111",
        role_arn: "arn:aws:iam::111111111111:role/r",
        session_arn: Some("arn:aws:sts::111111111111:assumed-role/r/s"),
    };

    #[test]
    fn who_a_principal_element_names() {
        let cases: &[(&str, bool, Principal<'_>, Reach)] = &[
            (r#""*""#, false, ALICE, Reach::Account),
            (r#"{"AWS":"*"}"#, false, ALICE, Reach::Account),
            (r#"{"AWS":"111111111111"}"#, false, ALICE, Reach::Account),
            (
                r#"{"AWS":"arn:aws:iam::111111111111:root"}"#,
                false,
                ALICE,
                Reach::Account,
            ),
            (
                r#"{"AWS":"arn:aws:iam::222222222222:root"}"#,
                false,
                ALICE,
                Reach::None,
            ),
            (
                r#"{"AWS":"arn:aws:iam::111111111111:user/alice"}"#,
                false,
                ALICE,
                Reach::Principal,
            ),
            (
                r#"{"AWS":"arn:aws:iam::111111111111:user/Alice"}"#,
                false,
                ALICE,
                Reach::None,
            ),
            (
                r#"{"AWS":["111111111111","arn:aws:iam::111111111111:user/alice"]}"#,
                false,
                ALICE,
                Reach::Principal,
            ),
            (
                r#"{"AWS":"arn:aws:iam::111111111111:role/r"}"#,
                false,
                SESSION,
                Reach::Role,
            ),
            (
                r#"{"AWS":"arn:aws:sts::111111111111:assumed-role/r/s"}"#,
                false,
                SESSION,
                Reach::Principal,
            ),
            (
                r#"{"AWS":"arn:aws:sts::111111111111:assumed-role/r/other"}"#,
                false,
                SESSION,
                Reach::None,
            ),
            (
                r#"{"Service":"ec2.amazonaws.com"}"#,
                false,
                ALICE,
                Reach::None,
            ),
            (
                r#"{"Service":["ec2.amazonaws.com"]}"#,
                false,
                Principal::Service("ec2.amazonaws.com"),
                Reach::Principal,
            ),
            (
                r#"{"AWS":"*"}"#,
                false,
                Principal::Service("ec2.amazonaws.com"),
                Reach::None,
            ),
            (
                r#"{"Federated":"cognito-identity.amazonaws.com"}"#,
                false,
                Principal::Federated("cognito-identity.amazonaws.com"),
                Reach::Principal,
            ),
            (
                r#"{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}"#,
                false,
                ALICE,
                Reach::None,
            ),
            (r#"{}"#, false, ALICE, Reach::None),
            // NotPrincipal: an exemption needs the principal and its account.
            (
                r#"{"AWS":"arn:aws:iam::111111111111:user/alice"}"#,
                true,
                ALICE,
                Reach::Account,
            ),
            (
                r#"{"AWS":["arn:aws:iam::111111111111:user/alice","111111111111"]}"#,
                true,
                ALICE,
                Reach::None,
            ),
            (
                r#"{"AWS":"arn:aws:iam::111111111111:user/bob"}"#,
                true,
                ALICE,
                Reach::Account,
            ),
            (r#"{"AWS":"*"}"#, true, ALICE, Reach::None),
            (
                r#"{"AWS":"111111111111"}"#,
                true,
                Principal::Root {
                    account: "111111111111",
                },
                Reach::None,
            ),
        ];
        for (json, negated, p, expected) in cases {
            assert_eq!(
                principals(json, *negated).reach(p),
                *expected,
                "{json} {p:?}"
            );
        }
    }

    #[test]
    fn principals_iam_refuses() {
        let cases: &[(&str, &str)] = &[
            (
                r#"{"AWS":"alice"}"#,
                "Invalid principal in policy: \"AWS\":\"alice\"",
            ),
            (
                r#"{"AWS":"arn:aws:iam::111111111111:user/*"}"#,
                "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111111111111:user/*\"",
            ),
            (
                r#"{"AWS":"arn:aws:iam::1111:root"}"#,
                "Invalid principal in policy: \"AWS\":\"arn:aws:iam::1111:root\"",
            ),
            (r#""alice""#, messages::SYNTAX),
            (r#"["*"]"#, messages::SYNTAX),
            (r#"{"Users":"x"}"#, messages::SYNTAX),
            (r#"{"AWS":1}"#, messages::SYNTAX),
            (r#"{"Service":""}"#, messages::SYNTAX),
        ];
        for (json, message) in cases {
            let value: Value = serde_json::from_str(json).unwrap_or(Value::Null);
            let err = Principals::parse(value, false).err().map(|e| e.0);
            assert_eq!(err.as_deref(), Some(*message), "{json}");
        }
    }

    #[test]
    fn principals_from_arns() {
        let cases: &[(&str, Option<Principal<'_>>)] = &[
            (
                "arn:aws:iam::111111111111:root",
                Some(Principal::Root {
                    account: "111111111111",
                }),
            ),
            ("arn:aws:iam::111111111111:user/alice", Some(ALICE)),
            (
                "arn:aws:iam::111111111111:role/r",
                Some(Principal::AssumedRole {
                    account: "111111111111",
                    role_arn: "arn:aws:iam::111111111111:role/r",
                    session_arn: None,
                }),
            ),
            ("arn:aws:s3:::bucket", None),
            ("arn:aws:iam::1:user/x", None),
            ("nonsense", None),
        ];
        for (arn, expected) in cases {
            assert_eq!(Principal::from_arn(arn), *expected, "{arn}");
        }
        assert_eq!(ALICE.account(), Some("111111111111"));
        assert_eq!(Principal::Service("s").account(), None);
    }
}
