//! The PostgreSQL store's record operations, inside a transaction its store began.

use std::collections::HashMap;

use credreport_report::Timestamp;
use postgres::error::SqlState;
use postgres::types::{FromSql, ToSql};
use postgres::{Client, Row, Statement};

use super::pg;
use crate::error::{Error, Result};
use crate::ids::{name_key, AccountId};
use crate::model::{
    AccessKey, Account, CertFacts, ConsoleSession, Entity, EntityKind, Group, InlinePolicy,
    InstanceProfile, KeyFacts, KeyUse, ManagedPolicy, MfaDevice, Owner, Password, PasswordHash,
    PolicyVersion, Role, Sealed, SessionStage, SigningCertificate, StoredReport, Tag, TagTarget,
    User,
};
use crate::store::{Tx, UserQuery};

/// The channel a committed change of an access key is announced on (its payload: the key
/// id), so that every instance drops what it keeps of that key.
pub(super) const KEY_CHANNEL: &str = "credreport_access_keys";

/// One pooled connection and the statements prepared on it.
pub(super) struct Conn {
    pub(super) client: Client,
    statements: HashMap<String, Statement>,
}

impl std::fmt::Debug for Conn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Conn")
            .field("statements", &self.statements.len())
            .finish_non_exhaustive()
    }
}

impl Conn {
    pub(super) fn new(client: Client) -> Conn {
        Conn {
            client,
            statements: HashMap::new(),
        }
    }

    fn statement(&mut self, query: &str) -> Result<Statement> {
        if let Some(s) = self.statements.get(query) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(query).map_err(pg)?;
        self.statements.insert(query.to_owned(), s.clone());
        Ok(s)
    }
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

/// A transaction's operations.
pub(super) struct PgTx<'a> {
    conn: &'a mut Conn,
}

impl<'a> PgTx<'a> {
    pub(super) fn new(conn: &'a mut Conn) -> PgTx<'a> {
        PgTx { conn }
    }

    fn rows(&mut self, query: &str, params: Params<'_>) -> Result<Vec<Row>> {
        let s = self.conn.statement(query)?;
        self.conn.client.query(&s, params).map_err(pg)
    }

    fn one<T>(
        &mut self,
        query: &str,
        params: Params<'_>,
        f: fn(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        let s = self.conn.statement(query)?;
        self.conn
            .client
            .query_opt(&s, params)
            .map_err(pg)?
            .as_ref()
            .map(f)
            .transpose()
    }

    fn all<T>(
        &mut self,
        query: &str,
        params: Params<'_>,
        f: fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.rows(query, params)?.iter().map(f).collect()
    }

    fn exec(&mut self, query: &str, params: Params<'_>) -> Result<u64> {
        let s = self.conn.statement(query)?;
        self.conn.client.execute(&s, params).map_err(pg)
    }

    /// Runs an insert; a unique violation is `EntityAlreadyExists` with `message`.
    fn insert(
        &mut self,
        query: &str,
        params: Params<'_>,
        message: impl FnOnce() -> String,
    ) -> Result<()> {
        let s = self.conn.statement(query)?;
        match self.conn.client.execute(&s, params) {
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                Err(Error::EntityAlreadyExists(message()))
            }
            other => other.map(drop).map_err(pg),
        }
    }

    fn count(&mut self, query: &str, params: Params<'_>) -> Result<usize> {
        let n = self.one(query, params, |r| get::<i64>(r, 0))?;
        Ok(usize::try_from(n.unwrap_or(0)).unwrap_or(0))
    }

    /// A page of a table of named entities: by name key, after `q.after`, under
    /// `q.path_prefix`.
    fn named_page<T>(
        &mut self,
        table: &str,
        account: &AccountId,
        q: &UserQuery<'_>,
        f: fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let query = format!(
            "SELECT * FROM {table} WHERE account_id = $1 AND left(path, length($2)) = $2
             AND name_key > $3 ORDER BY name_key, name LIMIT $4"
        );
        let limit = i64::try_from(q.limit).unwrap_or(i64::MAX);
        self.all(
            &query,
            &[
                &account.as_str(),
                &q.path_prefix.unwrap_or(""),
                &q.after.unwrap_or(""),
                &limit,
            ],
            f,
        )
    }

    /// A named entity by name, ignoring case.
    fn named<T>(
        &mut self,
        table: &str,
        account: &AccountId,
        name: &str,
        f: fn(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        let query = format!("SELECT * FROM {table} WHERE account_id = $1 AND name_key = $2");
        self.one(&query, &[&account.as_str(), &name_key(name)], f)
    }

    fn announce_key(&mut self, key_id: &str) -> Result<()> {
        self.exec("SELECT pg_notify($1, $2)", &[&KEY_CHANNEL, &key_id])
            .map(drop)
    }
}

/// Column `col` of `r` (an index or a name).
fn get<'r, T: FromSql<'r>>(
    r: &'r Row,
    col: impl postgres::row::RowIndex + std::fmt::Display,
) -> Result<T> {
    r.try_get(col).map_err(pg)
}

fn ts(v: i64) -> Result<Timestamp> {
    Timestamp::from_unix(v)
        .ok_or_else(|| Error::internal(format!("postgres: a time out of range: {v}")))
}

fn ts_at(r: &Row, col: &str) -> Result<Timestamp> {
    ts(get(r, col)?)
}

fn opt_ts_at(r: &Row, col: &str) -> Result<Option<Timestamp>> {
    get::<Option<i64>>(r, col)?.map(ts).transpose()
}

fn u32_at(r: &Row, col: &str) -> Result<u32> {
    let v: i64 = get(r, col)?;
    u32::try_from(v).map_err(|_| Error::internal(format!("postgres: {col} out of range: {v}")))
}

fn account_at(r: &Row, col: &str) -> Result<AccountId> {
    let s: &str = get(r, col)?;
    AccountId::parse(s).ok_or_else(|| Error::internal(format!("postgres: bad account id {s}")))
}

fn hashes_to_json(hashes: &[PasswordHash]) -> String {
    serde_json::to_string(&hashes.iter().map(|h| h.0.as_str()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

fn hashes_from_json(s: &str) -> Vec<PasswordHash> {
    serde_json::from_str::<Vec<String>>(s)
        .unwrap_or_default()
        .into_iter()
        .map(PasswordHash)
        .collect()
}

fn unix(t: Option<Timestamp>) -> Option<i64> {
    t.map(Timestamp::unix)
}

fn account_from(r: &Row) -> Result<Account> {
    let hash: Option<String> = get(r, "root_password_hash")?;
    let root_password = match hash {
        Some(hash) => Some(Password {
            hash: PasswordHash(hash),
            created: ts_at(r, "root_password_created")?,
            changed: ts_at(r, "root_password_changed")?,
            reset_required: get(r, "root_password_reset")?,
            previous: hashes_from_json(get(r, "root_password_previous")?),
        }),
        None => None,
    };
    let policy: Option<&str> = get(r, "password_policy")?;
    Ok(Account {
        id: account_at(r, "id")?,
        created: ts_at(r, "created")?,
        organization_member: get(r, "organization_member")?,
        root_password,
        root_password_last_used: opt_ts_at(r, "root_password_last_used")?,
        password_policy: policy.and_then(|p| serde_json::from_str(p).ok()),
    })
}

fn user_from(r: &Row) -> Result<User> {
    Ok(User {
        account: account_at(r, "account_id")?,
        id: get(r, "user_id")?,
        name: get(r, "name")?,
        path: get(r, "path")?,
        created: ts_at(r, "created")?,
        password_last_used: opt_ts_at(r, "password_last_used")?,
    })
}

fn password_from(r: &Row) -> Result<Password> {
    Ok(Password {
        hash: PasswordHash(get(r, "hash")?),
        created: ts_at(r, "created")?,
        changed: ts_at(r, "changed")?,
        reset_required: get(r, "reset_required")?,
        previous: hashes_from_json(get(r, "previous")?),
    })
}

fn key_use_from(r: &Row) -> Result<Option<KeyUse>> {
    let Some(at) = opt_ts_at(r, "last_used")? else {
        return Ok(None);
    };
    Ok(Some(KeyUse {
        at,
        region: get::<Option<String>>(r, "last_used_region")?.unwrap_or_default(),
        service: get::<Option<String>>(r, "last_used_service")?.unwrap_or_default(),
    }))
}

fn key_from(r: &Row) -> Result<AccessKey> {
    Ok(AccessKey {
        id: get(r, "key_id")?,
        account: account_at(r, "account_id")?,
        owner: Owner::from_key(get(r, "owner")?),
        secret: Sealed(get(r, "secret")?),
        active: get(r, "active")?,
        created: ts_at(r, "created")?,
        last_used: key_use_from(r)?,
    })
}

fn mfa_from(r: &Row) -> Result<MfaDevice> {
    let owner: Option<&str> = get(r, "owner")?;
    let enabled = opt_ts_at(r, "enabled")?;
    let last_counter: Option<i64> = get(r, "last_counter")?;
    Ok(MfaDevice {
        serial: get(r, "serial")?,
        account: account_at(r, "account_id")?,
        name: get(r, "name")?,
        path: get(r, "path")?,
        seed: Sealed(get(r, "seed")?),
        created: ts_at(r, "created")?,
        assignment: owner.zip(enabled).map(|(o, t)| (Owner::from_key(o), t)),
        last_counter: last_counter.and_then(|c| u64::try_from(c).ok()),
    })
}

fn digest(bytes: Vec<u8>, what: &str) -> Result<[u8; 32]> {
    bytes
        .try_into()
        .map_err(|_| Error::internal(format!("postgres: {what} is not 32 bytes")))
}

fn cert_from(r: &Row) -> Result<SigningCertificate> {
    Ok(SigningCertificate {
        id: get(r, "cert_id")?,
        account: account_at(r, "account_id")?,
        owner: Owner::from_key(get(r, "owner")?),
        body: get(r, "body")?,
        der_sha256: digest(get(r, "der_sha256")?, "der_sha256")?,
        active: get(r, "active")?,
        uploaded: ts_at(r, "uploaded")?,
    })
}

fn session_from(r: &Row) -> Result<ConsoleSession> {
    let stage: &str = get(r, "stage")?;
    Ok(ConsoleSession {
        token_hash: digest(get(r, "token_hash")?, "token_hash")?,
        account: account_at(r, "account_id")?,
        owner: Owner::from_key(get(r, "owner")?),
        stage: SessionStage::from_key(stage)
            .ok_or_else(|| Error::internal(format!("postgres: bad session stage {stage}")))?,
        created: ts_at(r, "created")?,
        expires: ts_at(r, "expires")?,
    })
}

fn entity_from(r: &Row) -> Result<Entity> {
    let kind: &str = get(r, "entity_kind")?;
    Ok(Entity {
        kind: EntityKind::from_key(kind)
            .ok_or_else(|| Error::internal(format!("postgres: bad entity kind {kind}")))?,
        id: get(r, "entity_id")?,
    })
}

fn inline_from(r: &Row) -> Result<InlinePolicy> {
    Ok(InlinePolicy {
        entity: entity_from(r)?,
        name: get(r, "name")?,
        document: get(r, "document")?,
    })
}

fn group_from(r: &Row) -> Result<Group> {
    Ok(Group {
        account: account_at(r, "account_id")?,
        id: get(r, "group_id")?,
        name: get(r, "name")?,
        path: get(r, "path")?,
        created: ts_at(r, "created")?,
    })
}

fn role_from(r: &Row) -> Result<Role> {
    let last_used = opt_ts_at(r, "last_used")?;
    let region: Option<String> = get(r, "last_used_region")?;
    Ok(Role {
        account: account_at(r, "account_id")?,
        id: get(r, "role_id")?,
        name: get(r, "name")?,
        path: get(r, "path")?,
        created: ts_at(r, "created")?,
        assume_role_policy: get(r, "assume_role_policy")?,
        description: get(r, "description")?,
        max_session_duration: u32_at(r, "max_session_duration")?,
        last_used: last_used.map(|t| (t, region.unwrap_or_default())),
    })
}

fn profile_from(r: &Row) -> Result<InstanceProfile> {
    Ok(InstanceProfile {
        account: account_at(r, "account_id")?,
        id: get(r, "profile_id")?,
        name: get(r, "name")?,
        path: get(r, "path")?,
        created: ts_at(r, "created")?,
    })
}

fn managed_from(r: &Row) -> Result<ManagedPolicy> {
    Ok(ManagedPolicy {
        account: account_at(r, "account_id")?,
        id: get(r, "policy_id")?,
        name: get(r, "name")?,
        path: get(r, "path")?,
        description: get(r, "description")?,
        created: ts_at(r, "created")?,
        updated: ts_at(r, "updated")?,
        default_version: u32_at(r, "default_version")?,
        next_version: u32_at(r, "next_version")?,
    })
}

fn version_from(r: &Row) -> Result<PolicyVersion> {
    Ok(PolicyVersion {
        policy_id: get(r, "policy_id")?,
        version: u32_at(r, "version")?,
        document: get(r, "document")?,
        created: ts_at(r, "created")?,
    })
}

impl Tx for PgTx<'_> {
    fn account(&mut self, id: &AccountId) -> Result<Option<Account>> {
        self.one(
            "SELECT * FROM accounts WHERE id = $1",
            &[&id.as_str()],
            account_from,
        )
    }

    fn account_ids(&mut self) -> Result<Vec<AccountId>> {
        self.all("SELECT id FROM accounts ORDER BY id", &[], |r| {
            account_at(r, "id")
        })
    }

    fn insert_account(&mut self, a: &Account) -> Result<()> {
        let rp = a.root_password.as_ref();
        let policy = a
            .password_policy
            .as_ref()
            .and_then(|p| serde_json::to_string(p).ok());
        self.insert(
            "INSERT INTO accounts (id, created, organization_member, root_password_hash, root_password_created,
             root_password_changed, root_password_reset, root_password_previous, root_password_last_used, password_policy)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &a.id.as_str(),
                &a.created.unix(),
                &a.organization_member,
                &rp.map(|p| p.hash.0.as_str()),
                &rp.map(|p| p.created.unix()),
                &rp.map(|p| p.changed.unix()),
                &rp.map(|p| p.reset_required),
                &rp.map(|p| hashes_to_json(&p.previous)),
                &unix(a.root_password_last_used),
                &policy,
            ],
            || format!("Account {} already exists.", a.id),
        )
    }

    fn update_account(&mut self, a: &Account) -> Result<()> {
        let rp = a.root_password.as_ref();
        let policy = a
            .password_policy
            .as_ref()
            .and_then(|p| serde_json::to_string(p).ok());
        self.exec(
            "UPDATE accounts SET created = $2, organization_member = $3, root_password_hash = $4,
             root_password_created = $5, root_password_changed = $6, root_password_reset = $7,
             root_password_previous = $8, root_password_last_used = $9, password_policy = $10 WHERE id = $1",
            &[
                &a.id.as_str(),
                &a.created.unix(),
                &a.organization_member,
                &rp.map(|p| p.hash.0.as_str()),
                &rp.map(|p| p.created.unix()),
                &rp.map(|p| p.changed.unix()),
                &rp.map(|p| p.reset_required),
                &rp.map(|p| hashes_to_json(&p.previous)),
                &unix(a.root_password_last_used),
                &policy,
            ],
        )
        .map(drop)
    }

    fn user_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<User>> {
        self.named("users", account, name, user_from)
    }

    fn user_by_id(&mut self, account: &AccountId, user_id: &str) -> Result<Option<User>> {
        self.one(
            "SELECT * FROM users WHERE account_id = $1 AND user_id = $2",
            &[&account.as_str(), &user_id],
            user_from,
        )
    }

    fn users(&mut self, account: &AccountId, q: &UserQuery<'_>) -> Result<Vec<User>> {
        self.named_page("users", account, q, user_from)
    }

    fn count_users(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM users WHERE account_id = $1",
            &[&account.as_str()],
        )
    }

    fn insert_user(&mut self, u: &User) -> Result<()> {
        self.insert(
            "INSERT INTO users (account_id, user_id, name, name_key, path, created, password_last_used)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                &u.account.as_str(),
                &u.id,
                &u.name,
                &name_key(&u.name),
                &u.path,
                &u.created.unix(),
                &unix(u.password_last_used),
            ],
            || format!("User with name {} already exists.", u.name),
        )
    }

    fn update_user(&mut self, u: &User) -> Result<()> {
        self.exec(
            "UPDATE users SET name = $3, name_key = $4, path = $5, created = $6, password_last_used = $7
             WHERE account_id = $1 AND user_id = $2",
            &[
                &u.account.as_str(),
                &u.id,
                &u.name,
                &name_key(&u.name),
                &u.path,
                &u.created.unix(),
                &unix(u.password_last_used),
            ],
        )
        .map(drop)
    }

    fn delete_user(&mut self, account: &AccountId, user_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM users WHERE account_id = $1 AND user_id = $2",
            &[&account.as_str(), &user_id],
        )
        .map(drop)
    }

    fn login_profile(&mut self, account: &AccountId, user_id: &str) -> Result<Option<Password>> {
        self.one(
            "SELECT * FROM login_profiles WHERE account_id = $1 AND user_id = $2",
            &[&account.as_str(), &user_id],
            password_from,
        )
    }

    fn login_profiles(&mut self, account: &AccountId) -> Result<Vec<(String, Password)>> {
        self.all(
            "SELECT * FROM login_profiles WHERE account_id = $1",
            &[&account.as_str()],
            |r| Ok((get(r, "user_id")?, password_from(r)?)),
        )
    }

    fn put_login_profile(
        &mut self,
        account: &AccountId,
        user_id: &str,
        p: &Password,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO login_profiles (account_id, user_id, hash, created, changed, reset_required, previous)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (user_id) DO UPDATE SET account_id = EXCLUDED.account_id, hash = EXCLUDED.hash,
             created = EXCLUDED.created, changed = EXCLUDED.changed,
             reset_required = EXCLUDED.reset_required, previous = EXCLUDED.previous",
            &[
                &account.as_str(),
                &user_id,
                &p.hash.0,
                &p.created.unix(),
                &p.changed.unix(),
                &p.reset_required,
                &hashes_to_json(&p.previous),
            ],
        )
        .map(drop)
    }

    fn delete_login_profile(&mut self, account: &AccountId, user_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM login_profiles WHERE account_id = $1 AND user_id = $2",
            &[&account.as_str(), &user_id],
        )
        .map(drop)
    }

    fn access_key(&mut self, key_id: &str) -> Result<Option<AccessKey>> {
        self.one(
            "SELECT * FROM access_keys WHERE key_id = $1",
            &[&key_id],
            key_from,
        )
    }

    fn access_keys_of(&mut self, account: &AccountId, owner: &Owner) -> Result<Vec<AccessKey>> {
        self.all(
            "SELECT * FROM access_keys WHERE account_id = $1 AND owner = $2 ORDER BY created, key_id",
            &[&account.as_str(), &owner.as_key()],
            key_from,
        )
    }

    fn access_keys(&mut self, account: &AccountId) -> Result<Vec<AccessKey>> {
        self.all(
            "SELECT * FROM access_keys WHERE account_id = $1 ORDER BY created, key_id",
            &[&account.as_str()],
            key_from,
        )
    }

    fn put_access_key(&mut self, k: &AccessKey) -> Result<()> {
        let used = k.last_used.as_ref();
        self.exec(
            "INSERT INTO access_keys (key_id, account_id, owner, secret, active, created, last_used, last_used_region, last_used_service)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (key_id) DO UPDATE SET account_id = EXCLUDED.account_id, owner = EXCLUDED.owner,
             secret = EXCLUDED.secret, active = EXCLUDED.active, created = EXCLUDED.created,
             last_used = EXCLUDED.last_used, last_used_region = EXCLUDED.last_used_region,
             last_used_service = EXCLUDED.last_used_service",
            &[
                &k.id,
                &k.account.as_str(),
                &k.owner.as_key(),
                &k.secret.0,
                &k.active,
                &k.created.unix(),
                &used.map(|u| u.at.unix()),
                &used.map(|u| u.region.as_str()),
                &used.map(|u| u.service.as_str()),
            ],
        )?;
        self.announce_key(&k.id)
    }

    fn delete_access_key(&mut self, key_id: &str) -> Result<()> {
        self.exec("DELETE FROM access_keys WHERE key_id = $1", &[&key_id])?;
        self.announce_key(key_id)
    }

    fn mfa_device(&mut self, account: &AccountId, serial: &str) -> Result<Option<MfaDevice>> {
        self.one(
            "SELECT * FROM mfa_devices WHERE account_id = $1 AND serial_key = $2",
            &[&account.as_str(), &name_key(serial)],
            mfa_from,
        )
    }

    fn mfa_devices(&mut self, account: &AccountId) -> Result<Vec<MfaDevice>> {
        self.all(
            "SELECT * FROM mfa_devices WHERE account_id = $1 ORDER BY serial_key",
            &[&account.as_str()],
            mfa_from,
        )
    }

    fn put_mfa_device(&mut self, d: &MfaDevice) -> Result<()> {
        let (owner, enabled) = match &d.assignment {
            Some((o, t)) => (Some(o.as_key()), Some(t.unix())),
            None => (None, None),
        };
        self.exec(
            "INSERT INTO mfa_devices (account_id, serial_key, serial, name, path, seed, created, owner, enabled, last_counter)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (account_id, serial_key) DO UPDATE SET serial = EXCLUDED.serial, name = EXCLUDED.name,
             path = EXCLUDED.path, seed = EXCLUDED.seed, created = EXCLUDED.created, owner = EXCLUDED.owner,
             enabled = EXCLUDED.enabled, last_counter = EXCLUDED.last_counter",
            &[
                &d.account.as_str(),
                &name_key(&d.serial),
                &d.serial,
                &d.name,
                &d.path,
                &d.seed.0,
                &d.created.unix(),
                &owner,
                &enabled,
                &d.last_counter.and_then(|c| i64::try_from(c).ok()),
            ],
        )
        .map(drop)
    }

    fn delete_mfa_device(&mut self, account: &AccountId, serial: &str) -> Result<()> {
        self.exec(
            "DELETE FROM mfa_devices WHERE account_id = $1 AND serial_key = $2",
            &[&account.as_str(), &name_key(serial)],
        )
        .map(drop)
    }

    fn signing_certificate(
        &mut self,
        account: &AccountId,
        cert_id: &str,
    ) -> Result<Option<SigningCertificate>> {
        self.one(
            "SELECT * FROM signing_certificates WHERE account_id = $1 AND cert_id = $2",
            &[&account.as_str(), &cert_id],
            cert_from,
        )
    }

    fn signing_certificates(&mut self, account: &AccountId) -> Result<Vec<SigningCertificate>> {
        self.all(
            "SELECT * FROM signing_certificates WHERE account_id = $1 ORDER BY uploaded, cert_id",
            &[&account.as_str()],
            cert_from,
        )
    }

    fn put_signing_certificate(&mut self, c: &SigningCertificate) -> Result<()> {
        self.exec(
            "INSERT INTO signing_certificates (cert_id, account_id, owner, body, der_sha256, active, uploaded)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (cert_id) DO UPDATE SET account_id = EXCLUDED.account_id, owner = EXCLUDED.owner,
             body = EXCLUDED.body, der_sha256 = EXCLUDED.der_sha256, active = EXCLUDED.active,
             uploaded = EXCLUDED.uploaded",
            &[
                &c.id,
                &c.account.as_str(),
                &c.owner.as_key(),
                &c.body,
                &&c.der_sha256[..],
                &c.active,
                &c.uploaded.unix(),
            ],
        )
        .map(drop)
    }

    fn delete_signing_certificate(&mut self, account: &AccountId, cert_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM signing_certificates WHERE account_id = $1 AND cert_id = $2",
            &[&account.as_str(), &cert_id],
        )
        .map(drop)
    }

    fn inline_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        name: &str,
    ) -> Result<Option<InlinePolicy>> {
        self.one(
            "SELECT * FROM inline_policies WHERE account_id = $1 AND entity_kind = $2 AND entity_id = $3 AND name_key = $4",
            &[&account.as_str(), &entity.kind.as_key(), &entity.id, &name_key(name)],
            inline_from,
        )
    }

    fn inline_policies(
        &mut self,
        account: &AccountId,
        entity: &Entity,
    ) -> Result<Vec<InlinePolicy>> {
        self.all(
            "SELECT * FROM inline_policies WHERE account_id = $1 AND entity_kind = $2 AND entity_id = $3 ORDER BY name_key",
            &[&account.as_str(), &entity.kind.as_key(), &entity.id],
            inline_from,
        )
    }

    fn put_inline_policy(&mut self, account: &AccountId, p: &InlinePolicy) -> Result<()> {
        self.exec(
            "INSERT INTO inline_policies (account_id, entity_kind, entity_id, name, name_key, document)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (account_id, entity_kind, entity_id, name_key)
             DO UPDATE SET name = EXCLUDED.name, document = EXCLUDED.document",
            &[
                &account.as_str(),
                &p.entity.kind.as_key(),
                &p.entity.id,
                &p.name,
                &name_key(&p.name),
                &p.document,
            ],
        )
        .map(drop)
    }

    fn delete_inline_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        name: &str,
    ) -> Result<()> {
        self.exec(
            "DELETE FROM inline_policies WHERE account_id = $1 AND entity_kind = $2 AND entity_id = $3 AND name_key = $4",
            &[&account.as_str(), &entity.kind.as_key(), &entity.id, &name_key(name)],
        )
        .map(drop)
    }

    fn group_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<Group>> {
        self.named("groups", account, name, group_from)
    }

    fn group_by_id(&mut self, account: &AccountId, group_id: &str) -> Result<Option<Group>> {
        self.one(
            "SELECT * FROM groups WHERE account_id = $1 AND group_id = $2",
            &[&account.as_str(), &group_id],
            group_from,
        )
    }

    fn groups(&mut self, account: &AccountId, q: &UserQuery<'_>) -> Result<Vec<Group>> {
        self.named_page("groups", account, q, group_from)
    }

    fn count_groups(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM groups WHERE account_id = $1",
            &[&account.as_str()],
        )
    }

    fn insert_group(&mut self, g: &Group) -> Result<()> {
        self.exec(
            "INSERT INTO groups (account_id, group_id, name, name_key, path, created) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&g.account.as_str(), &g.id, &g.name, &name_key(&g.name), &g.path, &g.created.unix()],
        )
        .map(drop)
    }

    fn update_group(&mut self, g: &Group) -> Result<()> {
        self.exec(
            "UPDATE groups SET name = $3, name_key = $4, path = $5 WHERE account_id = $1 AND group_id = $2",
            &[&g.account.as_str(), &g.id, &g.name, &name_key(&g.name), &g.path],
        )
        .map(drop)
    }

    fn delete_group(&mut self, account: &AccountId, group_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM groups WHERE account_id = $1 AND group_id = $2",
            &[&account.as_str(), &group_id],
        )
        .map(drop)
    }

    fn add_group_member(
        &mut self,
        account: &AccountId,
        group_id: &str,
        user_id: &str,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO group_members (account_id, group_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&account.as_str(), &group_id, &user_id],
        )
        .map(drop)
    }

    fn remove_group_member(
        &mut self,
        account: &AccountId,
        group_id: &str,
        user_id: &str,
    ) -> Result<()> {
        self.exec(
            "DELETE FROM group_members WHERE account_id = $1 AND group_id = $2 AND user_id = $3",
            &[&account.as_str(), &group_id, &user_id],
        )
        .map(drop)
    }

    fn group_members(&mut self, account: &AccountId, group_id: &str) -> Result<Vec<User>> {
        self.all(
            "SELECT u.* FROM group_members m JOIN users u ON u.user_id = m.user_id
             WHERE m.account_id = $1 AND m.group_id = $2 ORDER BY u.name_key, u.name",
            &[&account.as_str(), &group_id],
            user_from,
        )
    }

    fn groups_of_user(&mut self, account: &AccountId, user_id: &str) -> Result<Vec<Group>> {
        self.all(
            "SELECT g.* FROM group_members m JOIN groups g ON g.group_id = m.group_id
             WHERE m.account_id = $1 AND m.user_id = $2 ORDER BY g.name_key, g.name",
            &[&account.as_str(), &user_id],
            group_from,
        )
    }

    fn role_by_name(&mut self, account: &AccountId, name: &str) -> Result<Option<Role>> {
        self.named("roles", account, name, role_from)
    }

    fn role_by_id(&mut self, account: &AccountId, role_id: &str) -> Result<Option<Role>> {
        self.one(
            "SELECT * FROM roles WHERE account_id = $1 AND role_id = $2",
            &[&account.as_str(), &role_id],
            role_from,
        )
    }

    fn roles(&mut self, account: &AccountId, q: &UserQuery<'_>) -> Result<Vec<Role>> {
        self.named_page("roles", account, q, role_from)
    }

    fn count_roles(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM roles WHERE account_id = $1",
            &[&account.as_str()],
        )
    }

    fn put_role(&mut self, r: &Role) -> Result<()> {
        self.exec(
            "INSERT INTO roles (account_id, role_id, name, name_key, path, created, assume_role_policy,
             description, max_session_duration, last_used, last_used_region)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (role_id) DO UPDATE SET account_id = EXCLUDED.account_id, name = EXCLUDED.name,
             name_key = EXCLUDED.name_key, path = EXCLUDED.path, created = EXCLUDED.created,
             assume_role_policy = EXCLUDED.assume_role_policy, description = EXCLUDED.description,
             max_session_duration = EXCLUDED.max_session_duration, last_used = EXCLUDED.last_used,
             last_used_region = EXCLUDED.last_used_region",
            &[
                &r.account.as_str(),
                &r.id,
                &r.name,
                &name_key(&r.name),
                &r.path,
                &r.created.unix(),
                &r.assume_role_policy,
                &r.description,
                &i64::from(r.max_session_duration),
                &r.last_used.as_ref().map(|(t, _)| t.unix()),
                &r.last_used.as_ref().map(|(_, region)| region.as_str()),
            ],
        )
        .map(drop)
    }

    fn delete_role(&mut self, account: &AccountId, role_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM roles WHERE account_id = $1 AND role_id = $2",
            &[&account.as_str(), &role_id],
        )
        .map(drop)
    }

    fn instance_profile_by_name(
        &mut self,
        account: &AccountId,
        name: &str,
    ) -> Result<Option<InstanceProfile>> {
        self.named("instance_profiles", account, name, profile_from)
    }

    fn instance_profiles(
        &mut self,
        account: &AccountId,
        q: &UserQuery<'_>,
    ) -> Result<Vec<InstanceProfile>> {
        self.named_page("instance_profiles", account, q, profile_from)
    }

    fn count_instance_profiles(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM instance_profiles WHERE account_id = $1",
            &[&account.as_str()],
        )
    }

    fn insert_instance_profile(&mut self, p: &InstanceProfile) -> Result<()> {
        self.exec(
            "INSERT INTO instance_profiles (account_id, profile_id, name, name_key, path, created) VALUES ($1, $2, $3, $4, $5, $6)",
            &[&p.account.as_str(), &p.id, &p.name, &name_key(&p.name), &p.path, &p.created.unix()],
        )
        .map(drop)
    }

    fn delete_instance_profile(&mut self, account: &AccountId, profile_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM instance_profiles WHERE account_id = $1 AND profile_id = $2",
            &[&account.as_str(), &profile_id],
        )
        .map(drop)
    }

    fn add_profile_role(
        &mut self,
        account: &AccountId,
        profile_id: &str,
        role_id: &str,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO instance_profile_roles (account_id, profile_id, role_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            &[&account.as_str(), &profile_id, &role_id],
        )
        .map(drop)
    }

    fn remove_profile_role(
        &mut self,
        account: &AccountId,
        profile_id: &str,
        role_id: &str,
    ) -> Result<()> {
        self.exec(
            "DELETE FROM instance_profile_roles WHERE account_id = $1 AND profile_id = $2 AND role_id = $3",
            &[&account.as_str(), &profile_id, &role_id],
        )
        .map(drop)
    }

    fn profile_roles(&mut self, account: &AccountId, profile_id: &str) -> Result<Vec<Role>> {
        self.all(
            "SELECT r.* FROM instance_profile_roles m JOIN roles r ON r.role_id = m.role_id
             WHERE m.account_id = $1 AND m.profile_id = $2 ORDER BY r.name_key",
            &[&account.as_str(), &profile_id],
            role_from,
        )
    }

    fn profiles_of_role(
        &mut self,
        account: &AccountId,
        role_id: &str,
    ) -> Result<Vec<InstanceProfile>> {
        self.all(
            "SELECT p.* FROM instance_profile_roles m JOIN instance_profiles p ON p.profile_id = m.profile_id
             WHERE m.account_id = $1 AND m.role_id = $2 ORDER BY p.name_key, p.name",
            &[&account.as_str(), &role_id],
            profile_from,
        )
    }

    fn managed_policy(
        &mut self,
        account: &AccountId,
        policy_id: &str,
    ) -> Result<Option<ManagedPolicy>> {
        self.one(
            "SELECT * FROM managed_policies WHERE account_id = $1 AND policy_id = $2",
            &[&account.as_str(), &policy_id],
            managed_from,
        )
    }

    fn managed_policy_by_name(
        &mut self,
        account: &AccountId,
        name: &str,
    ) -> Result<Option<ManagedPolicy>> {
        self.named("managed_policies", account, name, managed_from)
    }

    fn managed_policies(
        &mut self,
        account: &AccountId,
        q: &UserQuery<'_>,
    ) -> Result<Vec<ManagedPolicy>> {
        self.named_page("managed_policies", account, q, managed_from)
    }

    fn count_managed_policies(&mut self, account: &AccountId) -> Result<usize> {
        self.count(
            "SELECT count(*) FROM managed_policies WHERE account_id = $1",
            &[&account.as_str()],
        )
    }

    fn put_managed_policy(&mut self, p: &ManagedPolicy) -> Result<()> {
        self.exec(
            "INSERT INTO managed_policies (account_id, policy_id, name, name_key, path, description, created, updated, default_version, next_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (policy_id) DO UPDATE SET account_id = EXCLUDED.account_id, name = EXCLUDED.name,
             name_key = EXCLUDED.name_key, path = EXCLUDED.path, description = EXCLUDED.description,
             created = EXCLUDED.created, updated = EXCLUDED.updated,
             default_version = EXCLUDED.default_version, next_version = EXCLUDED.next_version",
            &[
                &p.account.as_str(),
                &p.id,
                &p.name,
                &name_key(&p.name),
                &p.path,
                &p.description,
                &p.created.unix(),
                &p.updated.unix(),
                &i64::from(p.default_version),
                &i64::from(p.next_version),
            ],
        )
        .map(drop)
    }

    fn delete_managed_policy(&mut self, account: &AccountId, policy_id: &str) -> Result<()> {
        self.exec(
            "DELETE FROM policy_versions WHERE policy_id = $1",
            &[&policy_id],
        )?;
        self.exec(
            "DELETE FROM managed_policies WHERE account_id = $1 AND policy_id = $2",
            &[&account.as_str(), &policy_id],
        )
        .map(drop)
    }

    fn policy_versions(&mut self, policy_id: &str) -> Result<Vec<PolicyVersion>> {
        self.all(
            "SELECT * FROM policy_versions WHERE policy_id = $1 ORDER BY version",
            &[&policy_id],
            version_from,
        )
    }

    fn put_policy_version(&mut self, v: &PolicyVersion) -> Result<()> {
        self.exec(
            "INSERT INTO policy_versions (policy_id, version, document, created) VALUES ($1, $2, $3, $4)
             ON CONFLICT (policy_id, version) DO UPDATE SET document = EXCLUDED.document, created = EXCLUDED.created",
            &[&v.policy_id, &i64::from(v.version), &v.document, &v.created.unix()],
        )
        .map(drop)
    }

    fn delete_policy_version(&mut self, policy_id: &str, version: u32) -> Result<()> {
        self.exec(
            "DELETE FROM policy_versions WHERE policy_id = $1 AND version = $2",
            &[&policy_id, &i64::from(version)],
        )
        .map(drop)
    }

    fn attach_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: &str,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO policy_attachments (account_id, entity_kind, entity_id, policy_arn) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[&account.as_str(), &entity.kind.as_key(), &entity.id, &policy_arn],
        )
        .map(drop)
    }

    fn detach_policy(
        &mut self,
        account: &AccountId,
        entity: &Entity,
        policy_arn: &str,
    ) -> Result<()> {
        self.exec(
            "DELETE FROM policy_attachments WHERE account_id = $1 AND entity_kind = $2 AND entity_id = $3 AND policy_arn = $4",
            &[&account.as_str(), &entity.kind.as_key(), &entity.id, &policy_arn],
        )
        .map(drop)
    }

    fn attached_policies(&mut self, account: &AccountId, entity: &Entity) -> Result<Vec<String>> {
        self.all(
            "SELECT policy_arn FROM policy_attachments WHERE account_id = $1 AND entity_kind = $2 AND entity_id = $3 ORDER BY policy_arn",
            &[&account.as_str(), &entity.kind.as_key(), &entity.id],
            |r| get(r, 0),
        )
    }

    fn policy_attachments(&mut self, account: &AccountId, policy_arn: &str) -> Result<Vec<Entity>> {
        self.all(
            "SELECT entity_kind, entity_id FROM policy_attachments WHERE account_id = $1 AND policy_arn = $2
             ORDER BY entity_kind, entity_id",
            &[&account.as_str(), &policy_arn],
            entity_from,
        )
    }

    fn tags(&mut self, account: &AccountId, target: &TagTarget) -> Result<Vec<Tag>> {
        let (kind, id) = target.parts();
        self.all(
            "SELECT key, value FROM tags WHERE account_id = $1 AND resource_kind = $2 AND resource_id = $3 ORDER BY position",
            &[&account.as_str(), &kind, &id],
            |r| Ok(Tag { key: get(r, 0)?, value: get(r, 1)? }),
        )
    }

    fn put_tags(&mut self, account: &AccountId, target: &TagTarget, tags: &[Tag]) -> Result<()> {
        let (kind, id) = target.parts();
        self.exec(
            "DELETE FROM tags WHERE account_id = $1 AND resource_kind = $2 AND resource_id = $3",
            &[&account.as_str(), &kind, &id],
        )?;
        for (position, t) in tags.iter().enumerate() {
            self.exec(
                "INSERT INTO tags (account_id, resource_kind, resource_id, position, key, value) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&account.as_str(), &kind, &id, &i64::try_from(position).unwrap_or(i64::MAX), &t.key, &t.value],
            )?;
        }
        Ok(())
    }

    fn account_alias(&mut self, account: &AccountId) -> Result<Option<String>> {
        self.one(
            "SELECT alias FROM account_aliases WHERE account_id = $1",
            &[&account.as_str()],
            |r| get(r, 0),
        )
    }

    fn alias_owner(&mut self, alias: &str) -> Result<Option<AccountId>> {
        self.one(
            "SELECT account_id FROM account_aliases WHERE alias = $1",
            &[&alias],
            |r| account_at(r, "account_id"),
        )
    }

    fn set_account_alias(&mut self, account: &AccountId, alias: Option<&str>) -> Result<()> {
        self.exec(
            "DELETE FROM account_aliases WHERE account_id = $1",
            &[&account.as_str()],
        )?;
        if let Some(alias) = alias {
            self.exec(
                "INSERT INTO account_aliases (alias, account_id) VALUES ($1, $2)",
                &[&alias, &account.as_str()],
            )?;
        }
        Ok(())
    }

    fn key_facts(&mut self, account: &AccountId) -> Result<Vec<KeyFacts>> {
        self.all(
            "SELECT key_id, owner, active, created, last_used, last_used_region, last_used_service
             FROM access_keys WHERE account_id = $1",
            &[&account.as_str()],
            |r| {
                Ok(KeyFacts {
                    id: get(r, "key_id")?,
                    owner: Owner::from_key(get(r, "owner")?),
                    active: get(r, "active")?,
                    created: ts_at(r, "created")?,
                    last_used: key_use_from(r)?,
                })
            },
        )
    }

    fn cert_facts(&mut self, account: &AccountId) -> Result<Vec<CertFacts>> {
        self.all(
            "SELECT cert_id, owner, active, uploaded FROM signing_certificates WHERE account_id = $1",
            &[&account.as_str()],
            |r| {
                Ok(CertFacts {
                    id: get(r, "cert_id")?,
                    owner: Owner::from_key(get(r, "owner")?),
                    active: get(r, "active")?,
                    uploaded: ts_at(r, "uploaded")?,
                })
            },
        )
    }

    fn password_changes(&mut self, account: &AccountId) -> Result<Vec<(String, Timestamp)>> {
        self.all(
            "SELECT user_id, changed FROM login_profiles WHERE account_id = $1",
            &[&account.as_str()],
            |r| Ok((get(r, "user_id")?, ts_at(r, "changed")?)),
        )
    }

    fn mfa_owners(&mut self, account: &AccountId) -> Result<Vec<Owner>> {
        self.all(
            "SELECT owner FROM mfa_devices WHERE account_id = $1 AND owner IS NOT NULL AND enabled IS NOT NULL",
            &[&account.as_str()],
            |r| Ok(Owner::from_key(get(r, "owner")?)),
        )
    }

    fn report(&mut self, account: &AccountId) -> Result<StoredReport> {
        let row = self.one(
            "SELECT generated, building_since FROM reports WHERE account_id = $1",
            &[&account.as_str()],
            |r| {
                Ok(StoredReport {
                    generated: opt_ts_at(r, "generated")?,
                    building_since: opt_ts_at(r, "building_since")?,
                })
            },
        )?;
        Ok(row.unwrap_or_default())
    }

    fn put_report(&mut self, account: &AccountId, r: &StoredReport) -> Result<()> {
        self.exec(
            "INSERT INTO reports (account_id, generated, building_since) VALUES ($1, $2, $3)
             ON CONFLICT (account_id) DO UPDATE SET generated = EXCLUDED.generated,
             building_since = EXCLUDED.building_since",
            &[
                &account.as_str(),
                &unix(r.generated),
                &unix(r.building_since),
            ],
        )
        .map(drop)
    }

    fn report_content(&mut self, account: &AccountId) -> Result<Option<Vec<u8>>> {
        self.one(
            "SELECT content FROM report_contents WHERE account_id = $1",
            &[&account.as_str()],
            |r| get(r, 0),
        )
    }

    fn put_report_content(&mut self, account: &AccountId, content: &[u8]) -> Result<()> {
        self.exec(
            "INSERT INTO report_contents (account_id, content) VALUES ($1, $2)
             ON CONFLICT (account_id) DO UPDATE SET content = EXCLUDED.content",
            &[&account.as_str(), &content],
        )
        .map(drop)
    }

    fn reports_building(&mut self) -> Result<Vec<(AccountId, Timestamp)>> {
        self.all(
            "SELECT account_id, building_since FROM reports WHERE building_since IS NOT NULL",
            &[],
            |r| Ok((account_at(r, "account_id")?, ts_at(r, "building_since")?)),
        )
    }

    fn console_session(&mut self, token_hash: &[u8; 32]) -> Result<Option<ConsoleSession>> {
        self.one(
            "SELECT * FROM console_sessions WHERE token_hash = $1",
            &[&&token_hash[..]],
            session_from,
        )
    }

    fn put_console_session(&mut self, s: &ConsoleSession) -> Result<()> {
        self.exec(
            "INSERT INTO console_sessions (token_hash, account_id, owner, stage, created, expires)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (token_hash) DO UPDATE SET account_id = EXCLUDED.account_id, owner = EXCLUDED.owner,
             stage = EXCLUDED.stage, created = EXCLUDED.created, expires = EXCLUDED.expires",
            &[
                &&s.token_hash[..],
                &s.account.as_str(),
                &s.owner.as_key(),
                &s.stage.as_key(),
                &s.created.unix(),
                &s.expires.unix(),
            ],
        )
        .map(drop)
    }

    fn delete_console_session(&mut self, token_hash: &[u8; 32]) -> Result<()> {
        self.exec(
            "DELETE FROM console_sessions WHERE token_hash = $1",
            &[&&token_hash[..]],
        )
        .map(drop)
    }

    fn delete_expired_console_sessions(&mut self, now: Timestamp) -> Result<usize> {
        let n = self.exec(
            "DELETE FROM console_sessions WHERE expires <= $1",
            &[&now.unix()],
        )?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }
}
