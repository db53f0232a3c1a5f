//! Copying accounts from one store to another (SQLite to PostgreSQL and back): every
//! record, read from one snapshot of the source and written in one transaction per
//! account, through the same [`Tx`] operations every backend implements. Sealed values
//! (secret keys, MFA seeds) are copied sealed: the destination needs the same master key.
//! Console sessions are not copied (whoever was signed in signs in again).

use super::{read, write, Store, Tx, UserQuery};
use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::model::{
    Account, Entity, EntityKind, Group, InlinePolicy, InstanceProfile, KeptRows, ManagedPolicy,
    MfaDevice, Password, PolicyVersion, Role, SigningCertificate, SshPublicKey, StoredReport, Tag,
    TagTarget, User,
};
use crate::report_build::write_account_report;
use crate::reports::{read_snapshot, stored_content, stored_report_content};

/// Everything of one account, as read from a store (in each store's defined orders, so two
/// stores holding the same records read back equal).
#[derive(Debug, Default, PartialEq, Eq)]
struct Records {
    account: Option<Account>,
    users: Vec<User>,
    login_profiles: Vec<(String, Password)>,
    keys: Vec<crate::model::AccessKey>,
    mfa: Vec<MfaDevice>,
    certificates: Vec<SigningCertificate>,
    ssh_keys: Vec<SshPublicKey>,
    groups: Vec<(Group, Vec<String>)>,
    roles: Vec<Role>,
    profiles: Vec<(InstanceProfile, Vec<String>)>,
    policies: Vec<(ManagedPolicy, Vec<PolicyVersion>)>,
    inline: Vec<InlinePolicy>,
    attachments: Vec<(Entity, Vec<String>)>,
    boundaries: Vec<(Entity, String)>,
    tags: Vec<(TagTarget, Vec<Tag>)>,
    alias: Option<String>,
    report: StoredReport,
    content: Option<Vec<u8>>,
}

/// What one account's copy moved, for the command's summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Copied {
    /// Users.
    pub users: usize,
    /// Access keys.
    pub keys: usize,
    /// Groups, roles and customer managed policies.
    pub groups_roles_policies: usize,
    /// Whether a stored credential report came along.
    pub report: bool,
}

const ALL: UserQuery<'static> = UserQuery {
    path_prefix: None,
    after: None,
    limit: usize::MAX >> 1,
};

fn read_records(tx: &mut dyn Tx, id: &AccountId) -> Result<Records> {
    let mut r = Records {
        account: tx.account(id)?,
        ..Records::default()
    };
    if r.account.is_none() {
        return Ok(r);
    }
    r.users = tx.users(id, &ALL)?;
    r.login_profiles = tx.login_profiles(id)?;
    r.keys = tx.access_keys(id)?;
    r.mfa = tx.mfa_devices(id)?;
    r.certificates = tx.signing_certificates(id)?;
    r.ssh_keys = tx.ssh_public_keys(id)?;
    for group in tx.groups(id, &ALL)? {
        let members = tx.group_members(id, &group.id)?;
        r.groups
            .push((group, members.into_iter().map(|u| u.id).collect()));
    }
    r.roles = tx.roles(id, &ALL)?;
    for profile in tx.instance_profiles(id, &ALL)? {
        let roles = tx.profile_roles(id, &profile.id)?;
        r.profiles
            .push((profile, roles.into_iter().map(|r| r.id).collect()));
    }
    for policy in tx.managed_policies(id, &ALL)? {
        let versions = tx.policy_versions(&policy.id)?;
        r.tags.push((
            TagTarget::Policy(policy.id.clone()),
            tx.tags(id, &TagTarget::Policy(policy.id.clone()))?,
        ));
        r.policies.push((policy, versions));
    }
    let entities = r
        .users
        .iter()
        .map(|u| (EntityKind::User, &u.id))
        .chain(r.groups.iter().map(|(g, _)| (EntityKind::Group, &g.id)))
        .chain(r.roles.iter().map(|r| (EntityKind::Role, &r.id)))
        .map(|(kind, id)| Entity {
            kind,
            id: id.clone(),
        })
        .collect::<Vec<_>>();
    for entity in entities {
        r.inline.extend(tx.inline_policies(id, &entity)?);
        let attached = tx.attached_policies(id, &entity)?;
        if let Some(boundary) = tx.permissions_boundary(id, &entity)? {
            r.boundaries.push((entity.clone(), boundary));
        }
        if !attached.is_empty() {
            r.attachments.push((entity, attached));
        }
    }
    for target in r
        .users
        .iter()
        .map(|u| TagTarget::User(u.id.clone()))
        .chain(r.roles.iter().map(|r| TagTarget::Role(r.id.clone())))
        .collect::<Vec<_>>()
    {
        let tags = tx.tags(id, &target)?;
        r.tags.push((target, tags));
    }
    r.tags.retain(|(_, tags)| !tags.is_empty());
    r.alias = tx.account_alias(id)?;
    r.report = tx.report(id)?;
    // The stored report is copied as its bytes, stored whole, whether the source keeps it
    // as rows or whole; how rows are kept is each store's own (the destination's next
    // build renders its rows from the records copied).
    r.content = stored_content(tx, id, &r.report)?;
    r.report.rows = KeptRows::NotYet;
    // A build running in the source is not copied as running: the destination has no
    // process building it.
    r.report.building_since = None;
    Ok(r)
}

fn write_records(tx: &mut dyn Tx, id: &AccountId, r: &Records) -> Result<()> {
    let account = r
        .account
        .as_ref()
        .ok_or_else(|| Error::NoSuchEntity(format!("Account {id} does not exist.")))?;
    tx.insert_account(account)?;
    for user in &r.users {
        tx.insert_user(user)?;
    }
    for (user_id, password) in &r.login_profiles {
        tx.put_login_profile(id, user_id, password)?;
    }
    for key in &r.keys {
        tx.put_access_key(key)?;
    }
    for device in &r.mfa {
        tx.put_mfa_device(device)?;
    }
    for cert in &r.certificates {
        tx.put_signing_certificate(cert)?;
    }
    for key in &r.ssh_keys {
        tx.put_ssh_public_key(key)?;
    }
    for (group, members) in &r.groups {
        tx.insert_group(group)?;
        for member in members {
            tx.add_group_member(id, &group.id, member)?;
        }
    }
    for role in &r.roles {
        tx.put_role(role)?;
    }
    for (profile, roles) in &r.profiles {
        tx.insert_instance_profile(profile)?;
        for role in roles {
            tx.add_profile_role(id, &profile.id, role)?;
        }
    }
    for (policy, versions) in &r.policies {
        tx.put_managed_policy(policy)?;
        for version in versions {
            tx.put_policy_version(version)?;
        }
    }
    for policy in &r.inline {
        tx.put_inline_policy(id, policy)?;
    }
    for (entity, arns) in &r.attachments {
        for arn in arns {
            tx.attach_policy(id, entity, arn)?;
        }
    }
    for (entity, arn) in &r.boundaries {
        tx.set_permissions_boundary(id, entity, Some(arn))?;
    }
    for (target, tags) in &r.tags {
        tx.put_tags(id, target, tags)?;
    }
    if let Some(alias) = &r.alias {
        tx.set_account_alias(id, Some(alias))?;
    }
    if let Some(content) = &r.content {
        tx.put_report_content(id, content)?;
    }
    tx.put_report(id, &r.report)
}

/// Copies account `id` from `from` into `to` (where it must not exist yet), then checks
/// the copy: every record reads back from `to` equal to the source's (sealed values and
/// password hashes byte for byte), the stored report's bytes are the same in both, and so
/// is a report built afresh from each store's records.
pub fn copy_account(from: &dyn Store, to: &dyn Store, id: &AccountId) -> Result<Copied> {
    let records = read(from, |tx| read_records(tx, id))?;
    if records.account.is_none() {
        return Err(Error::NoSuchEntity(format!(
            "Account {id} does not exist in the source."
        )));
    }
    write(to, Some(id), |tx| write_records(tx, id, &records))?;
    let back = read(to, |tx| read_records(tx, id))?;
    if back != records {
        return Err(Error::internal(format!(
            "account {id}: the records read back from the destination differ from the source's"
        )));
    }
    verify(from, to, id)?;
    Ok(Copied {
        users: records.users.len(),
        keys: records.keys.len(),
        groups_roles_policies: records.groups.len() + records.roles.len() + records.policies.len(),
        report: records.content.is_some(),
    })
}

/// The stored report bytes, and the bytes of a report built now from the records, agree
/// between the two stores.
fn verify(from: &dyn Store, to: &dyn Store, id: &AccountId) -> Result<()> {
    let stored = |store: &dyn Store| read(store, |tx| stored_report_content(tx, id));
    if stored(from)? != stored(to)? {
        return Err(Error::internal(format!(
            "account {id}: the copied credential report's bytes differ from the source's"
        )));
    }
    let rebuilt = |store: &dyn Store| {
        write_account_report(&read_snapshot(store, id)?)
            .map_err(|e| Error::internal(format!("rendering the report: {e}")))
    };
    if rebuilt(from)? != rebuilt(to)? {
        return Err(Error::internal(format!(
            "account {id}: a report built from the copy differs from one built from the source"
        )));
    }
    Ok(())
}
