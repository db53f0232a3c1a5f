//! The tables, and how each record is read out of a row of its table, by column name.

use crate::error::Result;
use crate::model::{
    AccessKey, Account, CertFacts, ConsoleSession, Entity, EntityKind, Group, InlinePolicy,
    InstanceProfile, KeptLine, KeptRow, KeptRows, KeyFacts, KeyUse, ManagedPolicy, MfaDevice,
    Password, PasswordHash, PolicyVersion, Role, RowsReport, Sealed, SessionStage,
    SigningCertificate, SshPublicKey, StoredReport, Tag, User,
};

use super::row::{Row, Table};
use super::Decoder;

macro_rules! tables {
    ($($name:ident = $table:literal key [$($key:literal),*];)*) => {
        $(pub(crate) static $name: Table = Table { name: $table, key: &[$($key),*] };)*
    };
}

tables! {
    ACCOUNTS = "accounts" key ["id"];
    USERS = "users" key ["user_id"];
    LOGIN_PROFILES = "login_profiles" key ["user_id"];
    ACCESS_KEYS = "access_keys" key ["key_id"];
    MFA_DEVICES = "mfa_devices" key ["account_id", "serial_key"];
    SIGNING_CERTIFICATES = "signing_certificates" key ["cert_id"];
    SSH_PUBLIC_KEYS = "ssh_public_keys" key ["key_id"];
    INLINE_POLICIES = "inline_policies" key ["account_id", "entity_kind", "entity_id", "name_key"];
    GROUPS = "groups" key ["group_id"];
    ROLES = "roles" key ["role_id"];
    INSTANCE_PROFILES = "instance_profiles" key ["profile_id"];
    MANAGED_POLICIES = "managed_policies" key ["policy_id"];
    POLICY_VERSIONS = "policy_versions" key ["policy_id", "version"];
    POLICY_ATTACHMENTS = "policy_attachments" key ["account_id", "entity_kind", "entity_id", "policy_arn"];
    PERMISSIONS_BOUNDARIES = "permissions_boundaries" key ["account_id", "entity_kind", "entity_id"];
    TAGS = "tags" key ["account_id", "resource_kind", "resource_id", "position"];
    ACCOUNT_ALIASES = "account_aliases" key ["alias"];
    REPORTS = "reports" key ["account_id"];
    REPORT_ROWS = "report_rows" key ["account_id", "name_key"];
    REPORT_FROZEN_ROWS = "report_frozen_rows" key ["account_id", "owner"];
    CONSOLE_SESSIONS = "console_sessions" key ["token_hash"];
    SIGN_IN_FAILURES = "sign_in_failures" key ["key", "at"];
}

pub(super) const ACCOUNT: Decoder<Account> = Decoder {
    table: &ACCOUNTS,
    decode: account,
};

fn account(r: &Row<'_>) -> Result<Account> {
    let root_password = match r.opt_string("root_password_hash")? {
        Some(hash) => Some(Password {
            hash: PasswordHash(hash),
            created: r.time("root_password_created")?,
            changed: r.time("root_password_changed")?,
            reset_required: r.bool("root_password_reset")?,
            previous: r.hashes("root_password_previous")?,
        }),
        None => None,
    };
    let password_policy = match r.opt_str("password_policy")? {
        Some(_) => Some(r.json("password_policy")?),
        None => None,
    };
    Ok(Account {
        id: r.account("id")?,
        created: r.time("created")?,
        organization_member: r.bool("organization_member")?,
        root_password,
        root_password_last_used: r.opt_time("root_password_last_used")?,
        password_policy,
    })
}

pub(super) const ACCOUNT_ID: Decoder<crate::ids::AccountId> = Decoder {
    table: &ACCOUNTS,
    decode: |r| r.account("id"),
};

pub(super) const USER: Decoder<User> = Decoder {
    table: &USERS,
    decode: user,
};

fn user(r: &Row<'_>) -> Result<User> {
    Ok(User {
        account: r.account("account_id")?,
        id: r.string("user_id")?,
        name: r.string("name")?,
        path: r.string("path")?,
        created: r.time("created")?,
        password_last_used: r.opt_time("password_last_used")?,
    })
}

fn password(r: &Row<'_>) -> Result<Password> {
    Ok(Password {
        hash: PasswordHash(r.string("hash")?),
        created: r.time("created")?,
        changed: r.time("changed")?,
        reset_required: r.bool("reset_required")?,
        previous: r.hashes("previous")?,
    })
}

pub(super) const LOGIN_PROFILE: Decoder<Password> = Decoder {
    table: &LOGIN_PROFILES,
    decode: password,
};

pub(super) const LOGIN_PROFILE_OF: Decoder<(String, Password)> = Decoder {
    table: &LOGIN_PROFILES,
    decode: |r| Ok((r.string("user_id")?, password(r)?)),
};

pub(super) const PASSWORD_CHANGE: Decoder<(String, credreport_report::Timestamp)> = Decoder {
    table: &LOGIN_PROFILES,
    decode: |r| Ok((r.string("user_id")?, r.time("changed")?)),
};

/// A key's last use: a time, and with it its region and service.
fn key_use(r: &Row<'_>) -> Result<Option<KeyUse>> {
    let Some(at) = r.opt_time("last_used")? else {
        return Ok(None);
    };
    Ok(Some(KeyUse {
        at,
        region: r.string("last_used_region")?,
        service: r.string("last_used_service")?,
    }))
}

pub(super) const ACCESS_KEY: Decoder<AccessKey> = Decoder {
    table: &ACCESS_KEYS,
    decode: |r| {
        Ok(AccessKey {
            id: r.string("key_id")?,
            account: r.account("account_id")?,
            owner: r.owner("owner")?,
            secret: Sealed(r.bytes("secret")?),
            active: r.bool("active")?,
            created: r.time("created")?,
            last_used: key_use(r)?,
        })
    },
};

pub(super) const KEY_FACTS: Decoder<KeyFacts> = Decoder {
    table: &ACCESS_KEYS,
    decode: |r| {
        Ok(KeyFacts {
            id: r.string("key_id")?,
            owner: r.owner("owner")?,
            active: r.bool("active")?,
            created: r.time("created")?,
            last_used: key_use(r)?,
        })
    },
};

pub(super) const MFA_DEVICE: Decoder<MfaDevice> = Decoder {
    table: &MFA_DEVICES,
    decode: |r| {
        // Owner and time are written together: one without the other is damage.
        let assignment = match (r.opt_owner("owner")?, r.opt_time("enabled")?) {
            (Some(owner), Some(enabled)) => Some((owner, enabled)),
            (None, None) => None,
            (Some(_), None) => return Err(r.damaged("enabled", "NULL for a device with an owner")),
            (None, Some(_)) => return Err(r.damaged("owner", "NULL for an enabled device")),
        };
        Ok(MfaDevice {
            serial: r.string("serial")?,
            account: r.account("account_id")?,
            name: r.string("name")?,
            path: r.string("path")?,
            seed: Sealed(r.bytes("seed")?),
            created: r.time("created")?,
            assignment,
            last_counter: r.opt_u64("last_counter")?,
        })
    },
};

pub(super) const MFA_OWNER: Decoder<crate::model::Owner> = Decoder {
    table: &MFA_DEVICES,
    decode: |r| r.owner("owner"),
};

pub(super) const SIGNING_CERTIFICATE: Decoder<SigningCertificate> = Decoder {
    table: &SIGNING_CERTIFICATES,
    decode: |r| {
        Ok(SigningCertificate {
            id: r.string("cert_id")?,
            account: r.account("account_id")?,
            owner: r.owner("owner")?,
            body: r.string("body")?,
            der_sha256: r.digest("der_sha256")?,
            active: r.bool("active")?,
            uploaded: r.time("uploaded")?,
        })
    },
};

pub(super) const SSH_PUBLIC_KEY: Decoder<SshPublicKey> = Decoder {
    table: &SSH_PUBLIC_KEYS,
    decode: |r| {
        Ok(SshPublicKey {
            id: r.string("key_id")?,
            account: r.account("account_id")?,
            user_id: r.string("user_id")?,
            body: r.string("body")?,
            fingerprint: r.string("fingerprint")?,
            active: r.bool("active")?,
            uploaded: r.time("uploaded")?,
        })
    },
};

pub(super) const CERT_FACTS: Decoder<CertFacts> = Decoder {
    table: &SIGNING_CERTIFICATES,
    decode: |r| {
        Ok(CertFacts {
            id: r.string("cert_id")?,
            owner: r.owner("owner")?,
            active: r.bool("active")?,
            uploaded: r.time("uploaded")?,
        })
    },
};

fn entity(r: &Row<'_>) -> Result<Entity> {
    Ok(Entity {
        kind: r.parsed("entity_kind", "user, group or role", EntityKind::from_key)?,
        id: r.string("entity_id")?,
    })
}

pub(super) const INLINE_POLICY: Decoder<InlinePolicy> = Decoder {
    table: &INLINE_POLICIES,
    decode: |r| {
        Ok(InlinePolicy {
            entity: entity(r)?,
            name: r.string("name")?,
            document: r.string("document")?,
        })
    },
};

pub(super) const GROUP: Decoder<Group> = Decoder {
    table: &GROUPS,
    decode: |r| {
        Ok(Group {
            account: r.account("account_id")?,
            id: r.string("group_id")?,
            name: r.string("name")?,
            path: r.string("path")?,
            created: r.time("created")?,
        })
    },
};

pub(super) const ROLE: Decoder<Role> = Decoder {
    table: &ROLES,
    decode: |r| {
        let last_used = match r.opt_time("last_used")? {
            Some(at) => Some((at, r.string("last_used_region")?)),
            None => None,
        };
        Ok(Role {
            account: r.account("account_id")?,
            id: r.string("role_id")?,
            name: r.string("name")?,
            path: r.string("path")?,
            created: r.time("created")?,
            assume_role_policy: r.string("assume_role_policy")?,
            description: r.opt_string("description")?,
            max_session_duration: r.u32("max_session_duration")?,
            last_used,
        })
    },
};

pub(super) const INSTANCE_PROFILE: Decoder<InstanceProfile> = Decoder {
    table: &INSTANCE_PROFILES,
    decode: |r| {
        Ok(InstanceProfile {
            account: r.account("account_id")?,
            id: r.string("profile_id")?,
            name: r.string("name")?,
            path: r.string("path")?,
            created: r.time("created")?,
        })
    },
};

pub(super) const MANAGED_POLICY: Decoder<ManagedPolicy> = Decoder {
    table: &MANAGED_POLICIES,
    decode: |r| {
        Ok(ManagedPolicy {
            account: r.account("account_id")?,
            id: r.string("policy_id")?,
            name: r.string("name")?,
            path: r.string("path")?,
            description: r.opt_string("description")?,
            created: r.time("created")?,
            updated: r.time("updated")?,
            default_version: r.u32("default_version")?,
            next_version: r.u32("next_version")?,
        })
    },
};

pub(super) const POLICY_VERSION: Decoder<PolicyVersion> = Decoder {
    table: &POLICY_VERSIONS,
    decode: |r| {
        Ok(PolicyVersion {
            policy_id: r.string("policy_id")?,
            version: r.u32("version")?,
            document: r.string("document")?,
            created: r.time("created")?,
        })
    },
};

pub(super) const ATTACHED_ARN: Decoder<String> = Decoder {
    table: &POLICY_ATTACHMENTS,
    decode: |r| r.string("policy_arn"),
};

pub(super) const ATTACHED_ENTITY: Decoder<Entity> = Decoder {
    table: &POLICY_ATTACHMENTS,
    decode: entity,
};

pub(super) const BOUNDARY_ARN: Decoder<String> = Decoder {
    table: &PERMISSIONS_BOUNDARIES,
    decode: |r| r.string("policy_arn"),
};

pub(super) const BOUNDARY_ENTITY: Decoder<Entity> = Decoder {
    table: &PERMISSIONS_BOUNDARIES,
    decode: entity,
};

pub(super) const TAG: Decoder<Tag> = Decoder {
    table: &TAGS,
    decode: |r| {
        Ok(Tag {
            key: r.string("key")?,
            value: r.string("value")?,
        })
    },
};

pub(super) const ALIAS: Decoder<String> = Decoder {
    table: &ACCOUNT_ALIASES,
    decode: |r| r.string("alias"),
};

pub(super) const ALIAS_OWNER: Decoder<crate::ids::AccountId> = Decoder {
    table: &ACCOUNT_ALIASES,
    decode: |r| r.account("account_id"),
};

pub(super) const REPORT: Decoder<StoredReport> = Decoder {
    table: &REPORTS,
    decode: |r| {
        Ok(StoredReport {
            generated: r.opt_time("generated")?,
            building_since: r.opt_time("building_since")?,
            rows: kept_rows(r)?,
        })
    },
};

/// How the report's rows are kept: the current epoch, and the stored report's epoch (below
/// it) and maximum password age, which only a report made of rows has.
fn kept_rows(r: &Row<'_>) -> Result<KeptRows> {
    let report = match r.opt_int("report_epoch")? {
        None => {
            if r.opt_int("report_max_password_age")?.is_some() {
                return Err(r.damaged(
                    "report_max_password_age",
                    "a maximum age without a report epoch",
                ));
            }
            None
        }
        Some(epoch) => {
            let max_password_age = match r.opt_int("report_max_password_age")? {
                None => None,
                Some(days) => Some(u16::try_from(days).map_err(|_| {
                    r.damaged(
                        "report_max_password_age",
                        format_args!("{days} days is out of range"),
                    )
                })?),
            };
            Some(RowsReport {
                epoch,
                max_password_age,
            })
        }
    };
    match (r.opt_int("rows_epoch")?, report) {
        (None, None) => Ok(KeptRows::NotYet),
        (None, Some(_)) => Err(r.damaged("rows_epoch", "NULL beside a report epoch")),
        (Some(epoch), Some(report)) if report.epoch >= epoch => Err(r.damaged(
            "report_epoch",
            format_args!("{} is not below the rows' epoch {epoch}", report.epoch),
        )),
        (Some(epoch), report) => Ok(KeptRows::Kept { epoch, report }),
    }
}

/// A frozen report row (`report_frozen_rows`).
pub(super) const FROZEN_ROW: Decoder<KeptRow> = Decoder {
    table: &REPORT_FROZEN_ROWS,
    decode: |r| {
        Ok(KeptRow {
            owner: r.owner("owner")?,
            name_key: r.string("name_key")?,
            head: r.string("head")?,
            rotation_from: r.opt_time("rotation_from")?,
            tail: r.string("tail")?,
        })
    },
};

/// A kept row as a query of `table` reads it, borrowed from the row.
pub(super) fn kept_line<'r>(r: &Row<'r>) -> Result<KeptLine<'r>> {
    Ok(KeptLine {
        name_key: r.str("name_key")?,
        head: r.str("head")?,
        rotation_from: r.opt_time("rotation_from")?,
        tail: r.str("tail")?,
    })
}

pub(super) const REPORT_BUILDING: Decoder<(crate::ids::AccountId, credreport_report::Timestamp)> =
    Decoder {
        table: &REPORTS,
        decode: |r| Ok((r.account("account_id")?, r.time("building_since")?)),
    };

pub(super) const CONSOLE_SESSION: Decoder<ConsoleSession> = Decoder {
    table: &CONSOLE_SESSIONS,
    decode: |r| {
        Ok(ConsoleSession {
            token_hash: r.digest("token_hash")?,
            account: r.account("account_id")?,
            owner: r.owner("owner")?,
            stage: r.parsed("stage", "a sign-in stage", SessionStage::from_key)?,
            created: r.time("created")?,
            expires: r.time("expires")?,
            mfa_at: r.opt_time("mfa_at")?,
        })
    },
};

pub(super) const SIGN_IN_FAILURE: Decoder<credreport_report::Timestamp> = Decoder {
    table: &SIGN_IN_FAILURES,
    decode: |r| r.time("at"),
};
