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
    let active: Vec<Slot> = Slot::BOTH
        .into_iter()
        .filter(|&k| s.key_active(k) == Some(true))
        .collect();
    if active.is_empty() {
        return;
    }
    let mut columns = vec![
        Column::PasswordEnabled,
        Column::PasswordLastUsed,
        Column::PasswordLastChanged,
    ];
    for &slot in &active {
        columns.push(Column::access_key(slot, KeyField::Active));
        columns.push(Column::access_key(slot, KeyField::LastUsedDate));
    }
    if s.legacy() {
        out.not_evaluated(
            credential,
            format!(
                "legacy report: {} never used its console password and has active access keys, \
                 but the report does not say whether the keys are used",
                s.user()
            ),
        )
        .show(s, &columns[..3]);
        return;
    }
    let used = active
        .iter()
        .copied()
        .find(|&k| s.key_last_used(k).and_then(Cell::as_timestamp).is_some());
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
            "password_last_changed and user_creation_time are not times".to_owned(),
        )
        .show(s, &columns);
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
        format!(
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
    .fix(format!(
        "Remove the console password: `aws iam delete-login-profile --user-name {user}`. If a \
         person also signs in as {user}, give that person a user of their own."
    ))
    .show(s, &columns);
}
