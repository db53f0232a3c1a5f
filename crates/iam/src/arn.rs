//! Amazon Resource Names, built and parsed in one place.
//!
//! An ARN is `arn:<partition>:<service>:<region>:<account>:<resource>`; the resource may
//! itself hold colons, so only the first five separate fields. IAM's own resources are
//! `arn:aws:iam::<account>:<kind><path><name>` (no region; the path is `/` or `/a/b/`),
//! the root user is `arn:aws:iam::<account>:root`, AWS managed policies have the account
//! `aws`, and a role session is `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
//!
//! An [`Arn`] keeps its text exactly as built or parsed (no case folding, no
//! normalization), so what is shown, stored and compared is what was given.

use std::fmt;

use crate::ids::{AccountId, OrganizationId, RootId};

/// The partition every ARN this service builds is in.
pub const PARTITION: &str = "aws";

/// The beginning of every IAM ARN this service builds.
pub const IAM_PREFIX: &str = "arn:aws:iam::";

/// The account field of AWS managed policies' ARNs.
pub const AWS_ACCOUNT: &str = "aws";

/// The kinds of IAM resource named `arn:aws:iam::<account>:<kind><path><name>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IamKind {
    /// `user`
    User,
    /// `group`
    Group,
    /// `role`
    Role,
    /// `instance-profile`
    InstanceProfile,
    /// `policy` (customer managed; AWS managed ones are in the account `aws`)
    Policy,
    /// `mfa` (a virtual MFA device; its ARN is its serial number)
    Mfa,
    /// `server-certificate`
    ServerCertificate,
}

impl IamKind {
    const ALL: [IamKind; 7] = [
        IamKind::User,
        IamKind::Group,
        IamKind::Role,
        IamKind::InstanceProfile,
        IamKind::Policy,
        IamKind::Mfa,
        IamKind::ServerCertificate,
    ];

    /// The kind as it is written in an ARN.
    pub const fn as_str(self) -> &'static str {
        match self {
            IamKind::User => "user",
            IamKind::Group => "group",
            IamKind::Role => "role",
            IamKind::InstanceProfile => "instance-profile",
            IamKind::Policy => "policy",
            IamKind::Mfa => "mfa",
            IamKind::ServerCertificate => "server-certificate",
        }
    }

    fn parse(s: &str) -> Option<IamKind> {
        IamKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why a text is not an ARN.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    /// It does not begin with `arn:`.
    #[error("an ARN begins with \"arn:\"")]
    Prefix,
    /// It has fewer than the six colon-separated fields.
    #[error("an ARN has six fields: arn:partition:service:region:account:resource")]
    Fields,
    /// The partition, the service or the resource is empty.
    #[error("an ARN's partition, service and resource are not empty")]
    Empty,
}

/// An Amazon Resource Name. Built by the constructors below or by [`Arn::parse`]; its
/// text never changes afterwards.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Arn {
    text: String,
    /// Where the service, region, account and resource fields begin in `text`.
    at: [usize; 4],
}

impl Arn {
    /// Parses `arn:partition:service:region:account:resource` (the resource may hold
    /// colons; region and account may be empty, as in S3's ARNs).
    pub fn parse(text: &str) -> Result<Arn, ArnError> {
        let rest = text.strip_prefix("arn:").ok_or(ArnError::Prefix)?;
        let mut at = [0; 4];
        let mut from = 4;
        let mut fields = rest.splitn(5, ':');
        let partition = fields.next().unwrap_or_default();
        from += partition.len() + 1;
        for slot in &mut at {
            let field = fields.next().ok_or(ArnError::Fields)?;
            *slot = from;
            from += field.len() + 1;
        }
        let arn = Arn {
            text: text.to_owned(),
            at,
        };
        if arn.partition().is_empty() || arn.service().is_empty() || arn.resource().is_empty() {
            return Err(ArnError::Empty);
        }
        Ok(arn)
    }

    fn build(service: &str, region: &str, account: &str, resource: &[&str]) -> Arn {
        let mut text = String::with_capacity(
            64 + account.len() + resource.iter().map(|r| r.len()).sum::<usize>(),
        );
        text.push_str("arn:");
        text.push_str(PARTITION);
        text.push(':');
        let service_at = text.len();
        text.push_str(service);
        text.push(':');
        let region_at = text.len();
        text.push_str(region);
        text.push(':');
        let account_at = text.len();
        text.push_str(account);
        text.push(':');
        let resource_at = text.len();
        for part in resource {
            text.push_str(part);
        }
        Arn {
            text,
            at: [service_at, region_at, account_at, resource_at],
        }
    }

    /// `arn:aws:iam::<account>:<kind><path><name>`. The path is `/` or `/a/b/`; a name of
    /// `*` makes a pattern for any name, an empty one the kind's prefix (what the List
    /// actions are authorized on).
    pub fn iam(account: &AccountId, kind: IamKind, path: &str, name: &str) -> Arn {
        Arn::build("iam", "", account.as_str(), &[kind.as_str(), path, name])
    }

    /// `arn:aws:iam::<account>:<kind>/`: every resource of a kind (ListUsers, ListRoles…).
    pub fn iam_all(account: &AccountId, kind: IamKind) -> Arn {
        Arn::iam(account, kind, "/", "")
    }

    /// `arn:aws:iam::<account>:root`, the account's root user.
    pub fn root(account: &AccountId) -> Arn {
        Arn::build("iam", "", account.as_str(), &["root"])
    }

    /// `arn:aws:iam::aws:policy<path><name>`, an AWS managed policy.
    pub fn aws_managed_policy(path: &str, name: &str) -> Arn {
        Arn::build(
            "iam",
            "",
            AWS_ACCOUNT,
            &[IamKind::Policy.as_str(), path, name],
        )
    }

    /// `arn:aws:sts::<account>:assumed-role/<role name>/<session name>`, a role session.
    pub fn assumed_role(account: &AccountId, role: &str, session: &str) -> Arn {
        Arn::build(
            "sts",
            "",
            account.as_str(),
            &["assumed-role/", role, "/", session],
        )
    }

    /// `arn:aws:organizations::<management account>:organization/<organization id>`.
    pub fn organization(management: &AccountId, organization: &OrganizationId) -> Arn {
        Arn::build(
            "organizations",
            "",
            management.as_str(),
            &["organization/", organization.as_str()],
        )
    }

    /// `arn:aws:organizations::<management account>:account/<organization id>/<account>`,
    /// an account as a member of its organization.
    pub fn organization_account(
        management: &AccountId,
        organization: &OrganizationId,
        account: &AccountId,
    ) -> Arn {
        Arn::build(
            "organizations",
            "",
            management.as_str(),
            &["account/", organization.as_str(), "/", account.as_str()],
        )
    }

    /// `arn:aws:organizations::<management account>:root/<organization id>/<root id>`.
    pub fn organization_root(
        management: &AccountId,
        organization: &OrganizationId,
        root: &RootId,
    ) -> Arn {
        Arn::build(
            "organizations",
            "",
            management.as_str(),
            &["root/", organization.as_str(), "/", root.as_str()],
        )
    }

    /// The pieces of `arn:aws:iam::<account>:<kind><path><name>`, to be written without
    /// building the ARN (a report row, an XML element).
    pub fn iam_parts<'a>(
        account: &'a str,
        kind: IamKind,
        path: &'a str,
        name: &'a str,
    ) -> [&'a str; 6] {
        [IAM_PREFIX, account, ":", kind.as_str(), path, name]
    }

    /// The ARN's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The ARN's text, owned.
    pub fn into_string(self) -> String {
        self.text
    }

    fn field(&self, i: usize) -> &str {
        let end = self.at.get(i + 1).map_or(self.text.len(), |next| next - 1);
        self.text.get(self.at[i]..end).unwrap_or_default()
    }

    /// `aws`, `aws-us-gov`, …
    pub fn partition(&self) -> &str {
        self.text.get(4..self.at[0] - 1).unwrap_or_default()
    }

    /// `iam`, `sts`, `s3`, …
    pub fn service(&self) -> &str {
        self.field(0)
    }

    /// The region (empty for IAM and STS).
    pub fn region(&self) -> &str {
        self.field(1)
    }

    /// The account field as written (12 digits, `aws`, or empty).
    pub fn account(&self) -> &str {
        self.field(2)
    }

    /// The account, when the account field is an account id.
    pub fn account_id(&self) -> Option<AccountId> {
        AccountId::parse(self.account())
    }

    /// Everything after the fifth colon.
    pub fn resource(&self) -> &str {
        self.text.get(self.at[3]..).unwrap_or_default()
    }

    /// An IAM resource of this service's partition (`arn:aws:iam::…`) split into its kind,
    /// its path (`/` or `/a/b/`) and its name; `None` for anything else (the root user,
    /// another service, a region).
    pub fn iam_resource(&self) -> Option<(IamKind, &str, &str)> {
        if self.partition() != PARTITION || self.service() != "iam" || !self.region().is_empty() {
            return None;
        }
        let resource = self.resource();
        let slash = resource.find('/')?;
        let kind = IamKind::parse(&resource[..slash])?;
        let path_and_name = &resource[slash..];
        let last = path_and_name.rfind('/').unwrap_or(0);
        Some((kind, &path_and_name[..=last], &path_and_name[last + 1..]))
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Arn({})", self.text)
    }
}

impl AsRef<str> for Arn {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl From<Arn> for String {
    fn from(arn: Arn) -> String {
        arn.text
    }
}

impl PartialEq<str> for Arn {
    fn eq(&self, other: &str) -> bool {
        self.text == other
    }
}

impl PartialEq<&str> for Arn {
    fn eq(&self, other: &&str) -> bool {
        self.text == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account() -> AccountId {
        AccountId::parse("123456789012").unwrap_or_else(|| unreachable!())
    }

    fn org() -> OrganizationId {
        OrganizationId::parse("o-exampleorgid").unwrap_or_else(|| unreachable!())
    }

    /// Every constructor, and the text AWS documents for it (IAM identifiers page).
    #[test]
    fn built_arns_are_the_documented_texts() {
        let a = account();
        let cases = [
            (Arn::root(&a), "arn:aws:iam::123456789012:root"),
            (
                Arn::iam(&a, IamKind::User, "/division_abc/subdivision_xyz/", "Bob"),
                "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob",
            ),
            (
                Arn::iam(&a, IamKind::Group, "/", "Developers"),
                "arn:aws:iam::123456789012:group/Developers",
            ),
            (
                Arn::iam(&a, IamKind::Role, "/application_abc/", "S3Access"),
                "arn:aws:iam::123456789012:role/application_abc/S3Access",
            ),
            (
                Arn::iam(&a, IamKind::InstanceProfile, "/", "Webserver"),
                "arn:aws:iam::123456789012:instance-profile/Webserver",
            ),
            (
                Arn::iam(&a, IamKind::Policy, "/", "UsersManageOwnCredentials"),
                "arn:aws:iam::123456789012:policy/UsersManageOwnCredentials",
            ),
            (
                Arn::iam(&a, IamKind::Mfa, "/", "JaneMFA"),
                "arn:aws:iam::123456789012:mfa/JaneMFA",
            ),
            (
                Arn::iam_all(&a, IamKind::ServerCertificate),
                "arn:aws:iam::123456789012:server-certificate/",
            ),
            (
                Arn::iam(&a, IamKind::User, "/", "*"),
                "arn:aws:iam::123456789012:user/*",
            ),
            (
                Arn::aws_managed_policy("/", "AdministratorAccess"),
                "arn:aws:iam::aws:policy/AdministratorAccess",
            ),
            (
                Arn::aws_managed_policy("/service-role/", "AWSConfigRole"),
                "arn:aws:iam::aws:policy/service-role/AWSConfigRole",
            ),
            (
                Arn::assumed_role(&a, "Accounting-Role", "Mary"),
                "arn:aws:sts::123456789012:assumed-role/Accounting-Role/Mary",
            ),
            // The Organizations API reference's examples (DescribeOrganization,
            // DescribeAccount, ListRoots).
            (
                Arn::organization(&a, &org()),
                "arn:aws:organizations::123456789012:organization/o-exampleorgid",
            ),
            (
                Arn::organization_account(
                    &a,
                    &org(),
                    &AccountId::parse("555555555555").unwrap_or_else(|| unreachable!()),
                ),
                "arn:aws:organizations::123456789012:account/o-exampleorgid/555555555555",
            ),
            (
                Arn::organization_root(
                    &a,
                    &org(),
                    &RootId::parse("r-examplerootid111").unwrap_or_else(|| unreachable!()),
                ),
                "arn:aws:organizations::123456789012:root/o-exampleorgid/r-examplerootid111",
            ),
        ];
        for (arn, text) in cases {
            assert_eq!(arn.as_str(), text);
            let parsed = Arn::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed, arn, "{text}: parsing gives the built value");
            assert_eq!(parsed.partition(), "aws");
            assert_eq!(parsed.to_string(), text);
        }
    }

    /// Parsing: the fields, and the texts that are not ARNs.
    #[test]
    fn parsed_fields_and_refusals() {
        let check = |text: &str, want: Result<[&str; 5], ArnError>| {
            let got = Arn::parse(text).map(|a| {
                [
                    a.partition().to_owned(),
                    a.service().to_owned(),
                    a.region().to_owned(),
                    a.account().to_owned(),
                    a.resource().to_owned(),
                ]
            });
            let want = want.map(|w| w.map(str::to_owned));
            assert_eq!(got, want, "{text}");
        };
        check(
            "arn:aws:s3:::my_corporate_bucket/exampleobject.png",
            Ok(["aws", "s3", "", "", "my_corporate_bucket/exampleobject.png"]),
        );
        check(
            "arn:aws-us-gov:iam::123456789012:root",
            Ok(["aws-us-gov", "iam", "", "123456789012", "root"]),
        );
        check(
            "arn:aws:logs:us-east-1:123456789012:log-group:/aws/x:*",
            Ok([
                "aws",
                "logs",
                "us-east-1",
                "123456789012",
                "log-group:/aws/x:*",
            ]),
        );
        check("arn:aws:iam::123456789012:", Err(ArnError::Empty));
        check("arn::iam::123456789012:root", Err(ArnError::Empty));
        check("arn:aws:iam::123456789012", Err(ArnError::Fields));
        check("arn:aws:iam", Err(ArnError::Fields));
        check("*", Err(ArnError::Prefix));
        check("", Err(ArnError::Prefix));
        check("ARN:aws:iam::123456789012:root", Err(ArnError::Prefix));
    }

    #[test]
    fn iam_resources_split_into_kind_path_and_name() {
        let check = |text: &str, want: Option<(IamKind, &str, &str)>| {
            let arn = Arn::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(arn.iam_resource(), want, "{text}");
        };
        check(
            "arn:aws:iam::123456789012:user/a/b/Bob",
            Some((IamKind::User, "/a/b/", "Bob")),
        );
        check(
            "arn:aws:iam::123456789012:role/R",
            Some((IamKind::Role, "/", "R")),
        );
        check(
            "arn:aws:iam::aws:policy/service-role/X",
            Some((IamKind::Policy, "/service-role/", "X")),
        );
        check(
            "arn:aws:iam::123456789012:policy/",
            Some((IamKind::Policy, "/", "")),
        );
        check("arn:aws:iam::123456789012:root", None);
        check("arn:aws:iam::123456789012:widget/x", None);
        check("arn:aws:iam:us-east-1:123456789012:user/x", None);
        check("arn:aws-cn:iam::123456789012:user/x", None);
        check("arn:aws:sts::123456789012:assumed-role/R/s", None);
    }

    #[test]
    fn the_parts_spell_the_built_arn() {
        let a = account();
        let parts = Arn::iam_parts(a.as_str(), IamKind::User, "/x/", "y");
        assert_eq!(
            parts.concat(),
            Arn::iam(&a, IamKind::User, "/x/", "y").into_string()
        );
    }
}
