//! Persistence. A [`Store`] runs closures inside transactions over a [`Tx`] of typed
//! record operations; the rules (quotas, conflicts, the 4-hour rule) are written once, in
//! the service modules, on top of those operations, so every backend enforces them the
//! same way. One conformance suite ([`conformance`]) runs against every backend.
//!
//! Write transactions of one account are serialized (SQLite: one writer; PostgreSQL: an
//! advisory lock per account), which is what makes check-then-act rules such as "at most
//! two access keys" and "one report build at a time" safe across threads and processes.

use credreport_report::Timestamp;

use crate::error::{Error, Result};
use crate::ids::{AccountId, OrganizationId};
use crate::last_accessed::{AccessUse, Subject};
use crate::model::{
    AccessKey, Account, CertFacts, ConsoleSession, Entity, Group, InlinePolicy, InstanceProfile,
    KeptLine, KeptRow, KeyFacts, KeyUse, ManagedPolicy, Membership, MfaDevice, Organization, Owner,
    PolicyVersion, Role, SigningCertificate, SshPublicKey, StoredReport, Tag, TagTarget, User,
};

pub mod backup;
pub mod checked;
mod checkpoint;
pub mod conformance;
pub mod copy;
mod pool;
pub mod postgres;
mod report_files;
mod sql;
pub mod sqlite;

/// A page request over users (or groups, or managed policies) ordered by name ignoring case.
#[derive(Clone, Debug, Default)]
pub struct UserQuery<'a> {
    /// Only users whose path starts with this.
    pub path_prefix: Option<&'a str>,
    /// Only users whose name key (lower-case name) is greater than this.
    pub after: Option<&'a str>,
    /// At most this many.
    pub limit: usize,
}

/// What another process changed in the store, as the store announces it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change<'a> {
    /// An access key changed or was deleted: its id.
    Key(&'a str),
    /// An account's report state changed (a report was generated, or a build started): the
    /// account id, as announced.
    Report(&'a str),
    /// Announcements stopped (the connection that heard them was lost): anything may change
    /// unannounced until [`Change::Listening`].
    Lost,
    /// Announcements resumed; changes made while they were lost were not announced.
    Listening,
}

/// Told of each change another process makes to the store (see [`Store::watch_changes`]).
pub type Changes = std::sync::Arc<dyn Fn(Change<'_>) + Send + Sync>;

/// What [`Store::claim_build`] found.
#[derive(Debug)]
pub enum BuildClaim {
    /// The backend cannot tell whether another process's build is still running: a build
    /// older than its lease is presumed dead.
    Leased,
    /// No live process is building the account's report, and until this guard drops, this
    /// process is the one that is (others get [`BuildClaim::Busy`]). A process that dies
    /// lets go of it.
    Held(BuildHold),
    /// A live process is building it.
    Busy,
}

/// Held while this process builds an account's report (see [`BuildClaim::Held`]).
#[derive(Debug)]
pub struct BuildHold(pub Box<dyn std::fmt::Debug + Send>);

/// One part of [`Store::read_parts`]: it may run on a thread of its own.
pub type ReadPart<'a> = dyn FnMut(&mut dyn Tx) -> Result<()> + Send + 'a;

/// The record operations available inside a transaction.
///
/// `put_*` inserts or replaces a whole record; `insert_*` fails with the given conflict
/// error when the key already exists. Names are looked up ignoring case.
pub trait Tx {
    /// The account, if it exists.
    fn account(&mut self, id: &AccountId) -> Result<Option<Account>>;
    /// Every account id.
    fn account_ids(&mut self) -> Result<Vec<AccountId>>;
    /// Stores a new account; `EntityAlreadyExists` if the id is taken.
    fn insert_account(&mut self, account: &Account) -> Result<()>;
    /// Replaces an existing account record.
    fn update_account(&mut self, account: &Account) -> Result<()>;

    /// A user by name (ignoring case).
    fn user_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<User>>;
    /// A user by unique id.
    fn user_by_id(&mut self, account: &AccountId, user_id: &str) -> Result<Option<User>>;
    /// Users in name order (ignoring case).
    fn users(&mut self, account: &AccountId, query: &UserQuery<'_>) -> Result<Vec<User>>;
    /// How many users the account has.
    fn count_users(&mut self, account: &AccountId) -> Result<usize>;
    /// Stores a new user; `EntityAlreadyExists` if the name is taken (ignoring case).
    fn insert_user(&mut self, user: &User) -> Result<()>;
    /// Replaces an existing user record.
    fn update_user(&mut self, user: &User) -> Result<()>;
    /// Deletes a user record (the caller has checked it has nothing attached).
    fn delete_user(&mut self, account: &AccountId, user_id: &str) -> Result<()>;

    /// A user's login profile.
    fn login_profile(
        &mut self,
        account: &AccountId,
        user_id: &str,
    ) -> Result<Option<crate::model::Password>>;
    /// Every login profile of the account, by user id.
    fn login_profiles(
        &mut self,
        account: &AccountId,
    ) -> Result<Vec<(String, crate::model::Password)>>;
    /// Creates or replaces a user's login profile.
    fn put_login_profile(
        &mut self,
        account: &AccountId,
        user_id: &str,
        password: &crate::model::Password,
    ) -> Result<()>;
    /// Deletes a user's login profile.
    fn delete_login_profile(&mut self, account: &AccountId, user_id: &str) -> Result<()>;

    /// An access key by id, in any account.
    fn access_key(&mut self, key_id: &str) -> Result<Option<AccessKey>>;
    /// The access keys of one owner, oldest first.
    fn access_keys_of(&mut self, account: &AccountId, owner: &Owner) -> Result<Vec<AccessKey>>;
    /// Every access key of the account.
    fn access_keys(&mut self, account: &AccountId) -> Result<Vec<AccessKey>>;
    /// Creates or replaces an access key.
    fn put_access_key(&mut self, key: &AccessKey) -> Result<()>;
    /// Deletes an access key.
    fn delete_access_key(&mut self, key_id: &str) -> Result<()>;

    /// A virtual MFA device by serial.
    fn mfa_device(&mut self, account: &AccountId, serial: &str) -> Result<Option<MfaDevice>>;
    /// Every virtual MFA device of the account, by serial.
    fn mfa_devices(&mut self, account: &AccountId) -> Result<Vec<MfaDevice>>;
    /// Creates or replaces a device.
    fn put_mfa_device(&mut self, device: &MfaDevice) -> Result<()>;
    /// Deletes a device.
    fn delete_mfa_device(&mut self, account: &AccountId, serial: &str) -> Result<()>;

    /// A signing certificate by id.
    fn signing_certificate(
        &mut self,
        account: &AccountId,
        cert_id: &str,
    ) -> Result<Option<SigningCertificate>>;
    /// Every signing certificate of the account, oldest first.
    fn signing_certificates(&mut self, account: &AccountId) -> Result<Vec<SigningCertificate>>;
    /// Creates or replaces a certificate.
    fn put_signing_certificate(&mut self, cert: &SigningCertificate) -> Result<()>;
    /// Deletes a certificate.
    fn delete_signing_certificate(&mut self, account: &AccountId, cert_id: &str) -> Result<()>;

    /// An SSH public key by id.
    fn ssh_public_key(&mut self, account: &AccountId, key_id: &str)
        -> Result<Option<SshPublicKey>>;
    /// A user's SSH public keys, oldest first (ties by id).
    fn ssh_public_keys_of(
        &mut self,
        account: &AccountId,
        user_id: &str,
    ) -> Result<Vec<SshPublicKey>>;
    /// Every SSH public key of the account, oldest first (ties by id).
    fn ssh_public_keys(&mut self, account: &AccountId) -> Result<Vec<SshPublicKey>>;
    /// Inserts or replaces an SSH public key.
    fn put_ssh_public_key(&mut self, key: &SshPublicKey) -> Result<()>;
    /// Deletes an SSH public key.
    fn delete_ssh_public_key(&mut self, account: &AccountId, key_id: &str) -> Result<()>;

    /// An inline policy of a user, group or role, by name (ignoring case).
    fn inline_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        name: &str,
    ) -> Result<Option<InlinePolicy>>;
    /// The inline policies of a user, group or role, by name.
    fn inline_policies(
        &mut self,
        account: &AccountId,
        entity: &Entity,
    ) -> Result<Vec<InlinePolicy>>;
    /// Creates or replaces an inline policy.
    fn put_inline_policy(&mut self, account: &AccountId, policy: &InlinePolicy) -> Result<()>;
    /// Deletes an inline policy.
    fn delete_inline_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        name: &str,
    ) -> Result<()>;

    /// A group by name (ignoring case).
    fn group_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<Group>>;
    /// A group by unique id.
    fn group_by_id(&mut self, account: &AccountId, group_id: &str) -> Result<Option<Group>>;
    /// Groups in name order (ignoring case).
    fn groups(&mut self, account: &AccountId, query: &UserQuery<'_>) -> Result<Vec<Group>>;
    /// How many groups the account has.
    fn count_groups(&mut self, account: &AccountId) -> Result<usize>;
    /// Stores a new group (the caller has checked the name is free).
    fn insert_group(&mut self, group: &Group) -> Result<()>;
    /// Replaces an existing group record (a new name or path).
    fn update_group(&mut self, group: &Group) -> Result<()>;
    /// Deletes a group record (the caller has checked it has no members or policies).
    fn delete_group(&mut self, account: &AccountId, group_id: &str) -> Result<()>;
    /// Makes a user a member of a group (nothing if it is one).
    fn add_group_member(
        &mut self,
        account: &AccountId,
        group_id: &str,
        user_id: &str,
    ) -> Result<()>;
    /// Removes a user from a group (nothing if it is not in it).
    fn remove_group_member(
        &mut self,
        account: &AccountId,
        group_id: &str,
        user_id: &str,
    ) -> Result<()>;
    /// A group's members, in name order (ignoring case).
    fn group_members(&mut self, account: &AccountId, group_id: &str) -> Result<Vec<User>>;
    /// The groups a user is a member of, in name order (ignoring case).
    fn groups_of_user(&mut self, account: &AccountId, user_id: &str) -> Result<Vec<Group>>;

    /// A role by name (ignoring case).
    fn role_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<Role>>;
    /// A role by unique id.
    fn role_by_id(&mut self, account: &AccountId, role_id: &str) -> Result<Option<Role>>;
    /// Roles in name order (ignoring case).
    fn roles(&mut self, account: &AccountId, query: &UserQuery<'_>) -> Result<Vec<Role>>;
    /// How many roles the account has.
    fn count_roles(&mut self, account: &AccountId) -> Result<usize>;
    /// Creates or replaces a role record (the caller has checked the name is free).
    fn put_role(&mut self, role: &Role) -> Result<()>;
    /// Deletes a role record (the caller has checked nothing is attached).
    fn delete_role(&mut self, account: &AccountId, role_id: &str) -> Result<()>;

    /// An instance profile by name (ignoring case).
    fn instance_profile_by_name(
        &mut self,
        account: &AccountId,
        name: &str,
    ) -> Result<Option<InstanceProfile>>;
    /// Instance profiles in name order (ignoring case).
    fn instance_profiles(
        &mut self,
        account: &AccountId,
        query: &UserQuery<'_>,
    ) -> Result<Vec<InstanceProfile>>;
    /// How many instance profiles the account has.
    fn count_instance_profiles(&mut self, account: &AccountId) -> Result<usize>;
    /// Stores a new instance profile.
    fn insert_instance_profile(&mut self, profile: &InstanceProfile) -> Result<()>;
    /// Deletes an instance profile (the caller has checked it holds no role).
    fn delete_instance_profile(&mut self, account: &AccountId, profile_id: &str) -> Result<()>;
    /// Puts a role in an instance profile.
    fn add_profile_role(
        &mut self,
        account: &AccountId,
        profile_id: &str,
        role_id: &str,
    ) -> Result<()>;
    /// Takes a role out of an instance profile.
    fn remove_profile_role(
        &mut self,
        account: &AccountId,
        profile_id: &str,
        role_id: &str,
    ) -> Result<()>;
    /// The roles in an instance profile.
    fn profile_roles(&mut self, account: &AccountId, profile_id: &str) -> Result<Vec<Role>>;
    /// The instance profiles a role is in, in name order (ignoring case).
    fn profiles_of_role(
        &mut self,
        account: &AccountId,
        role_id: &str,
    ) -> Result<Vec<InstanceProfile>>;

    /// A customer managed policy by unique id.
    fn managed_policy(
        &mut self,
        account: &AccountId,
        policy_id: &str,
    ) -> Result<Option<ManagedPolicy>>;
    /// A customer managed policy by name (ignoring case).
    fn managed_policy_by_name(
        &mut self,
        account: &AccountId,
        name: &str,
    ) -> Result<Option<ManagedPolicy>>;
    /// Customer managed policies in name order (ignoring case).
    fn managed_policies(
        &mut self,
        account: &AccountId,
        query: &UserQuery<'_>,
    ) -> Result<Vec<ManagedPolicy>>;
    /// How many customer managed policies the account has.
    fn count_managed_policies(&mut self, account: &AccountId) -> Result<usize>;
    /// Creates or replaces a customer managed policy record.
    fn put_managed_policy(&mut self, policy: &ManagedPolicy) -> Result<()>;
    /// Deletes a customer managed policy and all its versions.
    fn delete_managed_policy(&mut self, account: &AccountId, policy_id: &str) -> Result<()>;
    /// A policy's versions, oldest first.
    fn policy_versions(&mut self, policy_id: &str) -> Result<Vec<PolicyVersion>>;
    /// Stores a new version.
    fn put_policy_version(&mut self, version: &PolicyVersion) -> Result<()>;
    /// Deletes a version.
    fn delete_policy_version(&mut self, policy_id: &str, version: u32) -> Result<()>;

    /// Attaches a managed policy (by ARN: customer or AWS managed) to an identity (nothing
    /// if it is attached).
    fn attach_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: &str,
    ) -> Result<()>;
    /// Detaches it (nothing if it is not attached).
    fn detach_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: &str,
    ) -> Result<()>;
    /// The ARNs of the managed policies attached to an identity, in ARN order.
    fn attached_policies(&mut self, account: &AccountId, entity: &Entity) -> Result<Vec<String>>;
    /// The identities a managed policy is attached to.
    fn policy_attachments(&mut self, account: &AccountId, policy_arn: &str) -> Result<Vec<Entity>>;

    /// The permissions boundary of a user or role (a managed policy's ARN), if it has one.
    fn permissions_boundary(
        &mut self,
        account: &AccountId,
        entity: &Entity,
    ) -> Result<Option<String>>;
    /// Sets (`Some`) or removes (`None`) the permissions boundary of a user or role.
    fn set_permissions_boundary(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: Option<&str>,
    ) -> Result<()>;
    /// The users and roles whose permissions boundary is this policy.
    fn boundary_entities(&mut self, account: &AccountId, policy_arn: &str) -> Result<Vec<Entity>>;

    /// A resource's tags, in the order they were added.
    fn tags(&mut self, account: &AccountId, target: &TagTarget) -> Result<Vec<Tag>>;
    /// Replaces a resource's tags.
    fn put_tags(&mut self, account: &AccountId, target: &TagTarget, tags: &[Tag]) -> Result<()>;

    /// The account's alias, if it has one.
    fn account_alias(&mut self, account: &AccountId) -> Result<Option<String>>;
    /// The account an alias belongs to, in any account.
    fn alias_owner(&mut self, alias: &str) -> Result<Option<AccountId>>;
    /// Sets (`Some`) or removes (`None`) the account's alias.
    fn set_account_alias(&mut self, account: &AccountId, alias: Option<&str>) -> Result<()>;

    /// What the credential report shows of every access key of the account (no secrets),
    /// in no particular order.
    fn key_facts(&mut self, account: &AccountId) -> Result<Vec<KeyFacts>>;
    /// What the report shows of every signing certificate of the account (no bodies), in
    /// no particular order.
    fn cert_facts(&mut self, account: &AccountId) -> Result<Vec<CertFacts>>;
    /// When each user with a login profile last changed the password, by user id (no
    /// hashes), in no particular order.
    fn password_changes(&mut self, account: &AccountId) -> Result<Vec<(String, Timestamp)>>;
    /// The owners of the account's enabled MFA devices (no seeds), in no particular order.
    fn mfa_owners(&mut self, account: &AccountId) -> Result<Vec<Owner>>;

    /// What the report shows of one owner's access keys, in no particular order.
    fn owner_key_facts(&mut self, account: &AccountId, owner: &Owner) -> Result<Vec<KeyFacts>>;
    /// What the report shows of one owner's signing certificates, in no particular order.
    fn owner_cert_facts(&mut self, account: &AccountId, owner: &Owner) -> Result<Vec<CertFacts>>;
    /// Whether an MFA device is enabled for the owner.
    fn owner_has_mfa(&mut self, account: &AccountId, owner: &Owner) -> Result<bool>;
    /// When the user last changed its password, if it has one (no hash).
    fn password_changed(&mut self, account: &AccountId, user_id: &str)
        -> Result<Option<Timestamp>>;

    /// Records a use of an access key if it is the first use outside the last recorded
    /// use's window: sets `last_used` to `used` only when the stored value is absent or at
    /// least `window_secs` older. Answers whether it wrote.
    fn record_key_use(&mut self, key_id: &str, used: &KeyUse, window_secs: i64) -> Result<bool>;
    /// The same for a console password: the root's when `owner` is root, else the user's.
    fn record_password_use(
        &mut self,
        account: &AccountId,
        owner: &Owner,
        at: Timestamp,
        window_secs: i64,
    ) -> Result<bool>;

    /// The account's report state (small: no report bytes, no rows).
    fn report(&mut self, account: &AccountId) -> Result<StoredReport>;
    /// Replaces the account's report state (`generated`, `building_since`); the report's
    /// bytes and rows, and how they are kept, are left as they are.
    fn put_report(&mut self, account: &AccountId, report: &StoredReport) -> Result<()>;
    /// The bytes of the account's latest complete report, when it is stored whole.
    fn report_content(&mut self, account: &AccountId) -> Result<Option<Vec<u8>>>;
    /// Replaces the bytes of the account's report, stored whole (a store copy): the stored
    /// report is these bytes from now on, not rows. The caller sets the state's
    /// `generated` in the same transaction, so that state and bytes always agree.
    fn put_report_content(&mut self, account: &AccountId, content: &[u8]) -> Result<()>;

    /// Keeps `row` as its owner's current report row, replacing the one it had, stamped
    /// with the account's current epoch. The stored report still shows what it showed: a
    /// row it shows is frozen (copied as it is) before its first change.
    fn put_report_row(&mut self, account: &AccountId, row: &KeptRow) -> Result<()>;
    /// Removes the owner's current report row, the stored report keeping what it showed.
    fn delete_report_row(&mut self, account: &AccountId, owner: &Owner) -> Result<()>;
    /// Replaces every current report row of the account with `rows`, the stored report
    /// keeping what it showed, and marks the account's rows kept (from epoch 0 if they
    /// were not).
    fn replace_report_rows(&mut self, account: &AccountId, rows: &[KeptRow]) -> Result<()>;
    /// Makes the account's current rows its stored report, generated at `generated`,
    /// with the password policy's maximum age then: no build runs any more, the frozen
    /// rows and any bytes stored whole are dropped, and writes stamp the next epoch from
    /// now on. An error if the account's rows are not kept.
    fn store_rows_report(
        &mut self,
        account: &AccountId,
        generated: Timestamp,
        max_password_age: Option<u16>,
    ) -> Result<()>;
    /// The rows of the stored report of epoch `epoch` (rows of that epoch or older, and the
    /// frozen ones), in report order: the root's first, then users by name key.
    fn stored_report_rows(
        &mut self,
        account: &AccountId,
        epoch: i64,
        each: &mut dyn FnMut(KeptLine<'_>) -> Result<()>,
    ) -> Result<()>;
    /// The account's current report rows, in report order: what a report generated now
    /// would show.
    fn current_report_rows(
        &mut self,
        account: &AccountId,
        each: &mut dyn FnMut(KeptLine<'_>) -> Result<()>,
    ) -> Result<()>;
    /// Accounts whose report build was started and not finished.
    fn reports_building(&mut self) -> Result<Vec<(AccountId, Timestamp)>>;

    /// An organization by id.
    fn organization(&mut self, id: &OrganizationId) -> Result<Option<Organization>>;
    /// The organization `management` is the management account of, if any.
    fn organization_managed_by(&mut self, management: &AccountId) -> Result<Option<Organization>>;
    /// Stores a new organization; `EntityAlreadyExists` if its id is taken or its
    /// management account already manages one.
    fn insert_organization(&mut self, organization: &Organization) -> Result<()>;
    /// The account's membership of its organization, if it is in one (in any account: the
    /// account need not be in this store).
    fn membership(&mut self, account: &AccountId) -> Result<Option<Membership>>;
    /// The member whose email this is, in any organization.
    fn member_with_email(&mut self, email: &str) -> Result<Option<Membership>>;
    /// Stores an account's membership; `EntityAlreadyExists` if the account is in an
    /// organization already or another member has its email.
    fn insert_membership(&mut self, membership: &Membership) -> Result<()>;
    /// An organization's members in account id order: those after `after`, `limit` at most.
    fn memberships(
        &mut self,
        organization: &OrganizationId,
        after: Option<&AccountId>,
        limit: usize,
    ) -> Result<Vec<Membership>>;

    /// A console session by the SHA-256 of its token.
    fn console_session(&mut self, token_hash: &[u8; 32]) -> Result<Option<ConsoleSession>>;
    /// Creates or replaces a console session.
    fn put_console_session(&mut self, session: &ConsoleSession) -> Result<()>;
    /// Deletes a console session (nothing when there is none).
    fn delete_console_session(&mut self, token_hash: &[u8; 32]) -> Result<()>;
    /// Deletes every console session that expired at or before `now`; answers how many.
    fn delete_expired_console_sessions(&mut self, now: Timestamp) -> Result<usize>;

    /// Records `used` for `subject` unless the stored use of the same subject, entity,
    /// namespace and action is less than `window_secs` older (a newer one is never
    /// replaced by an older one); answers whether it wrote.
    fn record_access(
        &mut self,
        account: &AccountId,
        subject: &Subject,
        used: &AccessUse,
        window_secs: i64,
    ) -> Result<bool>;
    /// Every use recorded for `subject`, in no particular order.
    fn accesses(&mut self, account: &AccountId, subject: &Subject) -> Result<Vec<AccessUse>>;
    /// Sets a role's last use (RoleLastUsed) to `at` in `region` unless the stored one is
    /// less than `window_secs` older; answers whether it wrote.
    fn record_role_use(
        &mut self,
        account: &AccountId,
        role_id: &str,
        at: Timestamp,
        region: &str,
        window_secs: i64,
    ) -> Result<bool>;
    /// A last-accessed job's stored answer (`None`: no such job in the account).
    fn access_job(&mut self, account: &AccountId, job_id: &str) -> Result<Option<StoredJob>>;
    /// Stores a last-accessed job's answer, and forgets the account's jobs created before
    /// `forget_before`.
    fn put_access_job(&mut self, job: &StoredJob, forget_before: Timestamp) -> Result<()>;
}

/// A last-accessed job as stored: its answer is JSON the job module reads back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredJob {
    /// The job's id (36 characters).
    pub job_id: String,
    /// Its account.
    pub account: AccountId,
    /// When it was created.
    pub created: Timestamp,
    /// Its answer, as JSON.
    pub result: String,
}

/// A backend: transactions, plus the sign-in failure writes that bypass them.
pub trait Store: Send + Sync + std::fmt::Debug {
    /// Runs `f` in a read transaction: a consistent snapshot.
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;

    /// Runs each of `parts` in a read transaction, all of them on one snapshot, side by side
    /// where the backend can (a report build reads an account's users and its keys at the
    /// same time). An error from any part is the result. By default the parts run one
    /// after the other in one transaction, which is the same snapshot.
    fn read_parts(&self, parts: &mut [&mut ReadPart<'_>]) -> Result<()> {
        self.read(&mut |tx| parts.iter_mut().try_for_each(|part| part(tx)))
    }

    /// Runs `f` in a write transaction serialized with every other write transaction of
    /// `account` (all of them when `None`). An error from `f` rolls everything back.
    fn write(
        &self,
        account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()>;

    /// [`Store::write`], for a change worth nothing after a crash of the machine: its
    /// commit is atomic and seen by every later transaction, but it need not have reached
    /// the disk when this returns. The next durable commit takes it there (both backends
    /// write their log in order), so a crash may lose it, never tear it or keep a later
    /// write without it. A report build's in-progress mark is such a change: the build's
    /// own commit is durable, and one lost with a crash is started again on the next call.
    /// By default, a durable write.
    fn write_unsynced(
        &self,
        account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        self.write(account, f)
    }

    /// The times of the failed console sign-ins under `key` (a digest of the name typed)
    /// at or after `since`, in no particular order.
    fn sign_in_failures(&self, key: &str, since: Timestamp) -> Result<Vec<Timestamp>>;

    /// Records a failed console sign-in under `key` at `at`, and forgets every failure,
    /// under any key, from before `forget_before`. Durable when it returns.
    fn record_sign_in_failure(
        &self,
        key: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<()>;

    /// Forgets the failures under `key` (a sign-in succeeded).
    fn clear_sign_in_failures(&self, key: &str) -> Result<()>;

    /// Claims the building of `account`'s report for this process, where the backend can
    /// tell live builders from dead ones (several processes on one database). By default
    /// it cannot: [`BuildClaim::Leased`].
    fn claim_build(&self, _account: &AccountId) -> Result<BuildClaim> {
        Ok(BuildClaim::Leased)
    }

    /// Calls `changed` whenever another process changes or deletes an access key or changes
    /// an account's report state, where the backend can announce it, and answers whether it
    /// does (then it is listening when this returns). By default nothing is announced: what
    /// a process keeps of a key then lives at most its short time to live, and the current
    /// report is asked of the store every time.
    fn watch_changes(&self, _changed: Changes) -> Result<bool> {
        Ok(false)
    }
}

/// Runs `f` in a read transaction and returns its value.
pub fn read<T>(store: &dyn Store, mut f: impl FnMut(&mut dyn Tx) -> Result<T>) -> Result<T> {
    let mut out = None;
    store.read(&mut |tx| {
        out = Some(f(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::internal("read transaction returned nothing"))
}

/// Runs `f` in a write transaction of `account` and returns its value.
pub fn write<T>(
    store: &dyn Store,
    account: Option<&AccountId>,
    f: impl FnMut(&mut dyn Tx) -> Result<T>,
) -> Result<T> {
    returning(f, |f| store.write(account, f))
}

/// [`write`] through [`Store::write_unsynced`]: a change worth nothing after a crash.
pub fn write_unsynced<T>(
    store: &dyn Store,
    account: Option<&AccountId>,
    f: impl FnMut(&mut dyn Tx) -> Result<T>,
) -> Result<T> {
    returning(f, |f| store.write_unsynced(account, f))
}

/// Runs `f` through `run` (a write) and returns its value.
fn returning<T>(
    mut f: impl FnMut(&mut dyn Tx) -> Result<T>,
    run: impl FnOnce(&mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>,
) -> Result<T> {
    let mut out = None;
    run(&mut |tx| {
        out = Some(f(tx)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::internal("write transaction returned nothing"))
}
