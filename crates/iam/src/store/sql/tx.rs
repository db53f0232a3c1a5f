//! Every [`Tx`] operation, once: its statement, its parameters, its decoder.

use credreport_report::Timestamp;

use super::records::{self as rec, GROUPS, INSTANCE_PROFILES, MANAGED_POLICIES, ROLES, USERS};
use super::row::hashes_json;
use super::{sql, values, Backend, Columns, Decoder, Row, Sql, SqlTx, Value};
use crate::error::{Error, Result};
use crate::ids::{name_key, AccountId};
use crate::model::{
    AccessKey, Account, CertFacts, ConsoleSession, Entity, Group, InlinePolicy, InstanceProfile,
    KeptLine, KeptRow, KeyFacts, KeyUse, ManagedPolicy, MfaDevice, Owner, Password, PolicyVersion,
    Role, SigningCertificate, SshPublicKey, StoredReport, Tag, TagTarget, User,
};
use crate::store::{Tx, UserQuery};

/// A page of a table of named entities (users, groups, roles, instance profiles, managed
/// policies): the account's, under a path prefix, after a name key, in name order.
macro_rules! page_text {
    ($table:literal) => {
        concat!(
            "SELECT * FROM ",
            $table,
            " WHERE account_id = ?1 AND substr(path, 1, length(?2)) = ?2 AND name_key > ?3
             ORDER BY name_key, name LIMIT ?4"
        )
    };
}

/// A page of an account's users (ListUsers, and every user for a report build). On SQLite,
/// answered from the `users_listing` index alone.
pub(crate) static USERS_PAGE: Sql = Sql {
    text: page_text!("users"),
};

/// Every access key of an account, without its secret (a report build).
pub(crate) static KEY_FACTS: Sql = Sql {
    text: "SELECT key_id, owner, active, created, last_used, last_used_region, last_used_service
           FROM access_keys WHERE account_id = ?1",
};

/// Copies an owner's report row into the frozen rows if the stored report shows it (its
/// epoch is the report's or older) and it is not there already: the first change after a
/// report was generated keeps the row as the report shows it.
static FREEZE_OWNER_ROW: Sql = Sql {
    text: "INSERT INTO report_frozen_rows (account_id, owner, name_key, head, rotation_from, tail)
           SELECT r.account_id, r.owner, r.name_key, r.head, r.rotation_from, r.tail
           FROM report_rows r JOIN reports p ON p.account_id = r.account_id
           WHERE r.account_id = ?1 AND r.owner = ?2 AND r.epoch <= p.report_epoch
           ON CONFLICT DO NOTHING",
};

/// An owner's current report row, stamped with the account's epoch (0 before its rows are
/// kept: the first build replaces them all).
static PUT_ROW: Sql = Sql {
    text: "INSERT INTO report_rows (account_id, name_key, owner, head, rotation_from, tail, epoch)
           VALUES (?1, ?2, ?3, ?4, ?5, ?6,
                   COALESCE((SELECT rows_epoch FROM reports WHERE account_id = ?1), 0))
           ON CONFLICT (account_id, owner) DO UPDATE SET name_key = excluded.name_key,
           head = excluded.head, rotation_from = excluded.rotation_from, tail = excluded.tail,
           epoch = excluded.epoch",
};

impl<B: Backend> SqlTx<B> {
    fn page<T>(
        &mut self,
        sql: &'static Sql,
        account: &AccountId,
        q: &UserQuery<'_>,
        decoder: &Decoder<T>,
    ) -> Result<Vec<T>> {
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        let params = values![
            account,
            q.path_prefix.unwrap_or(""),
            q.after.unwrap_or(""),
            limit
        ];
        self.all(sql, &params, decoder)
    }

    fn account_values<'a>(
        a: &'a Account,
        previous: Option<&'a str>,
        policy: Option<&'a str>,
    ) -> [Value<'a>; 10] {
        let rp = a.root_password.as_ref();
        values![
            &a.id,
            a.created,
            a.organization_member,
            rp.map(|p| p.hash.0.as_str()),
            rp.map(|p| p.created),
            rp.map(|p| p.changed),
            rp.map(|p| p.reset_required),
            previous,
            a.root_password_last_used,
            policy,
        ]
    }
}

/// The JSON the store keeps for an account's root password's previous hashes and its
/// password policy.
fn account_json(a: &Account) -> Result<(Option<String>, Option<String>)> {
    let previous = a
        .root_password
        .as_ref()
        .map(|p| hashes_json(&p.previous))
        .transpose()?;
    let policy = a
        .password_policy
        .as_ref()
        .map(|p| {
            serde_json::to_string(p)
                .map_err(|e| Error::internal(format!("encoding a password policy: {e}")))
        })
        .transpose()?;
    Ok((previous, policy))
}

impl<B: Backend> Tx for SqlTx<B> {
    fn account(&mut self, id: &AccountId) -> Result<Option<Account>> {
        self.one(
            sql!("SELECT * FROM accounts WHERE id = ?1"),
            &values![id],
            &rec::ACCOUNT,
        )
    }

    fn account_ids(&mut self) -> Result<Vec<AccountId>> {
        self.all(
            sql!("SELECT id FROM accounts ORDER BY id"),
            &[],
            &rec::ACCOUNT_ID,
        )
    }

    fn insert_account(&mut self, a: &Account) -> Result<()> {
        let (previous, policy) = account_json(a)?;
        self.insert(
            sql!(
                "INSERT INTO accounts (id, created, organization_member, root_password_hash,
                 root_password_created, root_password_changed, root_password_reset,
                 root_password_previous, root_password_last_used, password_policy)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ),
            &Self::account_values(a, previous.as_deref(), policy.as_deref()),
            || Error::EntityAlreadyExists(format!("Account {} already exists.", a.id)),
        )
    }

    fn update_account(&mut self, a: &Account) -> Result<()> {
        let (previous, policy) = account_json(a)?;
        self.run(
            sql!(
                "UPDATE accounts SET created = ?2, organization_member = ?3,
                 root_password_hash = ?4, root_password_created = ?5, root_password_changed = ?6,
                 root_password_reset = ?7, root_password_previous = ?8,
                 root_password_last_used = ?9, password_policy = ?10 WHERE id = ?1"
            ),
            &Self::account_values(a, previous.as_deref(), policy.as_deref()),
        )
    }

    fn user_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<User>> {
        self.one(
            sql!("SELECT * FROM users WHERE account_id = ?1 AND name_key = ?2"),
            &values![account, &name_key(name)],
            &rec::USER,
        )
    }

    fn user_by_id(&mut self, account: &AccountId, user_id: &str) -> Result<Option<User>> {
        self.one(
            sql!("SELECT * FROM users WHERE account_id = ?1 AND user_id = ?2"),
            &values![account, user_id],
            &rec::USER,
        )
    }

    fn users(&mut self, account: &AccountId, q: &UserQuery<'_>) -> Result<Vec<User>> {
        self.page(&USERS_PAGE, account, q, &rec::USER)
    }

    fn count_users(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            sql!("SELECT count(*) AS n FROM users WHERE account_id = ?1"),
            &values![account],
            &USERS,
        )
    }

    fn insert_user(&mut self, u: &User) -> Result<()> {
        self.insert(
            sql!(
                "INSERT INTO users (account_id, user_id, name, name_key, path, created,
                 password_last_used) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            ),
            &values![
                &u.account,
                &u.id,
                &u.name,
                &name_key(&u.name),
                &u.path,
                u.created,
                u.password_last_used
            ],
            || Error::EntityAlreadyExists(format!("User with name {} already exists.", u.name)),
        )
    }

    fn update_user(&mut self, u: &User) -> Result<()> {
        self.run(
            sql!(
                "UPDATE users SET name = ?3, name_key = ?4, path = ?5, created = ?6,
                 password_last_used = ?7 WHERE account_id = ?1 AND user_id = ?2"
            ),
            &values![
                &u.account,
                &u.id,
                &u.name,
                &name_key(&u.name),
                &u.path,
                u.created,
                u.password_last_used
            ],
        )
    }

    fn delete_user(&mut self, account: &AccountId, user_id: &str) -> Result<()> {
        self.run(
            sql!("DELETE FROM users WHERE account_id = ?1 AND user_id = ?2"),
            &values![account, user_id],
        )
    }

    fn login_profile(&mut self, account: &AccountId, user_id: &str) -> Result<Option<Password>> {
        self.one(
            sql!("SELECT * FROM login_profiles WHERE account_id = ?1 AND user_id = ?2"),
            &values![account, user_id],
            &rec::LOGIN_PROFILE,
        )
    }

    fn login_profiles(&mut self, account: &AccountId) -> Result<Vec<(String, Password)>> {
        self.all(
            sql!("SELECT * FROM login_profiles WHERE account_id = ?1"),
            &values![account],
            &rec::LOGIN_PROFILE_OF,
        )
    }

    fn put_login_profile(
        &mut self,
        account: &AccountId,
        user_id: &str,
        p: &Password,
    ) -> Result<()> {
        let previous = hashes_json(&p.previous)?;
        self.run(
            sql!(
                "INSERT INTO login_profiles (account_id, user_id, hash, created, changed,
                 reset_required, previous) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (user_id) DO UPDATE SET account_id = excluded.account_id,
                 hash = excluded.hash, created = excluded.created, changed = excluded.changed,
                 reset_required = excluded.reset_required, previous = excluded.previous"
            ),
            &values![
                account,
                user_id,
                &p.hash.0,
                p.created,
                p.changed,
                p.reset_required,
                &previous
            ],
        )
    }

    fn delete_login_profile(&mut self, account: &AccountId, user_id: &str) -> Result<()> {
        self.run(
            sql!("DELETE FROM login_profiles WHERE account_id = ?1 AND user_id = ?2"),
            &values![account, user_id],
        )
    }

    fn access_key(&mut self, key_id: &str) -> Result<Option<AccessKey>> {
        self.one(
            sql!("SELECT * FROM access_keys WHERE key_id = ?1"),
            &values![key_id],
            &rec::ACCESS_KEY,
        )
    }

    // An owner's keys are found through `access_keys_owner`: the subquery reads that index
    // alone. Asked directly, SQLite's planner (without statistics) prefers a range of the
    // primary key on the account, every key of the account (25 ms at 100,000 keys).
    fn access_keys_of(&mut self, account: &AccountId, owner: &Owner) -> Result<Vec<AccessKey>> {
        self.all(
            sql!(
                "SELECT * FROM access_keys WHERE account_id = ?1 AND owner = ?2
                 AND key_id IN (SELECT key_id FROM access_keys
                                WHERE account_id = ?1 AND owner = ?2)
                 ORDER BY created, key_id"
            ),
            &values![account, owner.as_key()],
            &rec::ACCESS_KEY,
        )
    }

    fn access_keys(&mut self, account: &AccountId) -> Result<Vec<AccessKey>> {
        self.all(
            sql!("SELECT * FROM access_keys WHERE account_id = ?1 ORDER BY created, key_id"),
            &values![account],
            &rec::ACCESS_KEY,
        )
    }

    fn put_access_key(&mut self, k: &AccessKey) -> Result<()> {
        let used = k.last_used.as_ref();
        self.exec(
            sql!(
                "INSERT INTO access_keys (key_id, account_id, owner, secret, active, created,
                 last_used, last_used_region, last_used_service)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (key_id) DO UPDATE SET account_id = excluded.account_id,
                 owner = excluded.owner, secret = excluded.secret, active = excluded.active,
                 created = excluded.created, last_used = excluded.last_used,
                 last_used_region = excluded.last_used_region,
                 last_used_service = excluded.last_used_service"
            ),
            &values![
                &k.id,
                &k.account,
                k.owner.as_key(),
                &k.secret.0,
                k.active,
                k.created,
                used.map(|u| u.at),
                used.map(|u| u.region.as_str()),
                used.map(|u| u.service.as_str()),
            ],
        )?;
        self.db.key_changed(&k.id)
    }

    fn delete_access_key(&mut self, key_id: &str) -> Result<()> {
        self.exec(
            sql!("DELETE FROM access_keys WHERE key_id = ?1"),
            &values![key_id],
        )?;
        self.db.key_changed(key_id)
    }

    fn mfa_device(&mut self, account: &AccountId, serial: &str) -> Result<Option<MfaDevice>> {
        self.one(
            sql!("SELECT * FROM mfa_devices WHERE account_id = ?1 AND serial_key = ?2"),
            &values![account, &name_key(serial)],
            &rec::MFA_DEVICE,
        )
    }

    fn mfa_devices(&mut self, account: &AccountId) -> Result<Vec<MfaDevice>> {
        self.all(
            sql!("SELECT * FROM mfa_devices WHERE account_id = ?1 ORDER BY serial_key"),
            &values![account],
            &rec::MFA_DEVICE,
        )
    }

    fn put_mfa_device(&mut self, d: &MfaDevice) -> Result<()> {
        let last_counter = d
            .last_counter
            .map(|c| {
                i64::try_from(c)
                    .map_err(|_| Error::internal(format!("an MFA counter out of range: {c}")))
            })
            .transpose()?;
        self.run(
            sql!(
                "INSERT INTO mfa_devices (account_id, serial_key, serial, name, path, seed,
                 created, owner, enabled, last_counter)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (account_id, serial_key) DO UPDATE SET serial = excluded.serial,
                 name = excluded.name, path = excluded.path, seed = excluded.seed,
                 created = excluded.created, owner = excluded.owner, enabled = excluded.enabled,
                 last_counter = excluded.last_counter"
            ),
            &values![
                &d.account,
                &name_key(&d.serial),
                &d.serial,
                &d.name,
                &d.path,
                &d.seed.0,
                d.created,
                d.assignment.as_ref().map(|(o, _)| o.as_key()),
                d.assignment.as_ref().map(|(_, t)| *t),
                last_counter,
            ],
        )
    }

    fn delete_mfa_device(&mut self, account: &AccountId, serial: &str) -> Result<()> {
        self.run(
            sql!("DELETE FROM mfa_devices WHERE account_id = ?1 AND serial_key = ?2"),
            &values![account, &name_key(serial)],
        )
    }

    fn signing_certificate(
        &mut self,
        account: &AccountId,
        cert_id: &str,
    ) -> Result<Option<SigningCertificate>> {
        self.one(
            sql!("SELECT * FROM signing_certificates WHERE account_id = ?1 AND cert_id = ?2"),
            &values![account, cert_id],
            &rec::SIGNING_CERTIFICATE,
        )
    }

    fn signing_certificates(&mut self, account: &AccountId) -> Result<Vec<SigningCertificate>> {
        self.all(
            sql!(
                "SELECT * FROM signing_certificates WHERE account_id = ?1
                 ORDER BY uploaded, cert_id"
            ),
            &values![account],
            &rec::SIGNING_CERTIFICATE,
        )
    }

    fn put_signing_certificate(&mut self, c: &SigningCertificate) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO signing_certificates (cert_id, account_id, owner, body, der_sha256,
                 active, uploaded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (cert_id) DO UPDATE SET account_id = excluded.account_id,
                 owner = excluded.owner, body = excluded.body, der_sha256 = excluded.der_sha256,
                 active = excluded.active, uploaded = excluded.uploaded"
            ),
            &values![
                &c.id,
                &c.account,
                c.owner.as_key(),
                &c.body,
                &c.der_sha256,
                c.active,
                c.uploaded
            ],
        )
    }

    fn delete_signing_certificate(&mut self, account: &AccountId, cert_id: &str) -> Result<()> {
        self.run(
            sql!("DELETE FROM signing_certificates WHERE account_id = ?1 AND cert_id = ?2"),
            &values![account, cert_id],
        )
    }

    fn ssh_public_key(
        &mut self,
        account: &AccountId,
        key_id: &str,
    ) -> Result<Option<SshPublicKey>> {
        self.one(
            sql!("SELECT * FROM ssh_public_keys WHERE account_id = ?1 AND key_id = ?2"),
            &values![account, key_id],
            &rec::SSH_PUBLIC_KEY,
        )
    }

    fn ssh_public_keys_of(
        &mut self,
        account: &AccountId,
        user_id: &str,
    ) -> Result<Vec<SshPublicKey>> {
        self.all(
            sql!(
                "SELECT * FROM ssh_public_keys WHERE account_id = ?1 AND user_id = ?2
                 ORDER BY uploaded, key_id"
            ),
            &values![account, user_id],
            &rec::SSH_PUBLIC_KEY,
        )
    }

    fn ssh_public_keys(&mut self, account: &AccountId) -> Result<Vec<SshPublicKey>> {
        self.all(
            sql!("SELECT * FROM ssh_public_keys WHERE account_id = ?1 ORDER BY uploaded, key_id"),
            &values![account],
            &rec::SSH_PUBLIC_KEY,
        )
    }

    fn put_ssh_public_key(&mut self, k: &SshPublicKey) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO ssh_public_keys (key_id, account_id, user_id, body, fingerprint,
                 active, uploaded) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (key_id) DO UPDATE SET account_id = excluded.account_id,
                 user_id = excluded.user_id, body = excluded.body,
                 fingerprint = excluded.fingerprint, active = excluded.active,
                 uploaded = excluded.uploaded"
            ),
            &values![
                &k.id,
                &k.account,
                &k.user_id,
                &k.body,
                &k.fingerprint,
                k.active,
                k.uploaded
            ],
        )
    }

    fn delete_ssh_public_key(&mut self, account: &AccountId, key_id: &str) -> Result<()> {
        self.run(
            sql!("DELETE FROM ssh_public_keys WHERE account_id = ?1 AND key_id = ?2"),
            &values![account, key_id],
        )
    }

    fn inline_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        name: &str,
    ) -> Result<Option<InlinePolicy>> {
        self.one(
            sql!(
                "SELECT * FROM inline_policies WHERE account_id = ?1 AND entity_kind = ?2
                 AND entity_id = ?3 AND name_key = ?4"
            ),
            &values![account, entity.kind.as_key(), &entity.id, &name_key(name)],
            &rec::INLINE_POLICY,
        )
    }

    fn inline_policies(
        &mut self,
        account: &AccountId,
        entity: &Entity,
    ) -> Result<Vec<InlinePolicy>> {
        self.all(
            sql!(
                "SELECT * FROM inline_policies WHERE account_id = ?1 AND entity_kind = ?2
                 AND entity_id = ?3 ORDER BY name_key"
            ),
            &values![account, entity.kind.as_key(), &entity.id],
            &rec::INLINE_POLICY,
        )
    }

    fn put_inline_policy(&mut self, account: &AccountId, p: &InlinePolicy) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO inline_policies (account_id, entity_kind, entity_id, name, name_key,
                 document) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (account_id, entity_kind, entity_id, name_key)
                 DO UPDATE SET name = excluded.name, document = excluded.document"
            ),
            &values![
                account,
                p.entity.kind.as_key(),
                &p.entity.id,
                &p.name,
                &name_key(&p.name),
                &p.document
            ],
        )
    }

    fn delete_inline_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        name: &str,
    ) -> Result<()> {
        self.run(
            sql!(
                "DELETE FROM inline_policies WHERE account_id = ?1 AND entity_kind = ?2
                 AND entity_id = ?3 AND name_key = ?4"
            ),
            &values![account, entity.kind.as_key(), &entity.id, &name_key(name)],
        )
    }

    fn group_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<Group>> {
        self.one(
            sql!("SELECT * FROM groups WHERE account_id = ?1 AND name_key = ?2"),
            &values![account, &name_key(name)],
            &rec::GROUP,
        )
    }

    fn group_by_id(&mut self, account: &AccountId, group_id: &str) -> Result<Option<Group>> {
        self.one(
            sql!("SELECT * FROM groups WHERE account_id = ?1 AND group_id = ?2"),
            &values![account, group_id],
            &rec::GROUP,
        )
    }

    fn groups(&mut self, account: &AccountId, q: &UserQuery<'_>) -> Result<Vec<Group>> {
        self.page(sql!(page_text!("groups")), account, q, &rec::GROUP)
    }

    fn count_groups(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            sql!("SELECT count(*) AS n FROM groups WHERE account_id = ?1"),
            &values![account],
            &GROUPS,
        )
    }

    fn insert_group(&mut self, g: &Group) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO groups (account_id, group_id, name, name_key, path, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            ),
            &values![
                &g.account,
                &g.id,
                &g.name,
                &name_key(&g.name),
                &g.path,
                g.created
            ],
        )
    }

    fn update_group(&mut self, g: &Group) -> Result<()> {
        self.run(
            sql!(
                "UPDATE groups SET name = ?3, name_key = ?4, path = ?5
                 WHERE account_id = ?1 AND group_id = ?2"
            ),
            &values![&g.account, &g.id, &g.name, &name_key(&g.name), &g.path],
        )
    }

    fn delete_group(&mut self, account: &AccountId, group_id: &str) -> Result<()> {
        self.run(
            sql!("DELETE FROM groups WHERE account_id = ?1 AND group_id = ?2"),
            &values![account, group_id],
        )
    }

    fn add_group_member(
        &mut self,
        account: &AccountId,
        group_id: &str,
        user_id: &str,
    ) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO group_members (account_id, group_id, user_id) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING"
            ),
            &values![account, group_id, user_id],
        )
    }

    fn remove_group_member(
        &mut self,
        account: &AccountId,
        group_id: &str,
        user_id: &str,
    ) -> Result<()> {
        self.run(
            sql!(
                "DELETE FROM group_members WHERE account_id = ?1 AND group_id = ?2
                 AND user_id = ?3"
            ),
            &values![account, group_id, user_id],
        )
    }

    fn group_members(&mut self, account: &AccountId, group_id: &str) -> Result<Vec<User>> {
        self.all(
            sql!(
                "SELECT u.* FROM group_members m JOIN users u ON u.user_id = m.user_id
                 WHERE m.account_id = ?1 AND m.group_id = ?2 ORDER BY u.name_key, u.name"
            ),
            &values![account, group_id],
            &rec::USER,
        )
    }

    fn groups_of_user(&mut self, account: &AccountId, user_id: &str) -> Result<Vec<Group>> {
        self.all(
            sql!(
                "SELECT g.* FROM group_members m JOIN groups g ON g.group_id = m.group_id
                 WHERE m.account_id = ?1 AND m.user_id = ?2 ORDER BY g.name_key, g.name"
            ),
            &values![account, user_id],
            &rec::GROUP,
        )
    }

    fn role_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<Role>> {
        self.one(
            sql!("SELECT * FROM roles WHERE account_id = ?1 AND name_key = ?2"),
            &values![account, &name_key(name)],
            &rec::ROLE,
        )
    }

    fn role_by_id(&mut self, account: &AccountId, role_id: &str) -> Result<Option<Role>> {
        self.one(
            sql!("SELECT * FROM roles WHERE account_id = ?1 AND role_id = ?2"),
            &values![account, role_id],
            &rec::ROLE,
        )
    }

    fn roles(&mut self, account: &AccountId, q: &UserQuery<'_>) -> Result<Vec<Role>> {
        self.page(sql!(page_text!("roles")), account, q, &rec::ROLE)
    }

    fn count_roles(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            sql!("SELECT count(*) AS n FROM roles WHERE account_id = ?1"),
            &values![account],
            &ROLES,
        )
    }

    fn put_role(&mut self, r: &Role) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO roles (account_id, role_id, name, name_key, path, created,
                 assume_role_policy, description, max_session_duration, last_used,
                 last_used_region) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
                 ON CONFLICT (role_id) DO UPDATE SET account_id = excluded.account_id,
                 name = excluded.name, name_key = excluded.name_key, path = excluded.path,
                 created = excluded.created, assume_role_policy = excluded.assume_role_policy,
                 description = excluded.description,
                 max_session_duration = excluded.max_session_duration,
                 last_used = excluded.last_used, last_used_region = excluded.last_used_region"
            ),
            &values![
                &r.account,
                &r.id,
                &r.name,
                &name_key(&r.name),
                &r.path,
                r.created,
                &r.assume_role_policy,
                r.description.as_deref(),
                r.max_session_duration,
                r.last_used.as_ref().map(|(t, _)| *t),
                r.last_used.as_ref().map(|(_, region)| region.as_str()),
            ],
        )
    }

    fn delete_role(&mut self, account: &AccountId, role_id: &str) -> Result<()> {
        self.run(
            sql!("DELETE FROM roles WHERE account_id = ?1 AND role_id = ?2"),
            &values![account, role_id],
        )
    }

    fn instance_profile_by_name(
        &mut self,
        account: &AccountId,
        name: &str,
    ) -> Result<Option<InstanceProfile>> {
        self.one(
            sql!("SELECT * FROM instance_profiles WHERE account_id = ?1 AND name_key = ?2"),
            &values![account, &name_key(name)],
            &rec::INSTANCE_PROFILE,
        )
    }

    fn instance_profiles(
        &mut self,
        account: &AccountId,
        q: &UserQuery<'_>,
    ) -> Result<Vec<InstanceProfile>> {
        self.page(
            sql!(page_text!("instance_profiles")),
            account,
            q,
            &rec::INSTANCE_PROFILE,
        )
    }

    fn count_instance_profiles(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            sql!("SELECT count(*) AS n FROM instance_profiles WHERE account_id = ?1"),
            &values![account],
            &INSTANCE_PROFILES,
        )
    }

    fn insert_instance_profile(&mut self, p: &InstanceProfile) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO instance_profiles (account_id, profile_id, name, name_key, path,
                 created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
            ),
            &values![
                &p.account,
                &p.id,
                &p.name,
                &name_key(&p.name),
                &p.path,
                p.created
            ],
        )
    }

    fn delete_instance_profile(&mut self, account: &AccountId, profile_id: &str) -> Result<()> {
        self.run(
            sql!("DELETE FROM instance_profiles WHERE account_id = ?1 AND profile_id = ?2"),
            &values![account, profile_id],
        )
    }

    fn add_profile_role(
        &mut self,
        account: &AccountId,
        profile_id: &str,
        role_id: &str,
    ) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO instance_profile_roles (account_id, profile_id, role_id)
                 VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"
            ),
            &values![account, profile_id, role_id],
        )
    }

    fn remove_profile_role(
        &mut self,
        account: &AccountId,
        profile_id: &str,
        role_id: &str,
    ) -> Result<()> {
        self.run(
            sql!(
                "DELETE FROM instance_profile_roles WHERE account_id = ?1 AND profile_id = ?2
                 AND role_id = ?3"
            ),
            &values![account, profile_id, role_id],
        )
    }

    fn profile_roles(&mut self, account: &AccountId, profile_id: &str) -> Result<Vec<Role>> {
        self.all(
            sql!(
                "SELECT r.* FROM instance_profile_roles m JOIN roles r ON r.role_id = m.role_id
                 WHERE m.account_id = ?1 AND m.profile_id = ?2 ORDER BY r.name_key"
            ),
            &values![account, profile_id],
            &rec::ROLE,
        )
    }

    fn profiles_of_role(
        &mut self,
        account: &AccountId,
        role_id: &str,
    ) -> Result<Vec<InstanceProfile>> {
        self.all(
            sql!(
                "SELECT p.* FROM instance_profile_roles m
                 JOIN instance_profiles p ON p.profile_id = m.profile_id
                 WHERE m.account_id = ?1 AND m.role_id = ?2 ORDER BY p.name_key, p.name"
            ),
            &values![account, role_id],
            &rec::INSTANCE_PROFILE,
        )
    }

    fn managed_policy(
        &mut self,
        account: &AccountId,
        policy_id: &str,
    ) -> Result<Option<ManagedPolicy>> {
        self.one(
            sql!("SELECT * FROM managed_policies WHERE account_id = ?1 AND policy_id = ?2"),
            &values![account, policy_id],
            &rec::MANAGED_POLICY,
        )
    }

    fn managed_policy_by_name(
        &mut self,
        account: &AccountId,
        name: &str,
    ) -> Result<Option<ManagedPolicy>> {
        self.one(
            sql!("SELECT * FROM managed_policies WHERE account_id = ?1 AND name_key = ?2"),
            &values![account, &name_key(name)],
            &rec::MANAGED_POLICY,
        )
    }

    fn managed_policies(
        &mut self,
        account: &AccountId,
        q: &UserQuery<'_>,
    ) -> Result<Vec<ManagedPolicy>> {
        self.page(
            sql!(page_text!("managed_policies")),
            account,
            q,
            &rec::MANAGED_POLICY,
        )
    }

    fn count_managed_policies(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            sql!("SELECT count(*) AS n FROM managed_policies WHERE account_id = ?1"),
            &values![account],
            &MANAGED_POLICIES,
        )
    }

    fn put_managed_policy(&mut self, p: &ManagedPolicy) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO managed_policies (account_id, policy_id, name, name_key, path,
                 description, created, updated, default_version, next_version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (policy_id) DO UPDATE SET account_id = excluded.account_id,
                 name = excluded.name, name_key = excluded.name_key, path = excluded.path,
                 description = excluded.description, created = excluded.created,
                 updated = excluded.updated, default_version = excluded.default_version,
                 next_version = excluded.next_version"
            ),
            &values![
                &p.account,
                &p.id,
                &p.name,
                &name_key(&p.name),
                &p.path,
                p.description.as_deref(),
                p.created,
                p.updated,
                p.default_version,
                p.next_version
            ],
        )
    }

    fn delete_managed_policy(&mut self, account: &AccountId, policy_id: &str) -> Result<()> {
        self.exec(
            sql!("DELETE FROM policy_versions WHERE policy_id = ?1"),
            &values![policy_id],
        )?;
        self.run(
            sql!("DELETE FROM managed_policies WHERE account_id = ?1 AND policy_id = ?2"),
            &values![account, policy_id],
        )
    }

    fn policy_versions(&mut self, policy_id: &str) -> Result<Vec<PolicyVersion>> {
        self.all(
            sql!("SELECT * FROM policy_versions WHERE policy_id = ?1 ORDER BY version"),
            &values![policy_id],
            &rec::POLICY_VERSION,
        )
    }

    fn put_policy_version(&mut self, v: &PolicyVersion) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO policy_versions (policy_id, version, document, created)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (policy_id, version) DO UPDATE SET document = excluded.document,
                 created = excluded.created"
            ),
            &values![&v.policy_id, v.version, &v.document, v.created],
        )
    }

    fn delete_policy_version(&mut self, policy_id: &str, version: u32) -> Result<()> {
        self.run(
            sql!("DELETE FROM policy_versions WHERE policy_id = ?1 AND version = ?2"),
            &values![policy_id, version],
        )
    }

    fn attach_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: &str,
    ) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO policy_attachments (account_id, entity_kind, entity_id, policy_arn)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"
            ),
            &values![account, entity.kind.as_key(), &entity.id, policy_arn],
        )
    }

    fn detach_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: &str,
    ) -> Result<()> {
        self.run(
            sql!(
                "DELETE FROM policy_attachments WHERE account_id = ?1 AND entity_kind = ?2
                 AND entity_id = ?3 AND policy_arn = ?4"
            ),
            &values![account, entity.kind.as_key(), &entity.id, policy_arn],
        )
    }

    fn attached_policies(&mut self, account: &AccountId, entity: &Entity) -> Result<Vec<String>> {
        self.all(
            sql!(
                "SELECT * FROM policy_attachments WHERE account_id = ?1 AND entity_kind = ?2
                 AND entity_id = ?3 ORDER BY policy_arn"
            ),
            &values![account, entity.kind.as_key(), &entity.id],
            &rec::ATTACHED_ARN,
        )
    }

    fn policy_attachments(&mut self, account: &AccountId, policy_arn: &str) -> Result<Vec<Entity>> {
        self.all(
            sql!(
                "SELECT * FROM policy_attachments WHERE account_id = ?1 AND policy_arn = ?2
                 ORDER BY entity_kind, entity_id"
            ),
            &values![account, policy_arn],
            &rec::ATTACHED_ENTITY,
        )
    }

    fn permissions_boundary(
        &mut self,
        account: &AccountId,
        entity: &Entity,
    ) -> Result<Option<String>> {
        self.one(
            sql!(
                "SELECT * FROM permissions_boundaries WHERE account_id = ?1 AND entity_kind = ?2
                 AND entity_id = ?3"
            ),
            &values![account, entity.kind.as_key(), &entity.id],
            &rec::BOUNDARY_ARN,
        )
    }

    fn set_permissions_boundary(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: Option<&str>,
    ) -> Result<()> {
        match policy_arn {
            Some(arn) => self.run(
                sql!(
                    "INSERT INTO permissions_boundaries (account_id, entity_kind, entity_id,
                     policy_arn) VALUES (?1, ?2, ?3, ?4)
                     ON CONFLICT (account_id, entity_kind, entity_id)
                     DO UPDATE SET policy_arn = excluded.policy_arn"
                ),
                &values![account, entity.kind.as_key(), &entity.id, arn],
            ),
            None => self.run(
                sql!(
                    "DELETE FROM permissions_boundaries WHERE account_id = ?1
                     AND entity_kind = ?2 AND entity_id = ?3"
                ),
                &values![account, entity.kind.as_key(), &entity.id],
            ),
        }
    }

    fn boundary_entities(&mut self, account: &AccountId, policy_arn: &str) -> Result<Vec<Entity>> {
        self.all(
            sql!(
                "SELECT * FROM permissions_boundaries WHERE account_id = ?1 AND policy_arn = ?2
                 ORDER BY entity_kind, entity_id"
            ),
            &values![account, policy_arn],
            &rec::BOUNDARY_ENTITY,
        )
    }

    fn tags(&mut self, account: &AccountId, target: &TagTarget) -> Result<Vec<Tag>> {
        let (kind, id) = target.parts();
        self.all(
            sql!(
                "SELECT * FROM tags WHERE account_id = ?1 AND resource_kind = ?2
                 AND resource_id = ?3 ORDER BY position"
            ),
            &values![account, kind, id],
            &rec::TAG,
        )
    }

    fn put_tags(&mut self, account: &AccountId, target: &TagTarget, tags: &[Tag]) -> Result<()> {
        let (kind, id) = target.parts();
        self.exec(
            sql!(
                "DELETE FROM tags WHERE account_id = ?1 AND resource_kind = ?2
                 AND resource_id = ?3"
            ),
            &values![account, kind, id],
        )?;
        for (position, t) in tags.iter().enumerate() {
            let position = i64::try_from(position).unwrap_or(i64::MAX);
            self.exec(
                sql!(
                    "INSERT INTO tags (account_id, resource_kind, resource_id, position, key,
                     value) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                ),
                &values![account, kind, id, position, &t.key, &t.value],
            )?;
        }
        Ok(())
    }

    fn account_alias(&mut self, account: &AccountId) -> Result<Option<String>> {
        self.one(
            sql!("SELECT alias FROM account_aliases WHERE account_id = ?1"),
            &values![account],
            &rec::ALIAS,
        )
    }

    fn alias_owner(&mut self, alias: &str) -> Result<Option<AccountId>> {
        self.one(
            sql!("SELECT alias, account_id FROM account_aliases WHERE alias = ?1"),
            &values![alias],
            &rec::ALIAS_OWNER,
        )
    }

    fn set_account_alias(&mut self, account: &AccountId, alias: Option<&str>) -> Result<()> {
        self.exec(
            sql!("DELETE FROM account_aliases WHERE account_id = ?1"),
            &values![account],
        )?;
        if let Some(alias) = alias {
            self.exec(
                sql!("INSERT INTO account_aliases (alias, account_id) VALUES (?1, ?2)"),
                &values![alias, account],
            )?;
        }
        Ok(())
    }

    fn key_facts(&mut self, account: &AccountId) -> Result<Vec<KeyFacts>> {
        self.all(&KEY_FACTS, &values![account], &rec::KEY_FACTS)
    }

    fn cert_facts(&mut self, account: &AccountId) -> Result<Vec<CertFacts>> {
        self.all(
            sql!(
                "SELECT cert_id, owner, active, uploaded FROM signing_certificates
                 WHERE account_id = ?1"
            ),
            &values![account],
            &rec::CERT_FACTS,
        )
    }

    fn password_changes(&mut self, account: &AccountId) -> Result<Vec<(String, Timestamp)>> {
        self.all(
            sql!("SELECT user_id, changed FROM login_profiles WHERE account_id = ?1"),
            &values![account],
            &rec::PASSWORD_CHANGE,
        )
    }

    fn mfa_owners(&mut self, account: &AccountId) -> Result<Vec<Owner>> {
        self.all(
            sql!(
                "SELECT serial_key, owner FROM mfa_devices
                 WHERE account_id = ?1 AND owner IS NOT NULL AND enabled IS NOT NULL"
            ),
            &values![account],
            &rec::MFA_OWNER,
        )
    }

    // Through `access_keys_owner`, as `access_keys_of`.
    fn owner_key_facts(&mut self, account: &AccountId, owner: &Owner) -> Result<Vec<KeyFacts>> {
        self.all(
            sql!(
                "SELECT key_id, owner, active, created, last_used, last_used_region,
                 last_used_service FROM access_keys WHERE account_id = ?1 AND owner = ?2
                 AND key_id IN (SELECT key_id FROM access_keys
                                WHERE account_id = ?1 AND owner = ?2)"
            ),
            &values![account, owner.as_key()],
            &rec::KEY_FACTS,
        )
    }

    fn owner_cert_facts(&mut self, account: &AccountId, owner: &Owner) -> Result<Vec<CertFacts>> {
        self.all(
            sql!(
                "SELECT cert_id, owner, active, uploaded FROM signing_certificates
                 WHERE account_id = ?1 AND owner = ?2"
            ),
            &values![account, owner.as_key()],
            &rec::CERT_FACTS,
        )
    }

    fn owner_has_mfa(&mut self, account: &AccountId, owner: &Owner) -> Result<bool> {
        let n = self.count(
            sql!(
                "SELECT count(*) AS n FROM mfa_devices
                 WHERE account_id = ?1 AND owner = ?2 AND enabled IS NOT NULL"
            ),
            &values![account, owner.as_key()],
            &rec::MFA_DEVICES,
        )?;
        Ok(n > 0)
    }

    fn password_changed(
        &mut self,
        account: &AccountId,
        user_id: &str,
    ) -> Result<Option<Timestamp>> {
        let changed = self.one(
            sql!(
                "SELECT user_id, changed FROM login_profiles
                 WHERE account_id = ?1 AND user_id = ?2"
            ),
            &values![account, user_id],
            &rec::PASSWORD_CHANGE,
        )?;
        Ok(changed.map(|(_, at)| at))
    }

    fn record_key_use(&mut self, key_id: &str, used: &KeyUse, window_secs: i64) -> Result<bool> {
        let n = self.exec(
            sql!(
                "UPDATE access_keys SET last_used = ?2, last_used_region = ?3,
                 last_used_service = ?4 WHERE key_id = ?1
                 AND (last_used IS NULL OR last_used <= CAST(?2 AS BIGINT) - CAST(?5 AS BIGINT))"
            ),
            &values![
                key_id,
                used.at,
                used.region.as_str(),
                used.service.as_str(),
                window_secs
            ],
        )?;
        Ok(n == 1)
    }

    fn record_password_use(
        &mut self,
        account: &AccountId,
        owner: &Owner,
        at: Timestamp,
        window_secs: i64,
    ) -> Result<bool> {
        let n = match owner {
            Owner::Root => self.exec(
                sql!(
                    "UPDATE accounts SET root_password_last_used = ?2 WHERE id = ?1
                     AND (root_password_last_used IS NULL
                          OR root_password_last_used <= CAST(?2 AS BIGINT) - CAST(?3 AS BIGINT))"
                ),
                &values![account, at, window_secs],
            )?,
            Owner::User(user_id) => self.exec(
                sql!(
                    "UPDATE users SET password_last_used = ?3
                     WHERE account_id = ?1 AND user_id = ?2
                     AND (password_last_used IS NULL
                          OR password_last_used <= CAST(?3 AS BIGINT) - CAST(?4 AS BIGINT))"
                ),
                &values![account, user_id.as_str(), at, window_secs],
            )?,
        };
        Ok(n == 1)
    }

    fn report(&mut self, account: &AccountId) -> Result<StoredReport> {
        let row = self.one(
            sql!(
                "SELECT account_id, generated, building_since, rows_epoch, report_epoch,
                 report_max_password_age FROM reports WHERE account_id = ?1"
            ),
            &values![account],
            &rec::REPORT,
        )?;
        Ok(row.unwrap_or_default())
    }

    fn put_report(&mut self, account: &AccountId, r: &StoredReport) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO reports (account_id, generated, building_since) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account_id) DO UPDATE SET generated = excluded.generated,
                 building_since = excluded.building_since"
            ),
            &values![account, r.generated, r.building_since],
        )?;
        self.db.report_changed(account)
    }

    fn report_content(&mut self, account: &AccountId) -> Result<Option<Vec<u8>>> {
        self.db.report_content(account)
    }

    fn put_report_content(&mut self, account: &AccountId, content: &[u8]) -> Result<()> {
        self.db.put_report_content(account, content)?;
        // The stored report is these bytes now, not rows.
        self.run(
            sql!(
                "UPDATE reports SET report_epoch = NULL, report_max_password_age = NULL
                 WHERE account_id = ?1"
            ),
            &values![account],
        )?;
        self.run(
            sql!("DELETE FROM report_frozen_rows WHERE account_id = ?1"),
            &values![account],
        )?;
        self.db.report_changed(account)
    }

    fn put_report_row(&mut self, account: &AccountId, row: &KeptRow) -> Result<()> {
        self.run(&FREEZE_OWNER_ROW, &values![account, row.owner.as_key()])?;
        self.run(
            &PUT_ROW,
            &values![
                account,
                &row.name_key,
                row.owner.as_key(),
                &row.head,
                row.rotation_from,
                &row.tail
            ],
        )
    }

    fn delete_report_row(&mut self, account: &AccountId, owner: &Owner) -> Result<()> {
        self.run(&FREEZE_OWNER_ROW, &values![account, owner.as_key()])?;
        self.run(
            sql!("DELETE FROM report_rows WHERE account_id = ?1 AND owner = ?2"),
            &values![account, owner.as_key()],
        )
    }

    fn replace_report_rows(&mut self, account: &AccountId, rows: &[KeptRow]) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO report_frozen_rows (account_id, owner, name_key, head, rotation_from,
                 tail)
                 SELECT r.account_id, r.owner, r.name_key, r.head, r.rotation_from, r.tail
                 FROM report_rows r JOIN reports p ON p.account_id = r.account_id
                 WHERE r.account_id = ?1 AND r.epoch <= p.report_epoch
                 ON CONFLICT DO NOTHING"
            ),
            &values![account],
        )?;
        self.run(
            sql!("DELETE FROM report_rows WHERE account_id = ?1"),
            &values![account],
        )?;
        self.run(
            sql!(
                "INSERT INTO reports (account_id, rows_epoch) VALUES (?1, 0)
                 ON CONFLICT (account_id) DO UPDATE SET rows_epoch = COALESCE(reports.rows_epoch, 0)"
            ),
            &values![account],
        )?;
        for row in rows {
            self.run(
                &PUT_ROW,
                &values![
                    account,
                    &row.name_key,
                    row.owner.as_key(),
                    &row.head,
                    row.rotation_from,
                    &row.tail
                ],
            )?;
        }
        Ok(())
    }

    fn store_rows_report(
        &mut self,
        account: &AccountId,
        generated: Timestamp,
        max_password_age: Option<u16>,
    ) -> Result<()> {
        let n = self.exec(
            sql!(
                "UPDATE reports SET generated = ?2, building_since = NULL,
                 report_epoch = rows_epoch, rows_epoch = rows_epoch + 1,
                 report_max_password_age = ?3
                 WHERE account_id = ?1 AND rows_epoch IS NOT NULL"
            ),
            &values![account, generated, max_password_age.map(i64::from)],
        )?;
        if n != 1 {
            return Err(Error::internal(format!(
                "account {account}: a report of rows stored while its rows are not kept"
            )));
        }
        self.run(
            sql!("DELETE FROM report_frozen_rows WHERE account_id = ?1"),
            &values![account],
        )?;
        self.db.delete_report_content(account)?;
        self.db.report_changed(account)
    }

    fn stored_report_rows(
        &mut self,
        account: &AccountId,
        epoch: i64,
        each: &mut dyn FnMut(KeptLine<'_>) -> Result<()>,
    ) -> Result<()> {
        let frozen = self.all(
            sql!(
                "SELECT account_id, owner, name_key, head, rotation_from, tail
                 FROM report_frozen_rows WHERE account_id = ?1 ORDER BY name_key"
            ),
            &values![account],
            &rec::FROZEN_ROW,
        )?;
        // Both in name key order: the frozen rows go in among the others. (A frozen row and
        // a current one of the same epoch or older never share a key: when the report was
        // generated, names were unique.)
        let mut frozen = frozen.iter().peekable();
        let columns = Columns::default();
        self.db.query(
            sql!(
                "SELECT account_id, name_key, head, rotation_from, tail FROM report_rows
                 WHERE account_id = ?1 AND epoch <= ?2 ORDER BY name_key"
            ),
            &values![account, epoch],
            &mut |raw| {
                let line = rec::kept_line(&Row::new(raw, &rec::REPORT_ROWS, &columns))?;
                while let Some(f) = frozen.next_if(|f| f.name_key.as_str() < line.name_key) {
                    each(f.line())?;
                }
                each(line)
            },
        )?;
        frozen.try_for_each(|f| each(f.line()))
    }

    fn current_report_rows(
        &mut self,
        account: &AccountId,
        each: &mut dyn FnMut(KeptLine<'_>) -> Result<()>,
    ) -> Result<()> {
        let columns = Columns::default();
        self.db.query(
            sql!(
                "SELECT account_id, name_key, head, rotation_from, tail FROM report_rows
                 WHERE account_id = ?1 ORDER BY name_key"
            ),
            &values![account],
            &mut |raw| each(rec::kept_line(&Row::new(raw, &rec::REPORT_ROWS, &columns))?),
        )
    }

    fn reports_building(&mut self) -> Result<Vec<(AccountId, Timestamp)>> {
        self.all(
            sql!(
                "SELECT account_id, building_since FROM reports
                 WHERE building_since IS NOT NULL"
            ),
            &[],
            &rec::REPORT_BUILDING,
        )
    }

    fn console_session(&mut self, token_hash: &[u8; 32]) -> Result<Option<ConsoleSession>> {
        self.one(
            sql!("SELECT * FROM console_sessions WHERE token_hash = ?1"),
            &values![token_hash],
            &rec::CONSOLE_SESSION,
        )
    }

    fn put_console_session(&mut self, s: &ConsoleSession) -> Result<()> {
        self.run(
            sql!(
                "INSERT INTO console_sessions (token_hash, account_id, owner, stage, created,
                 expires, mfa_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (token_hash) DO UPDATE SET account_id = excluded.account_id,
                 owner = excluded.owner, stage = excluded.stage, created = excluded.created,
                 expires = excluded.expires, mfa_at = excluded.mfa_at"
            ),
            &values![
                &s.token_hash,
                &s.account,
                s.owner.as_key(),
                s.stage.as_key(),
                s.created,
                s.expires,
                s.mfa_at
            ],
        )
    }

    fn delete_console_session(&mut self, token_hash: &[u8; 32]) -> Result<()> {
        self.run(
            sql!("DELETE FROM console_sessions WHERE token_hash = ?1"),
            &values![token_hash],
        )
    }

    fn delete_expired_console_sessions(&mut self, now: Timestamp) -> Result<usize> {
        let n = self.exec(
            sql!("DELETE FROM console_sessions WHERE expires <= ?1"),
            &values![now],
        )?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}
