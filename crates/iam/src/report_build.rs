//! From what IAM holds to the credential report's rows: every column rule in one place.
//!
//! Pure: a snapshot of one account in, rows out. The rules follow the IAM user guide and
//! real AWS output (see ARCHITECTURE.md, "The report's column rules").

use std::cmp::Ordering;
use std::collections::HashMap;
use std::convert::Infallible;
use std::io;

use credreport_report::{
    user_order, Cell, CertField, Column, Edition, KeyField, ReportWriter, Row, Slot, Timestamp,
    ROOT_USER,
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
    /// When each user with a password last changed it: (user id, time).
    pub password_changes: Vec<(String, Timestamp)>,
    /// Every access key of the account.
    pub keys: Vec<KeyFacts>,
    /// The owner of every enabled MFA device of the account.
    pub mfa_owners: Vec<Owner>,
    /// Every signing certificate of the account.
    pub certificates: Vec<CertFacts>,
}

/// The report of `s` as bytes, in the canonical form.
pub fn write_account_report(s: &AccountSnapshot) -> io::Result<Vec<u8>> {
    // Real rows run to about 260 bytes; one allocation for a typical report.
    let capacity = (s.users.len() + 2) * 300;
    let mut writer = ReportWriter::new(Vec::with_capacity(capacity), Edition::Current)?;
    each_row(s, |row| writer.write_row(row))?;
    writer.finish()
}

/// The report's rows: the root row first, then users by name ignoring case.
pub fn report_rows(s: &AccountSnapshot) -> Vec<Row> {
    let mut rows = Vec::with_capacity(s.users.len() + 1);
    let collected = each_row(s, |row| {
        rows.push(row.clone());
        Ok::<(), Infallible>(())
    });
    match collected {
        Ok(()) => rows,
        Err(never) => match never {},
    }
}

/// What one owner (root or a user) holds that the report shows.
#[derive(Default)]
struct Holdings<'a> {
    keys: FirstTwo<'a, KeyFacts>,
    certs: FirstTwo<'a, CertFacts>,
    mfa: bool,
    password_changed: Option<Timestamp>,
}

/// Hands every row of the report, in order, to `f`. One row is filled again and again, so
/// a build allocates per account, not per user.
fn each_row<E>(s: &AccountSnapshot, mut f: impl FnMut(&Row) -> Result<(), E>) -> Result<(), E> {
    let mut holdings: HashMap<&str, Holdings<'_>> = HashMap::with_capacity(s.users.len() + 1);
    for k in &s.keys {
        let h = holdings.entry(k.owner.as_key()).or_default();
        h.keys.offer(k, |a, b| {
            slot_order((a.active, a.created, &a.id), (b.active, b.created, &b.id))
        });
    }
    for c in &s.certificates {
        let h = holdings.entry(c.owner.as_key()).or_default();
        h.certs.offer(c, |a, b| {
            slot_order((a.active, a.uploaded, &a.id), (b.active, b.uploaded, &b.id))
        });
    }
    for owner in &s.mfa_owners {
        holdings.entry(owner.as_key()).or_default().mfa = true;
    }
    for (user_id, changed) in &s.password_changes {
        holdings.entry(user_id).or_default().password_changed = Some(*changed);
    }
    let none = Holdings::default();
    let holdings_of = |key: &str| holdings.get(key).unwrap_or(&none);

    let mut row = root_row(&s.account);
    fill_slots(&mut row, holdings_of(Owner::Root.as_key()));
    f(&row)?;

    let mut users: Vec<&User> = s.users.iter().collect();
    users.sort_by(|a, b| user_order(&a.name, &b.name));
    let max_age = s
        .account
        .password_policy
        .as_ref()
        .and_then(|p| p.max_password_age);
    for user in users {
        let held = holdings_of(&user.id);
        fill_user(&mut row, user, held.password_changed, max_age);
        fill_slots(&mut row, held);
        f(&row)?;
    }
    Ok(())
}

/// The first two of a set in an order, kept as the items arrive: the two slots of the
/// report. IAM allows no more than two of each; should a store hold more, the report
/// shows the first two, as it would for any two.
struct FirstTwo<'a, T>([Option<&'a T>; 2]);

impl<T> Default for FirstTwo<'_, T> {
    fn default() -> Self {
        FirstTwo([None, None])
    }
}

impl<'a, T> FirstTwo<'a, T> {
    fn offer(&mut self, item: &'a T, order: impl Fn(&T, &T) -> Ordering) {
        match self.0 {
            [None, _] => self.0[0] = Some(item),
            [Some(first), second] => {
                if order(item, first).is_lt() {
                    self.0 = [Some(item), Some(first)];
                } else if second.is_none_or(|second| order(item, second).is_lt()) {
                    self.0[1] = Some(item);
                }
            }
        }
    }
}

fn fill_slots(row: &mut Row, held: &Holdings<'_>) {
    fill_key_slots(row, held.keys.0);
    fill_cert_slots(row, held.certs.0);
    row.set(Column::MfaActive, held.mfa);
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

/// The user's own columns. `password_changed`: when the user's password was last changed,
/// if the user has one.
fn fill_user(
    row: &mut Row,
    user: &User,
    password_changed: Option<Timestamp>,
    max_age: Option<u16>,
) {
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
    row.text_mut(Column::User).push_str(&user.name);
    user.write_arn(row.text_mut(Column::Arn));
    row.set(Column::UserCreationTime, user.created);
    row.set(Column::PasswordEnabled, enabled);
    row.set(Column::PasswordLastUsed, last_used);
    row.set(Column::PasswordLastChanged, changed);
    row.set(Column::PasswordNextRotation, next_rotation);
}

/// The slot order of keys and certificates: Active before Inactive, then oldest first,
/// then by id. The only 2026 observation of real AWS fits it (an Inactive older key in
/// slot 2 after a newer Active one), as does the root row of the 2016 captures.
fn slot_order(a: (bool, Timestamp, &str), b: (bool, Timestamp, &str)) -> Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(b.2))
}

fn fill_key_slots(row: &mut Row, keys: [Option<&KeyFacts>; 2]) {
    for (key, slot) in keys.into_iter().zip(Slot::BOTH) {
        let col = |f| Column::access_key(slot, f);
        let Some(key) = key else {
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
        match &key.last_used {
            Some(u) => {
                row.set(col(KeyField::LastUsedDate), u.at);
                set_text_or_na(row, col(KeyField::LastUsedRegion), &u.region);
                set_text_or_na(row, col(KeyField::LastUsedService), &u.service);
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

/// Text, or `N/A` when there is none.
fn set_text_or_na(row: &mut Row, column: Column, text: &str) {
    if text.is_empty() {
        row.set(column, Cell::NotApplicable);
    } else {
        row.text_mut(column).push_str(text);
    }
}

fn fill_cert_slots(row: &mut Row, certs: [Option<&CertFacts>; 2]) {
    for (cert, slot) in certs.into_iter().zip(Slot::BOTH) {
        let (active, rotated) = match cert {
            Some(c) => (c.active, Cell::Timestamp(c.uploaded)),
            None => (false, Cell::NotApplicable),
        };
        row.set(Column::cert(slot, CertField::Active), active);
        row.set(Column::cert(slot, CertField::LastRotated), rotated);
    }
}

#[cfg(test)]
mod tests {
    use super::FirstTwo;

    /// Whatever order three or four items arrive in, the two slots hold the first two.
    #[test]
    fn first_two_keeps_the_first_two_in_order_whatever_the_arrival_order() {
        let items = [1, 2, 3, 4];
        let arrivals: [&[usize]; 8] = [
            &[0, 1, 2],
            &[2, 1, 0],
            &[1, 2, 0],
            &[2, 0, 1],
            &[3, 2, 1, 0],
            &[0, 3, 1, 2],
            &[1],
            &[],
        ];
        for arrival in arrivals {
            let mut two = FirstTwo::default();
            for &i in arrival {
                two.offer(&items[i], |a: &i32, b: &i32| a.cmp(b));
            }
            let mut sorted: Vec<i32> = arrival.iter().map(|&i| items[i]).collect();
            sorted.sort_unstable();
            let expected = [sorted.first().copied(), sorted.get(1).copied()];
            assert_eq!(two.0.map(|x| x.copied()), expected, "arrival {arrival:?}");
        }
    }
}
