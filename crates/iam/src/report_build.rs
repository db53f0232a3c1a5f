//! From what IAM holds to the credential report's rows: every column rule in one place.
//!
//! Pure: a snapshot of one account in, rows out. The rules follow the IAM user guide and
//! real AWS output (see ARCHITECTURE.md, "The report's column rules").

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use credreport_report::{
    user_order, Cell, CertField, Column, Edition, KeyField, Row, Slot, Timestamp, ROOT_USER,
};

use crate::model::{Account, CertFacts, KeyFacts, Owner, User};

const DAY: i64 = 86_400;

/// Everything of one account that the report shows, read in one transaction, and
/// nothing more: no secret, seed, password hash or certificate body.
#[derive(Clone, Debug)]
pub struct AccountSnapshot {
    /// The account (root password, policy).
    pub account: Account,
    /// Its users, in any order.
    pub users: Vec<User>,
    /// When each user with a password last changed it, by user id.
    pub password_changes: HashMap<String, Timestamp>,
    /// Every access key of the account.
    pub keys: Vec<KeyFacts>,
    /// The owner of every enabled MFA device of the account.
    pub mfa_owners: Vec<Owner>,
    /// Every signing certificate of the account.
    pub certificates: Vec<CertFacts>,
}

/// The report's rows: the root row first, then users by name ignoring case.
pub fn report_rows(s: &AccountSnapshot) -> Vec<Row> {
    let mut keys: HashMap<&Owner, Vec<&KeyFacts>> = HashMap::new();
    for k in &s.keys {
        keys.entry(&k.owner).or_default().push(k);
    }
    let mut certs: HashMap<&Owner, Vec<&CertFacts>> = HashMap::new();
    for c in &s.certificates {
        certs.entry(&c.owner).or_default().push(c);
    }
    let with_mfa: HashSet<&Owner> = s.mfa_owners.iter().collect();
    let slots = |owner: &Owner, row: &mut Row| {
        fill_key_slots(row, keys.get(owner).map_or(&[][..], Vec::as_slice));
        fill_cert_slots(row, certs.get(owner).map_or(&[][..], Vec::as_slice));
        row.set(Column::MfaActive, with_mfa.contains(owner));
    };

    let mut rows = Vec::with_capacity(s.users.len() + 1);
    let mut root = root_row(&s.account);
    slots(&Owner::Root, &mut root);
    rows.push(root);

    let mut users: Vec<&User> = s.users.iter().collect();
    users.sort_by(|a, b| user_order(&a.name, &b.name));
    let max_age = s
        .account
        .password_policy
        .as_ref()
        .and_then(|p| p.max_password_age);
    for user in users {
        let mut row = user_row(user, s.password_changes.get(&user.id).copied(), max_age);
        slots(&Owner::User(user.id.clone()), &mut row);
        rows.push(row);
    }
    rows
}

fn root_row(account: &Account) -> Row {
    // Every real root row shows not_supported for the password fields. An Organizations
    // member account created without root credentials shows password_enabled false (user
    // guide, current edition), and then there is no password whose use could be known.
    let without_root_password = account.organization_member && account.root_password.is_none();
    let last_used = match account.root_password_last_used {
        Some(t) => Cell::Timestamp(t),
        None if without_root_password => Cell::NotApplicable,
        None => Cell::NoInformation,
    };
    Row::new(Edition::Current)
        .with(Column::User, Cell::text(ROOT_USER))
        .with(Column::Arn, Cell::text(account.id.root_arn()))
        .with(Column::UserCreationTime, account.created)
        .with(
            Column::PasswordEnabled,
            if without_root_password {
                Cell::Bool(false)
            } else {
                Cell::NotSupported
            },
        )
        .with(Column::PasswordLastUsed, last_used)
        .with(Column::PasswordLastChanged, Cell::NotSupported)
        .with(Column::PasswordNextRotation, Cell::NotSupported)
}

/// `password_changed`: when the user's password was last changed, if the user has one.
fn user_row(user: &User, password_changed: Option<Timestamp>, max_age: Option<u16>) -> Row {
    let (enabled, last_used, changed, next_rotation) = match password_changed {
        None => (
            false,
            Cell::NotApplicable,
            Cell::NotApplicable,
            Cell::NotApplicable,
        ),
        Some(changed) => {
            let next = max_age
                .and_then(|days| changed.checked_add_secs(i64::from(days) * DAY))
                .map_or(Cell::NotApplicable, Cell::Timestamp);
            let used = user
                .password_last_used
                .map_or(Cell::NoInformation, Cell::Timestamp);
            (true, used, Cell::Timestamp(changed), next)
        }
    };
    Row::new(Edition::Current)
        .with(Column::User, Cell::text(user.name.clone()))
        .with(Column::Arn, Cell::text(user.arn()))
        .with(Column::UserCreationTime, user.created)
        .with(Column::PasswordEnabled, enabled)
        .with(Column::PasswordLastUsed, last_used)
        .with(Column::PasswordLastChanged, changed)
        .with(Column::PasswordNextRotation, next_rotation)
}

/// The slot order of keys and certificates: Active before Inactive, then oldest first,
/// then by id. The only 2026 observation of real AWS fits it (an Inactive older key in
/// slot 2 after a newer Active one), as does the root row of the 2016 captures.
fn slot_order(a: (bool, Timestamp, &str), b: (bool, Timestamp, &str)) -> Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2))
}

fn fill_key_slots(row: &mut Row, keys: &[&KeyFacts]) {
    let mut keys = keys.to_vec();
    keys.sort_by(|a, b| slot_order((a.active, a.created, &a.id), (b.active, b.created, &b.id)));
    for (i, slot) in Slot::BOTH.into_iter().enumerate() {
        let col = |f| Column::access_key(slot, f);
        let Some(key) = keys.get(i) else {
            row.set(col(KeyField::Active), false);
            for f in [
                KeyField::LastRotated,
                KeyField::LastUsedDate,
                KeyField::LastUsedRegion,
                KeyField::LastUsedService,
            ] {
                row.set(col(f), Cell::NotApplicable);
            }
            continue;
        };
        row.set(col(KeyField::Active), key.active);
        // An Inactive key keeps its time: real reports show `false,2007-10-13T16:49:50+00:00`.
        row.set(col(KeyField::LastRotated), key.created);
        let text = |s: &str| {
            if s.is_empty() {
                Cell::NotApplicable
            } else {
                Cell::text(s)
            }
        };
        match &key.last_used {
            Some(u) => {
                row.set(col(KeyField::LastUsedDate), u.at);
                row.set(col(KeyField::LastUsedRegion), text(&u.region));
                row.set(col(KeyField::LastUsedService), text(&u.service));
            }
            None => {
                for f in [
                    KeyField::LastUsedDate,
                    KeyField::LastUsedRegion,
                    KeyField::LastUsedService,
                ] {
                    row.set(col(f), Cell::NotApplicable);
                }
            }
        }
    }
}

fn fill_cert_slots(row: &mut Row, certs: &[&CertFacts]) {
    let mut certs = certs.to_vec();
    certs.sort_by(|a, b| slot_order((a.active, a.uploaded, &a.id), (b.active, b.uploaded, &b.id)));
    for (i, slot) in Slot::BOTH.into_iter().enumerate() {
        let (active, rotated) = match certs.get(i) {
            Some(c) => (c.active, Cell::Timestamp(c.uploaded)),
            None => (false, Cell::NotApplicable),
        };
        row.set(Column::cert(slot, CertField::Active), active);
        row.set(Column::cert(slot, CertField::LastRotated), rotated);
    }
}
