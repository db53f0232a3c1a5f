//! `service-user-console-password`: a user that works like a service (its access keys are
//! used) but has a console password that was never used. A password nobody uses is an
//! unwatched way in; workloads do not need one.

use credreport_report::{Cell, Column, KeyField, Slot};

use super::{days_text, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    let credential = Credential::Password;
    if s.flag(Column::PasswordEnabled) != Some(true)
        || !matches!(s.cell(Column::PasswordLastUsed), Some(Cell::NoInformation))
    {
        return;
    }
    let key1 = s.key_active(Slot::One) == Some(true);
    let key2 = s.key_active(Slot::Two) == Some(true);
    if !key1 && !key2 {
        return;
    }
    // The password's columns, then each active key's.
    let mut columns = [Column::PasswordEnabled; 7];
    columns[1] = Column::PasswordLastUsed;
    columns[2] = Column::PasswordLastChanged;
    let mut len = 3;
    for (slot, active) in [(Slot::One, key1), (Slot::Two, key2)] {
        if active {
            columns[len] = Column::access_key(slot, KeyField::Active);
            columns[len + 1] = Column::access_key(slot, KeyField::LastUsedDate);
            len += 2;
        }
    }
    let columns = &columns[..len];
    if s.legacy() {
        out.not_evaluated(
            credential,
            format_args!(
                "legacy report: {} never used its console password and has active access keys, \
                 but the report does not say whether the keys are used",
                s.user()
            ),
        )
        .show(s, &columns[..3]);
        return;
    }
    let used = [(Slot::One, key1), (Slot::Two, key2)]
        .into_iter()
        .find(|&(k, active)| active && s.key_last_used(k).and_then(Cell::as_timestamp).is_some())
        .map(|(k, _)| k);
    let Some(used) = used else {
        out.pass(credential);
        return;
    };
    let Some(set) = s
        .ts(Column::PasswordLastChanged)
        .or_else(|| s.ts(Column::UserCreationTime))
    else {
        out.not_evaluated(
            credential,
            format_args!("password_last_changed and user_creation_time are not times"),
        )
        .show(s, columns);
        return;
    };
    if !s.older_than(set, s.th.never_used_grace_days) {
        out.pass(credential);
        return;
    }
    let user = s.cli_user();
    let ago = s.days(set);
    out.fail(
        credential,
        format_args!(
            "{} looks like a service user: its access key {} is in use ({}), but its console \
             password, set {} ({} ago), has never been used",
            s.user(),
            used.number(),
            s.key_use(used),
            date(set),
            days_text(ago)
        ),
    )
    .age(ago)
    .fix(format_args!(
        "Remove the console password: `aws iam delete-login-profile --user-name {user}`. If a \
         person also signs in as {user}, give that person a user of their own."
    ))
    .show(s, columns);
}
