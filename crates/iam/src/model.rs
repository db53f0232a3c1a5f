//! What IAM keeps for the credential report: accounts, users and their credentials.
//!
//! These are plain records; the rules that govern them live in the service modules
//! (`users`, `keys`, …) and the store persists them as they are.

use std::fmt;

use credreport_report::Timestamp;

use crate::arn::{Arn, IamKind};
use crate::ids::AccountId;
use crate::password::PasswordPolicy;

/// Who a credential belongs to: the account's root, or one of its IAM users.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Owner {
    /// The account root user.
    Root,
    /// An IAM user, by unique id (`AIDA…`).
    User(String),
}

impl Owner {
    /// The form stored in databases: `root`, or the user id (user ids start with `AIDA`, so
    /// the two never collide).
    pub fn as_key(&self) -> &str {
        match self {
            Owner::Root => "root",
            Owner::User(id) => id,
        }
    }

    /// The inverse of [`Owner::as_key`].
    pub fn from_key(key: &str) -> Owner {
        if key == "root" {
            Owner::Root
        } else {
            Owner::User(key.to_owned())
        }
    }
}

/// An argon2id PHC string. Not the password, but still kept out of logs.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHash(pub String);

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

/// Bytes sealed with the master key (an access key secret, an MFA seed).
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(pub Vec<u8>);

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

/// A console password: the root's or a user's login profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Password {
    /// The current hash.
    pub hash: PasswordHash,
    /// When the login profile was created (GetLoginProfile's CreateDate).
    pub created: Timestamp,
    /// When the password was last set (the report's `password_last_changed`).
    pub changed: Timestamp,
    /// Whether the user must set a new password at next sign-in.
    pub reset_required: bool,
    /// Earlier hashes, newest first, for the policy's PasswordReusePrevention.
    pub previous: Vec<PasswordHash>,
}

/// An AWS account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    /// The 12-digit id.
    pub id: AccountId,
    /// When the account (and so its root user) was created.
    pub created: Timestamp,
    /// Created as an Organizations member without root credentials.
    pub organization_member: bool,
    /// The root user's console password, if it has one.
    pub root_password: Option<Password>,
    /// The root's last console sign-in (first of each 5-minute span).
    pub root_password_last_used: Option<Timestamp>,
    /// The account password policy, if one is set.
    pub password_policy: Option<PasswordPolicy>,
}

/// An IAM user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The account it belongs to.
    pub account: AccountId,
    /// The unique id (`AIDA…`).
    pub id: String,
    /// The name, as created (unique within the account ignoring case).
    pub name: String,
    /// The path (`/` or `/a/b/`).
    pub path: String,
    /// When it was created.
    pub created: Timestamp,
    /// The last console sign-in (first of each 5-minute span). It outlives the login
    /// profile, as in IAM: GetUser still shows it after the password is deleted.
    pub password_last_used: Option<Timestamp>,
}

impl User {
    /// `arn:aws:iam::<account>:user<path><name>`
    pub fn arn(&self) -> String {
        self.to_arn().into_string()
    }

    /// The ARN as an [`Arn`].
    pub fn to_arn(&self) -> Arn {
        Arn::iam(&self.account, IamKind::User, &self.path, &self.name)
    }

    /// Appends the ARN to `out`.
    pub fn write_arn(&self, out: &mut String) {
        for part in self.arn_parts() {
            out.push_str(part);
        }
    }

    /// The ARN in the pieces it is made of, to be written without building it.
    pub fn arn_parts(&self) -> [&str; 6] {
        Arn::iam_parts(self.account.as_str(), IamKind::User, &self.path, &self.name)
    }
}

/// The last use of an access key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyUse {
    /// The start of the minute of the first use in the latest 15-minute span.
    pub at: Timestamp,
    /// The region of that use (from the request's credential scope).
    pub region: String,
    /// The service namespace of that use (`iam`, `sts`, …).
    pub service: String,
}

/// An access key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessKey {
    /// `AKIA…`
    pub id: String,
    /// The account it belongs to.
    pub account: AccountId,
    /// Its owner.
    pub owner: Owner,
    /// The secret, sealed with the master key (associated data: the key id).
    pub secret: Sealed,
    /// Active or Inactive.
    pub active: bool,
    /// When it was created (the report's `last_rotated`).
    pub created: Timestamp,
    /// Its last use, if it was ever used.
    pub last_used: Option<KeyUse>,
}

/// What a credential report shows of an access key: everything but its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFacts {
    /// `AKIA…`
    pub id: String,
    /// Its owner.
    pub owner: Owner,
    /// Active or Inactive.
    pub active: bool,
    /// When it was created.
    pub created: Timestamp,
    /// Its last use, if it was ever used.
    pub last_used: Option<KeyUse>,
}

impl From<&AccessKey> for KeyFacts {
    fn from(k: &AccessKey) -> KeyFacts {
        KeyFacts {
            id: k.id.clone(),
            owner: k.owner.clone(),
            active: k.active,
            created: k.created,
            last_used: k.last_used.clone(),
        }
    }
}

/// A virtual MFA device.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MfaDevice {
    /// `arn:aws:iam::<account>:mfa<path><name>`
    pub serial: String,
    /// The account it belongs to.
    pub account: AccountId,
    /// The device name.
    pub name: String,
    /// The path.
    pub path: String,
    /// The TOTP seed, sealed with the master key (associated data: the serial).
    pub seed: Sealed,
    /// When it was created.
    pub created: Timestamp,
    /// Who it is enabled for, and since when; `None` while unassigned.
    pub assignment: Option<(Owner, Timestamp)>,
    /// The last TOTP counter accepted, so a code is never accepted twice.
    pub last_counter: Option<u64>,
}

/// An X.509 signing certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigningCertificate {
    /// The certificate id.
    pub id: String,
    /// The account it belongs to.
    pub account: AccountId,
    /// Its owner.
    pub owner: Owner,
    /// The PEM body as uploaded.
    pub body: String,
    /// SHA-256 of the DER, to refuse duplicates.
    pub der_sha256: [u8; 32],
    /// Active or Inactive.
    pub active: bool,
    /// When it was uploaded (the report's `cert_N_last_rotated`).
    pub uploaded: Timestamp,
}

/// An IAM user's SSH public key (for CodeCommit): an RSA key of 2048 bits or more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshPublicKey {
    /// The key id (`APKA...`).
    pub id: String,
    /// The account it belongs to.
    pub account: AccountId,
    /// The user's id.
    pub user_id: String,
    /// The body as uploaded (OpenSSH or PEM), surrounding whitespace trimmed.
    pub body: String,
    /// The MD5 of the key blob, colon-separated hex (duplicates are refused by it).
    pub fingerprint: String,
    /// Active or Inactive.
    pub active: bool,
    /// When it was uploaded.
    pub uploaded: Timestamp,
}

/// What a credential report shows of a signing certificate: not its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertFacts {
    /// The certificate id.
    pub id: String,
    /// Its owner.
    pub owner: Owner,
    /// Active or Inactive.
    pub active: bool,
    /// When it was uploaded.
    pub uploaded: Timestamp,
}

impl From<&SigningCertificate> for CertFacts {
    fn from(c: &SigningCertificate) -> CertFacts {
        CertFacts {
            id: c.id.clone(),
            owner: c.owner.clone(),
            active: c.active,
            uploaded: c.uploaded,
        }
    }
}

/// The kinds of identity that policies are attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    /// An IAM user.
    User,
    /// An IAM group.
    Group,
    /// An IAM role.
    Role,
}

impl EntityKind {
    /// The form stored in databases: `user`, `group`, `role`.
    pub fn as_key(self) -> &'static str {
        match self {
            EntityKind::User => "user",
            EntityKind::Group => "group",
            EntityKind::Role => "role",
        }
    }

    /// The inverse of [`EntityKind::as_key`].
    pub fn from_key(key: &str) -> Option<EntityKind> {
        Some(match key {
            "user" => EntityKind::User,
            "group" => EntityKind::Group,
            "role" => EntityKind::Role,
            _ => return None,
        })
    }
}

/// One identity of an account, by kind and unique id (`AIDA…`, `AGPA…`, `AROA…`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Entity {
    /// User, group or role.
    pub kind: EntityKind,
    /// Its unique id.
    pub id: String,
}

impl Entity {
    /// The user with this id.
    pub fn user(id: &str) -> Entity {
        Entity {
            kind: EntityKind::User,
            id: id.to_owned(),
        }
    }

    /// The group with this id.
    pub fn group(id: &str) -> Entity {
        Entity {
            kind: EntityKind::Group,
            id: id.to_owned(),
        }
    }

    /// The role with this id.
    pub fn role(id: &str) -> Entity {
        Entity {
            kind: EntityKind::Role,
            id: id.to_owned(),
        }
    }
}

/// An inline policy of a user, a group or a role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlinePolicy {
    /// Whose it is.
    pub entity: Entity,
    /// The policy name.
    pub name: String,
    /// The JSON document as given.
    pub document: String,
}

/// An IAM group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// The account it belongs to.
    pub account: AccountId,
    /// The unique id (`AGPA…`).
    pub id: String,
    /// The name, as created (unique within the account ignoring case).
    pub name: String,
    /// The path.
    pub path: String,
    /// When it was created.
    pub created: Timestamp,
}

impl Group {
    /// `arn:aws:iam::<account>:group<path><name>`
    pub fn arn(&self) -> String {
        self.to_arn().into_string()
    }

    /// The ARN as an [`Arn`].
    pub fn to_arn(&self) -> Arn {
        Arn::iam(&self.account, IamKind::Group, &self.path, &self.name)
    }
}

/// An IAM role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// The account it belongs to.
    pub account: AccountId,
    /// The unique id (`AROA…`).
    pub id: String,
    /// The name, as created (unique within the account ignoring case).
    pub name: String,
    /// The path.
    pub path: String,
    /// When it was created.
    pub created: Timestamp,
    /// The trust policy: who may assume it.
    pub assume_role_policy: String,
    /// Its description, if any.
    pub description: Option<String>,
    /// The longest session it grants, in seconds (3,600 to 43,200).
    pub max_session_duration: u32,
    /// When it was last assumed, and in which region.
    pub last_used: Option<(Timestamp, String)>,
}

impl Role {
    /// `arn:aws:iam::<account>:role<path><name>`
    pub fn arn(&self) -> String {
        self.to_arn().into_string()
    }

    /// The ARN as an [`Arn`].
    pub fn to_arn(&self) -> Arn {
        Arn::iam(&self.account, IamKind::Role, &self.path, &self.name)
    }
}

/// An instance profile: a container for at most one role, for EC2 instances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstanceProfile {
    /// The account it belongs to.
    pub account: AccountId,
    /// The unique id (`AIPA…`).
    pub id: String,
    /// The name (unique within the account ignoring case).
    pub name: String,
    /// The path.
    pub path: String,
    /// When it was created.
    pub created: Timestamp,
}

impl InstanceProfile {
    /// `arn:aws:iam::<account>:instance-profile<path><name>`
    pub fn arn(&self) -> String {
        self.to_arn().into_string()
    }

    /// The ARN as an [`Arn`].
    pub fn to_arn(&self) -> Arn {
        Arn::iam(
            &self.account,
            IamKind::InstanceProfile,
            &self.path,
            &self.name,
        )
    }
}

/// A customer managed policy (AWS managed ones are a catalog, not stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManagedPolicy {
    /// The account it belongs to.
    pub account: AccountId,
    /// The unique id (`ANPA…`).
    pub id: String,
    /// The name (unique within the account ignoring case).
    pub name: String,
    /// The path.
    pub path: String,
    /// The description given at creation, if any.
    pub description: Option<String>,
    /// When it was created.
    pub created: Timestamp,
    /// When its default version last changed.
    pub updated: Timestamp,
    /// The default version's number (`v<N>`).
    pub default_version: u32,
    /// The number the next version gets (IAM never reuses one).
    pub next_version: u32,
}

impl ManagedPolicy {
    /// `arn:aws:iam::<account>:policy<path><name>`
    pub fn arn(&self) -> String {
        self.to_arn().into_string()
    }

    /// The ARN as an [`Arn`].
    pub fn to_arn(&self) -> Arn {
        Arn::iam(&self.account, IamKind::Policy, &self.path, &self.name)
    }
}

/// One version of a customer managed policy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyVersion {
    /// The policy's unique id.
    pub policy_id: String,
    /// The version number (`v<N>` on the wire).
    pub version: u32,
    /// The JSON document as given.
    pub document: String,
    /// When it was created.
    pub created: Timestamp,
}

/// A resource that carries tags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TagTarget {
    /// A user, by unique id.
    User(String),
    /// A role, by unique id.
    Role(String),
    /// A customer managed policy, by unique id.
    Policy(String),
}

impl TagTarget {
    /// The kind and the id, as stored.
    pub fn parts(&self) -> (&'static str, &str) {
        match self {
            TagTarget::User(id) => ("user", id),
            TagTarget::Role(id) => ("role", id),
            TagTarget::Policy(id) => ("policy", id),
        }
    }
}

/// A tag: a key (unique ignoring case on its resource) and a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    /// 1-128 characters.
    pub key: String,
    /// 0-256 characters.
    pub value: String,
}

/// The state of an account's credential report: when its latest complete report was
/// generated, whether a build is running, and how its rows are kept. The report itself is
/// stored apart: as the account's kept rows ([`KeptRow`]), or as bytes stored whole
/// ([`Tx::report_content`](crate::store::Tx::report_content): a report stored before rows
/// were kept, or by a store copy). The state changes on every GenerateCredentialReport.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct StoredReport {
    /// When the latest complete report was generated, if there is one.
    pub generated: Option<Timestamp>,
    /// When the running build started, if one is running (or was, before a crash).
    pub building_since: Option<Timestamp>,
    /// How the account's report rows are kept. Read only: the store's kept-row operations
    /// change it, [`Tx::put_report`](crate::store::Tx::put_report) leaves it alone.
    pub rows: KeptRows,
}

/// How an account's report rows are kept (`crate::kept_rows`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum KeptRows {
    /// Not kept yet (the account was stored before rows were kept, or copied from another
    /// store): its next build renders them all from its records.
    #[default]
    NotYet,
    /// Kept: each write that changes a row stamps it with `epoch`.
    Kept {
        /// The account's current epoch.
        epoch: i64,
        /// The stored report, when it is made of kept rows (else it is bytes stored whole,
        /// or there is none).
        report: Option<RowsReport>,
    },
}

impl KeptRows {
    /// The stored report, when it is made of kept rows.
    pub fn report(&self) -> Option<RowsReport> {
        match self {
            KeptRows::NotYet => None,
            KeptRows::Kept { report, .. } => *report,
        }
    }
}

/// A stored report made of kept rows: the rows of its epoch or older, and the rows frozen
/// as they were when a write first changed them after it was generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowsReport {
    /// Its epoch (always below the account's current one).
    pub epoch: i64,
    /// The password policy's maximum age when it was generated: its rows' password
    /// next rotation is worked out with it.
    pub max_password_age: Option<u16>,
}

/// One row of the credential report as it is kept between writes: its CSV text in two
/// pieces around the `password_next_rotation` cell, the one cell that depends on the
/// account rather than on the row's owner (the password policy's maximum age).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptRow {
    /// Whose row it is.
    pub owner: Owner,
    /// Its place in the report: `""` for the root, else the user's name key (the name in
    /// lower case; users sort by it).
    pub name_key: String,
    /// The fields before the cell, each followed by its comma; and the cell itself when
    /// `rotation_from` is `None`.
    pub head: String,
    /// When the cell is worked out as the report is read: the password's last change.
    pub rotation_from: Option<Timestamp>,
    /// The comma after the cell and the fields after it.
    pub tail: String,
}

impl KeptRow {
    /// The row, borrowed.
    pub fn line(&self) -> KeptLine<'_> {
        KeptLine {
            name_key: &self.name_key,
            head: &self.head,
            rotation_from: self.rotation_from,
            tail: &self.tail,
        }
    }
}

/// A kept row as a store reads it, borrowed (see [`KeptRow`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeptLine<'a> {
    /// Its place in the report.
    pub name_key: &'a str,
    /// The fields before the `password_next_rotation` cell (and the cell, when fixed).
    pub head: &'a str,
    /// The password's last change, when the cell is worked out as the report is read.
    pub rotation_from: Option<Timestamp>,
    /// The fields after the cell.
    pub tail: &'a str,
}

/// How far a console sign-in has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionStage {
    /// The password was right; the owner's MFA device's code is still to come.
    MfaRequired,
    /// Signed in, but the password must be changed before anything else (the login profile
    /// requires a reset, or the password is older than the policy's maximum age).
    PasswordChangeRequired,
    /// Signed in.
    SignedIn,
}

impl SessionStage {
    /// The form stored in databases.
    pub fn as_key(self) -> &'static str {
        match self {
            SessionStage::MfaRequired => "mfa",
            SessionStage::PasswordChangeRequired => "change_password",
            SessionStage::SignedIn => "signed_in",
        }
    }

    /// The inverse of [`SessionStage::as_key`].
    pub fn from_key(key: &str) -> Option<SessionStage> {
        Some(match key {
            "mfa" => SessionStage::MfaRequired,
            "change_password" => SessionStage::PasswordChangeRequired,
            "signed_in" => SessionStage::SignedIn,
            _ => return None,
        })
    }
}

/// A console session as the store keeps it: never the token itself, only its SHA-256, so
/// a copy of the database signs no one in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsoleSession {
    /// SHA-256 of the session token (the cookie's value).
    pub token_hash: [u8; 32],
    /// The account signed in to.
    pub account: AccountId,
    /// Who signed in.
    pub owner: Owner,
    /// How far the sign-in has come.
    pub stage: SessionStage,
    /// When the session began.
    pub created: Timestamp,
    /// When it ends (12 hours after a sign-in; minutes while an MFA code is awaited).
    pub expires: Timestamp,
    /// When its holder gave an MFA code, if it did (an MFA session).
    pub mfa_at: Option<Timestamp>,
}
