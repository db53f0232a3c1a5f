//! `password-not-changed`: a console password older than `password_max_age_days`.

use credreport_report::Column;

use super::{days_text, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    let credential = Credential::Password;
    let columns = [
        Column::PasswordEnabled,
        Column::PasswordLastChanged,
        Column::PasswordNextRotation,
    ];
    match s.flag(Column::PasswordEnabled) {
        Some(true) => {}
        Some(false) => return,
        None => {
            out.not_evaluated(
                credential,
                format_args!("password_enabled is not true or false"),
            )
            .show(s, &columns[..1]);
            return;
        }
    }
    let Some(changed) = s.ts(Column::PasswordLastChanged) else {
        out.not_evaluated(
            credential,
            format_args!("password_enabled is true but password_last_changed is not a time"),
        )
        .show(s, &columns[..2]);
        return;
    };
    let days = s.th.password_max_age_days;
    if !s.older_than(changed, days) {
        out.pass(credential);
        return;
    }
    let user = s.cli_user();
    let ago = s.days(changed);
    let outcome = out
        .fail(
            credential,
            format_args!(
                "{}'s console password was last changed {} ({} ago), {} or more",
                s.user(),
                date(changed),
                days_text(ago),
                days_text(i64::from(days))
            ),
        )
        .age(ago)
        .fix(format_args!(
            "Have {user} change the password, or force it at the next sign-in: `aws iam \
             update-login-profile --user-name {user} --password-reset-required`. An account \
             password policy with MaxPasswordAge keeps passwords from aging."
        ))
        .show(s, &columns);
    if let Some(next) = s.ts(Column::PasswordNextRotation) {
        if next <= s.as_of {
            outcome.note(format_args!(
                "the password policy required a new password by {}",
                date(next)
            ));
        }
    }
}
