//! What changed in the credentials between two reports of one account, read from the
//! reports' rows: users created and removed, access keys created, deactivated,
//! reactivated and removed, console passwords added and removed, MFA turned on and off.
//!
//! The report has no key ids: a key is known by its user and its `last_rotated` time
//! (its creation), which stays the same whatever slot the key is shown in.

use std::collections::{BTreeMap, BTreeSet};

use credreport_report::{read_all, Cell, Column, KeyField, Row, Slot, Timestamp};
use serde::Serialize;

use crate::names::named;

named! {
    /// What changed.
    pub enum ChangeKind {
        UserCreated = "user-created",
        UserRemoved = "user-removed",
        KeyCreated = "key-created",
        KeyDeactivated = "key-deactivated",
        KeyReactivated = "key-reactivated",
        KeyRemoved = "key-removed",
        PasswordAdded = "password-added",
        PasswordRemoved = "password-removed",
        MfaEnabled = "mfa-enabled",
        MfaDisabled = "mfa-disabled",
    }
}

/// One change, for one user.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CredentialChange {
    pub change: ChangeKind,
    /// The user name (`<root_account>` for root).
    pub user: String,
    /// The identity's ARN.
    pub arn: String,
    /// For a key: when it was created (`last_rotated`, RFC 3339 UTC).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_created: Option<String>,
}

#[derive(Default)]
struct Identity {
    user: String,
    password: Option<bool>,
    mfa: Option<bool>,
    /// Key creation time -> active.
    keys: BTreeMap<i64, bool>,
}

fn bool_of(row: &Row, c: Column) -> Option<bool> {
    match row.get(c) {
        Some(Cell::Bool(b)) => Some(*b),
        _ => None,
    }
}

fn identities(bytes: &[u8]) -> Result<BTreeMap<String, Identity>, String> {
    let (rows, _) = read_all(bytes).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for row in rows {
        let mut id = Identity {
            user: row.user().to_owned(),
            password: if row.is_root() {
                None
            } else {
                bool_of(&row, Column::PasswordEnabled)
            },
            mfa: bool_of(&row, Column::MfaActive),
            keys: BTreeMap::new(),
        };
        for slot in Slot::BOTH {
            let active = bool_of(&row, Column::access_key(slot, KeyField::Active));
            if let Some(Cell::Timestamp(t)) =
                row.get(Column::access_key(slot, KeyField::LastRotated))
            {
                id.keys.insert(t.unix(), active.unwrap_or(false));
            }
        }
        out.insert(row.arn().to_owned(), id);
    }
    Ok(out)
}

fn key_time(secs: i64) -> Option<String> {
    Timestamp::from_unix(secs).map(Timestamp::to_zulu)
}

/// The changes from `old` to `new` (report bytes), grouped by user ARN. An error names
/// the report that could not be read.
pub fn changes(old: &[u8], new: &[u8]) -> Result<Vec<CredentialChange>, String> {
    let before = identities(old).map_err(|e| format!("older report: {e}"))?;
    let after = identities(new).map_err(|e| format!("newer report: {e}"))?;
    let arns: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut out = Vec::new();
    for arn in arns {
        let push = |out: &mut Vec<CredentialChange>, change, user: &str, key: Option<i64>| {
            out.push(CredentialChange {
                change,
                user: user.to_owned(),
                arn: arn.clone(),
                key_created: key.and_then(key_time),
            });
        };
        match (before.get(arn), after.get(arn)) {
            (None, Some(a)) => {
                push(&mut out, ChangeKind::UserCreated, &a.user, None);
                for &k in a.keys.keys() {
                    push(&mut out, ChangeKind::KeyCreated, &a.user, Some(k));
                }
                if a.password == Some(true) {
                    push(&mut out, ChangeKind::PasswordAdded, &a.user, None);
                }
            }
            (Some(b), None) => push(&mut out, ChangeKind::UserRemoved, &b.user, None),
            (Some(b), Some(a)) => {
                for (&k, &was) in &b.keys {
                    match a.keys.get(&k) {
                        None => push(&mut out, ChangeKind::KeyRemoved, &a.user, Some(k)),
                        Some(&now) if was && !now => {
                            push(&mut out, ChangeKind::KeyDeactivated, &a.user, Some(k));
                        }
                        Some(&now) if !was && now => {
                            push(&mut out, ChangeKind::KeyReactivated, &a.user, Some(k));
                        }
                        Some(_) => {}
                    }
                }
                for &k in a.keys.keys() {
                    if !b.keys.contains_key(&k) {
                        push(&mut out, ChangeKind::KeyCreated, &a.user, Some(k));
                    }
                }
                match (b.password, a.password) {
                    (Some(true), Some(false)) => {
                        push(&mut out, ChangeKind::PasswordRemoved, &a.user, None)
                    }
                    (Some(false), Some(true)) => {
                        push(&mut out, ChangeKind::PasswordAdded, &a.user, None)
                    }
                    _ => {}
                }
                match (b.mfa, a.mfa) {
                    (Some(true), Some(false)) => {
                        push(&mut out, ChangeKind::MfaDisabled, &a.user, None)
                    }
                    (Some(false), Some(true)) => {
                        push(&mut out, ChangeKind::MfaEnabled, &a.user, None)
                    }
                    _ => {}
                }
            }
            (None, None) => {}
        }
    }
    Ok(out)
}
