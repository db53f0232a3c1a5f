//! `console-no-mfa`: an IAM user with a console password has no MFA device (CIS 1.10,
//! Security Hub IAM.5). The root row is never included: Prowler once reported root here
//! as a user without a console password (prowler#3519), and Steampipe counts root's
//! `not_supported` as a password (audit-peers sections 2.1 and 5).

use credreport_report::Column;

use super::{Out, Subject};
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    let columns = [
        Column::PasswordEnabled,
        Column::PasswordLastUsed,
        Column::MfaActive,
    ];
    match (s.flag(Column::PasswordEnabled), s.flag(Column::MfaActive)) {
        (Some(false), _) => {}
        (Some(true), Some(true)) => out.pass(Credential::User),
        (Some(true), Some(false)) => {
            let user = s.cli_user();
            out.fail(
                Credential::User,
                format_args!(
                    "{} can sign in to the console with a password and has no MFA device",
                    s.user()
                ),
            )
            .fix(format_args!(
                "Have {user} assign an MFA device under Security credentials (or \
                 `aws iam enable-mfa-device --user-name {user} …`). If {user} does not use the \
                 console, remove the password instead: `aws iam delete-login-profile \
                 --user-name {user}`."
            ))
            .show(s, &columns);
        }
        (password, _) => {
            let what = if password.is_none() {
                "password_enabled"
            } else {
                "mfa_active"
            };
            out.not_evaluated(
                Credential::User,
                format_args!("{what} is not true or false"),
            )
            .show(s, &columns);
        }
    }
}
