//! Counts over every row, for summaries and charts: how old credentials are and when they
//! were last used. Fixed-size counters: memory does not grow with the rows.

use credreport_report::{Cell, Column, KeyField, Row, Slot, Timestamp};
use serde::Serialize;

/// Upper bounds (exclusive, in days) of the age buckets; the last bucket is open.
pub const AGE_BUCKETS: [(&str, Option<i64>); 6] = [
    ("< 30 days", Some(30)),
    ("30-89 days", Some(90)),
    ("90-179 days", Some(180)),
    ("180-364 days", Some(365)),
    ("1-2 years", Some(730)),
    ("2+ years", None),
];

/// Last-use buckets: never, then by days since the last use, then unknown (legacy).
pub const USE_BUCKETS: [&str; 7] = [
    "never",
    "< 7 days",
    "7-44 days",
    "45-89 days",
    "90-364 days",
    "1+ year",
    "unknown (legacy)",
];

const USE_BOUNDS: [i64; 4] = [7, 45, 90, 365];

/// Counts over every row audited.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Rows audited (root rows included).
    pub rows: u64,
    /// Root rows.
    pub root_rows: u64,
    /// IAM users classified as humans.
    pub human_users: u64,
    /// IAM users classified as machines.
    pub machine_users: u64,
    /// IAM users with a console password.
    pub console_users: u64,
    /// Of those, users with MFA.
    pub console_users_with_mfa: u64,
    /// Active access keys (root's included).
    pub active_keys: u64,
    /// Active signing certificates (root's included).
    pub active_certs: u64,
    /// Console passwords by age since last changed, in [`AGE_BUCKETS`].
    pub password_age: [u64; 6],
    /// Active access keys by age since created or rotated.
    pub key_age: [u64; 6],
    /// Active signing certificates by age since uploaded.
    pub cert_age: [u64; 6],
    /// Enabled console passwords by last use, in [`USE_BUCKETS`].
    pub password_last_used: [u64; 7],
    /// Active access keys by last use.
    pub key_last_used: [u64; 7],
}

impl Stats {
    pub(crate) fn add(&mut self, row: &Row, human: Option<bool>, as_of: Timestamp) {
        self.rows += 1;
        match human {
            None => self.root_rows += 1,
            Some(true) => self.human_users += 1,
            Some(false) => self.machine_users += 1,
        }
        let flag = |c: Column| row.get(c).and_then(Cell::as_bool);
        let ts = |c: Column| row.get(c).and_then(Cell::as_timestamp);
        if human.is_some() && flag(Column::PasswordEnabled) == Some(true) {
            self.console_users += 1;
            if flag(Column::MfaActive) == Some(true) {
                self.console_users_with_mfa += 1;
            }
            if let Some(t) = ts(Column::PasswordLastChanged) {
                self.password_age[age_bucket(as_of, t)] += 1;
            }
            self.password_last_used[use_bucket(as_of, row.get(Column::PasswordLastUsed))] += 1;
        }
        for slot in Slot::BOTH {
            if flag(Column::access_key(slot, KeyField::Active)) == Some(true) {
                self.active_keys += 1;
                if let Some(t) = ts(Column::access_key(slot, KeyField::LastRotated)) {
                    self.key_age[age_bucket(as_of, t)] += 1;
                }
                let used = row.get(Column::access_key(slot, KeyField::LastUsedDate));
                self.key_last_used[use_bucket(as_of, used)] += 1;
            }
            if flag(Column::cert(slot, credreport_report::CertField::Active)) == Some(true) {
                self.active_certs += 1;
                if let Some(t) = ts(Column::cert(
                    slot,
                    credreport_report::CertField::LastRotated,
                )) {
                    self.cert_age[age_bucket(as_of, t)] += 1;
                }
            }
        }
    }
}

fn days(as_of: Timestamp, t: Timestamp) -> i64 {
    as_of.secs_since(t).div_euclid(86_400)
}

fn age_bucket(as_of: Timestamp, t: Timestamp) -> usize {
    let d = days(as_of, t);
    AGE_BUCKETS
        .iter()
        .position(|(_, upper)| upper.is_none_or(|u| d < u))
        .unwrap_or(AGE_BUCKETS.len() - 1)
}

fn use_bucket(as_of: Timestamp, cell: Option<&Cell>) -> usize {
    match cell {
        None => USE_BUCKETS.len() - 1,
        Some(Cell::Timestamp(t)) => {
            let d = days(as_of, *t);
            1 + USE_BOUNDS
                .iter()
                .position(|&b| d < b)
                .unwrap_or(USE_BOUNDS.len())
        }
        Some(_) => 0,
    }
}
