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

/// Accounts with at least this many users are rendered in two halves, on two threads.
const SPLIT_FROM_USERS: usize = 1_000;

/// The report of `s` as bytes, in the canonical form. A large account's users are rendered
/// in two halves at once, the second on a thread of its own, and the halves joined.
pub fn write_account_report(s: &AccountSnapshot) -> io::Result<Vec<u8>> {
    // Real rows run to about 260 bytes; one allocation for a typical report.
    let capacity = |users: usize| (users + 2) * 300;
    let plan = Plan::of(s);
    let half = if plan.users.len() >= SPLIT_FROM_USERS {
        plan.users.len() / 2
    } else {
        plan.users.len()
    };
    let (front, back) = plan.users.split_at(half);
    let render_back = || {
        let writer =
            ReportWriter::continuing(Vec::with_capacity(capacity(back.len())), Edition::Current);
        plan.render(writer, false, back)
    };
    std::thread::scope(|scope| {
        let back_thread = (!back.is_empty()).then(|| {
            std::thread::Builder::new()
                .name("report-render".into())
                .spawn_scoped(scope, render_back)
        });
        let writer = ReportWriter::new(
            Vec::with_capacity(capacity(plan.users.len())),
            Edition::Current,
        )?;
        let mut out = plan.render(writer, true, front)?;
        let back_bytes = match back_thread {
            None => Vec::new(),
            Some(Ok(thread)) => thread
                .join()
                .map_err(|_| io::Error::other("the report's second half panicked"))??,
            Some(Err(_)) => render_back()?, // No thread to be had: here, after the first.
        };
        out.extend_from_slice(&back_bytes);
        Ok(out)
    })
}

/// The report's rows: the root row first, then users by name ignoring case.
pub fn report_rows(s: &AccountSnapshot) -> Vec<Row> {
    let plan = Plan::of(s);
    let mut rows = Vec::with_capacity(plan.users.len() + 1);
    let mut row = plan.root_row();
    rows.push(row.clone());
    let collected = plan.user_rows(&plan.users, &mut row, |row| {
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
pub(crate) struct Holdings<'a> {
    keys: FirstTwo<'a, KeyFacts>,
    certs: FirstTwo<'a, CertFacts>,
    mfa: bool,
    password_changed: Option<Timestamp>,
}

impl<'a> Holdings<'a> {
    /// What one owner holds: its keys and certificates (in any order), whether it has an
    /// MFA device enabled, and when its password last changed (a user with one).
    pub(crate) fn of_owner(
        keys: &'a [KeyFacts],
        certs: &'a [CertFacts],
        mfa: bool,
        password_changed: Option<Timestamp>,
    ) -> Holdings<'a> {
        let mut held = Holdings {
            mfa,
            password_changed,
            ..Holdings::default()
        };
        keys.iter().for_each(|k| held.offer_key(k));
        certs.iter().for_each(|c| held.offer_cert(c));
        held
    }

    fn offer_key(&mut self, k: &'a KeyFacts) {
        self.keys.offer(k, |a, b| {
            slot_order((a.active, a.created, &a.id), (b.active, b.created, &b.id))
        });
    }

    fn offer_cert(&mut self, c: &'a CertFacts) {
        self.certs.offer(c, |a, b| {
            slot_order((a.active, a.uploaded, &a.id), (b.active, b.uploaded, &b.id))
        });
    }

    /// When the owner's password last changed (a user with one).
    pub(crate) fn password_changed(&self) -> Option<Timestamp> {
        self.password_changed
    }
}

/// What the rows are made from: who holds what, and the users in report order.
pub(crate) struct Plan<'a> {
    account: &'a Account,
    holdings: HashMap<&'a str, Holdings<'a>>,
    /// What an owner without credentials holds.
    none: Holdings<'a>,
    /// Users by name ignoring case.
    pub(crate) users: Vec<&'a User>,
    max_age: Option<u16>,
}

impl<'a> Plan<'a> {
    pub(crate) fn of(s: &'a AccountSnapshot) -> Plan<'a> {
        let mut holdings: HashMap<&str, Holdings<'_>> = HashMap::with_capacity(s.users.len() + 1);
        for k in &s.keys {
            holdings.entry(k.owner.as_key()).or_default().offer_key(k);
        }
        for c in &s.certificates {
            holdings.entry(c.owner.as_key()).or_default().offer_cert(c);
        }
        for owner in &s.mfa_owners {
            holdings.entry(owner.as_key()).or_default().mfa = true;
        }
        for (user_id, changed) in &s.password_changes {
            holdings.entry(user_id).or_default().password_changed = Some(*changed);
        }
        let mut users: Vec<&User> = s.users.iter().collect();
        users.sort_by(|a, b| user_order(&a.name, &b.name));
        Plan {
            account: &s.account,
            holdings,
            none: Holdings::default(),
            users,
            max_age: s
                .account
                .password_policy
                .as_ref()
                .and_then(|p| p.max_password_age),
        }
    }

    pub(crate) fn holdings_of(&self, key: &str) -> &Holdings<'a> {
        self.holdings.get(key).unwrap_or(&self.none)
    }

    /// The root row, complete.
    pub(crate) fn root_row(&self) -> Row {
        let mut row = root_row(self.account);
        fill_slots(&mut row, self.holdings_of(Owner::Root.as_key()));
        row
    }

    /// Writes the rows of `users` (after the root row, `with_root`) and answers the bytes.
    fn render(
        &self,
        mut writer: ReportWriter<Vec<u8>>,
        with_root: bool,
        users: &[&User],
    ) -> io::Result<Vec<u8>> {
        let mut row = self.root_row();
        if with_root {
            writer.write_row(&row)?;
        }
        self.user_rows(users, &mut row, |row| writer.write_row(row))?;
        writer.finish()
    }

    /// Hands the row of each of `users`, in order, to `f`. `row` (a complete row of this
    /// report) is filled again and again, so rendering allocates per account, not per user.
    fn user_rows<E>(
        &self,
        users: &[&User],
        row: &mut Row,
        mut f: impl FnMut(&Row) -> Result<(), E>,
    ) -> Result<(), E> {
        for user in users {
            let held = self.holdings_of(&user.id);
            fill_user(row, user, held.password_changed, self.max_age);
            fill_slots(row, held);
            f(row)?;
        }
        Ok(())
    }
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

/// The columns of what an owner holds: keys, certificates, MFA.
pub(crate) fn fill_slots(row: &mut Row, held: &Holdings<'_>) {
    fill_key_slots(row, held.keys.0);
    fill_cert_slots(row, held.certs.0);
    row.set(Column::MfaActive, held.mfa);
}

/// The root row's own columns, the others left empty (`fill_slots` fills them).
pub(crate) fn root_row(account: &Account) -> Row {
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

/// A password's `password_next_rotation`: its last change plus the policy's maximum age,
/// or `N/A` without one.
pub(crate) fn next_rotation(changed: Timestamp, max_age: Option<u16>) -> Cell {
    max_age
        .and_then(|days| changed.checked_add_secs(i64::from(days) * DAY))
        .map_or(Cell::NotApplicable, Cell::Timestamp)
}

/// The user's own columns. `password_changed`: when the user's password was last changed,
/// if the user has one.
pub(crate) fn fill_user(
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
            let used = user
                .password_last_used
                .map_or(Cell::NoInformation, Cell::Timestamp);
            (
                true,
                used,
                Cell::Timestamp(changed),
                next_rotation(changed, max_age),
            )
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
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use super::*;
    use crate::ids::AccountId;
    use crate::model::KeyUse;
    use credreport_report::write_report;

    fn at(secs: i64) -> Timestamp {
        Timestamp::from_unix(1_700_000_000 + secs).unwrap()
    }

    /// `users` users, every third with a password, keys (some inactive, some used), MFA
    /// and certificates spread among them, and root keys.
    fn snapshot(users: usize) -> AccountSnapshot {
        let account = AccountId::parse("123456789012").unwrap();
        let owner = |i: usize| Owner::User(format!("AIDA{i:017}"));
        let mut s = AccountSnapshot {
            account: Account {
                id: account.clone(),
                created: at(0),
                organization_member: false,
                root_password: None,
                root_password_last_used: Some(at(50)),
                password_policy: None,
            },
            users: Vec::new(),
            password_changes: Vec::new(),
            keys: Vec::new(),
            mfa_owners: vec![Owner::Root],
            certificates: Vec::new(),
        };
        for i in 0..users {
            // Names out of order, some differing only in case.
            let name = if i % 7 == 0 {
                format!("User{}", users - i)
            } else {
                format!("user{i}")
            };
            s.users.push(User {
                account: account.clone(),
                id: format!("AIDA{i:017}"),
                name,
                path: "/".into(),
                created: at(i as i64),
                password_last_used: (i % 6 == 0).then(|| at(9_000)),
            });
            if i % 3 == 0 {
                s.password_changes.push((format!("AIDA{i:017}"), at(5_000)));
            }
            for k in 0..(i % 3) {
                s.keys.push(KeyFacts {
                    id: format!("AKIA{i:012}{k:04}"),
                    owner: owner(i),
                    active: (i + k) % 4 != 0,
                    created: at(100 + k as i64),
                    last_used: (k == 0).then(|| KeyUse {
                        at: at(7_000),
                        region: "us-east-1".into(),
                        service: "iam".into(),
                    }),
                });
            }
            if i % 5 == 0 {
                s.mfa_owners.push(owner(i));
                s.certificates.push(CertFacts {
                    id: format!("CERT{i:020}"),
                    owner: owner(i),
                    active: i % 10 == 0,
                    uploaded: at(200),
                });
            }
        }
        s.keys.push(KeyFacts {
            id: "AKIAROOT000000000000".into(),
            owner: Owner::Root,
            active: true,
            created: at(1),
            last_used: None,
        });
        s
    }

    /// Rendered in two halves on two threads (from `SPLIT_FROM_USERS` users) or whole, the
    /// bytes are those of the rows written one after the other.
    #[test]
    fn the_report_rendered_in_halves_is_the_report_written_row_by_row() {
        for users in [0, 1, 7, SPLIT_FROM_USERS - 1, SPLIT_FROM_USERS, 2_501] {
            let s = snapshot(users);
            let rows = report_rows(&s);
            assert_eq!(rows.len(), users + 1);
            let expected = write_report(Edition::Current, &rows).unwrap();
            assert_eq!(write_account_report(&s).unwrap(), expected, "{users} users");
        }
    }

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
