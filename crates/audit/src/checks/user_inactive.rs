//! `user-inactive`: a user with no recorded use of any credential for
//! `inactive_user_days`, a candidate for deletion.
//!
//! Activity is the most recent of password_last_used and both keys' last_used_date,
//! enabled or not (a use is a use). A user with no recorded use at all is aged from
//! user_creation_time. Not evaluated when the answer rests on data the report lacks: a
//! legacy report for a user with keys, or a password_last_used that AWS's May 2018 gap
//! may have left stale while the gap is recent enough to matter.

use credreport_report::{Column, Slot, Timestamp};

use super::password_2018_gap::{password_disuse, Disuse};
use super::{days_text, Lazy, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

const COLUMNS: [Column; 6] = [
    Column::UserCreationTime,
    Column::PasswordEnabled,
    Column::PasswordLastUsed,
    Column::AccessKey1LastUsedDate,
    Column::AccessKey2LastUsedDate,
    Column::AccessKey1Active,
];

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    let credential = Credential::User;
    let days = s.th.inactive_user_days;
    let password = s.ts(Column::PasswordLastUsed);
    let mut latest: Option<(Timestamp, &str)> = password.map(|t| (t, "password sign-in"));
    for (slot, how) in [(Slot::One, "access key 1"), (Slot::Two, "access key 2")] {
        if let Some(t) = s.key_last_used(slot).and_then(|c| c.as_timestamp()) {
            if latest.is_none_or(|(l, _)| t > l) {
                latest = Some((t, how));
            }
        }
    }
    let mut caveat = None;
    if let Some((t, _)) = latest {
        if !s.older_than(t, days) {
            out.pass(credential);
            return;
        }
    }
    if s.legacy() && Slot::BOTH.iter().any(|&k| s.key_present(k)) {
        out.not_evaluated(
            credential,
            format_args!(
                "legacy report: {} has access keys, and the report has no key last-used columns",
                s.user()
            ),
        )
        .show(s, &COLUMNS[..3]);
        return;
    }
    if let (Some(t), Some((latest_t, _))) = (password, latest) {
        if t == latest_t {
            match password_disuse(s, t, days) {
                Disuse::Recent => {}
                Disuse::Stale(c) => caveat = c,
                Disuse::Open(c) => {
                    out.not_evaluated(
                        credential,
                        format_args!(
                            "{}'s last recorded activity is a sign-in on {}, but a sign-in during \
                             AWS's May 2018 gap would be within the last {}",
                            s.user(),
                            date(t),
                            days_text(i64::from(days))
                        ),
                    )
                    .note(format_args!("{c}"))
                    .show(s, &COLUMNS);
                    return;
                }
            }
        }
    }
    let user = s.cli_user();
    let fix = Lazy(|f: &mut std::fmt::Formatter<'_>| {
        write!(
            f,
            "If {user} is no longer needed, delete it: remove its console password, access \
             keys, signing certificates, MFA devices, group memberships and policies, then `aws \
             iam delete-user --user-name {user}` (the IAM console does all of it in one step). \
             Otherwise record why it stays (a suppression with an owner and an expiry)."
        )
    });
    let outcome = match latest {
        Some((t, how)) => {
            let ago = s.days(t);
            out.fail(
                credential,
                format_args!(
                    "{} has no recorded activity for {} (last: {how} on {})",
                    s.user(),
                    days_text(ago),
                    date(t)
                ),
            )
            .age(ago)
        }
        None => {
            let Some(created) = s.ts(Column::UserCreationTime) else {
                out.not_evaluated(
                    credential,
                    format_args!("no recorded activity, and user_creation_time is not a time"),
                )
                .show(s, &COLUMNS);
                return;
            };
            if !s.older_than(created, days.max(s.th.never_used_grace_days)) {
                out.pass(credential);
                return;
            }
            let ago = s.days(created);
            let password = s.flag(Column::PasswordEnabled) == Some(true);
            let keys = Slot::BOTH.iter().any(|&k| s.key_active(k) == Some(true));
            let what = match (password, keys) {
                (true, true) => "has never used its console password or access keys",
                (true, false) => "has never signed in with its console password",
                (false, true) => "has never used its access keys",
                (false, false) => {
                    "has no console password, no active access key, and no recorded activity"
                }
            };
            out.fail(
                credential,
                format_args!(
                    "{} {what} since it was created {} ({} ago)",
                    s.user(),
                    date(created),
                    days_text(ago)
                ),
            )
            .age(ago)
        }
    };
    let outcome = outcome.fix(format_args!("{fix}")).show(s, &COLUMNS[..5]);
    if let Some(c) = caveat {
        outcome.note(format_args!("{c}"));
    }
}
