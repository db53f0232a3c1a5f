//! `password-unused`: a console password not used for `unused_days` (CIS 1.12, Security
//! Hub IAM.22 at 45 days and IAM.8 at 90).
//!
//! - The boundary is CIS's "45 days or more": exactly 45 days fails (Prowler uses `> 45`).
//! - A password never used (`no_information`) is aged from when it was set
//!   (password_last_changed, else user_creation_time), and never flagged before
//!   `never_used_grace_days`. Prowler passes never-used passwords; Steampipe's
//!   console_access_unused flags them on day one (audit-peers sections 1.2, 2.2, 7).
//! - A disabled password is left alone whatever password_last_used says (a deleted login
//!   profile keeps it: prowler#3176).
//! - A value in or just before AWS's May 2018 gap only fails when even the gap's end is
//!   old enough.

use credreport_report::{Cell, Column};

use super::password_2018_gap::{password_disuse, Disuse};
use super::{days_text, password_tracking_start, Lazy, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

const COLUMNS: [Column; 4] = [
    Column::PasswordEnabled,
    Column::PasswordLastUsed,
    Column::PasswordLastChanged,
    Column::UserCreationTime,
];

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    let credential = Credential::Password;
    match s.flag(Column::PasswordEnabled) {
        Some(false) => return,
        Some(true) => {}
        None => {
            out.not_evaluated(
                credential,
                format_args!("password_enabled is not true or false"),
            )
            .show(s, &COLUMNS);
            return;
        }
    }
    let days = s.th.unused_days;
    let fix = Lazy(|f: &mut std::fmt::Formatter<'_>| {
        write!(
            f,
            "Remove the console password: `aws iam delete-login-profile --user-name {}` (access \
             keys are not affected). Disable or delete the user if it is no longer needed.",
            s.cli_user()
        )
    });
    match s.cell(Column::PasswordLastUsed) {
        Some(Cell::Timestamp(t)) => match password_disuse(s, *t, days) {
            Disuse::Recent => out.pass(credential),
            Disuse::Stale(caveat) => {
                let ago = s.days(*t);
                let outcome = out
                    .fail(
                        credential,
                        format_args!(
                            "{}'s console password was last used {} ago ({}), {} or more",
                            s.user(),
                            days_text(ago),
                            date(*t),
                            days_text(i64::from(days))
                        ),
                    )
                    .age(ago)
                    .fix(format_args!("{fix}"))
                    .show(s, &COLUMNS[..2]);
                if let Some(caveat) = caveat {
                    outcome.note(format_args!("{caveat}"));
                }
            }
            Disuse::Open(caveat) => {
                out.not_evaluated(
                    credential,
                    format_args!(
                        "{}'s password_last_used {} is {} or more ago, but a sign-in during AWS's \
                         May 2018 gap would be more recent than that",
                        s.user(),
                        date(*t),
                        days_text(i64::from(days))
                    ),
                )
                .note(format_args!("{caveat}"))
                .show(s, &COLUMNS[..2]);
            }
        },
        Some(Cell::NoInformation) => {
            let set = s
                .ts(Column::PasswordLastChanged)
                .or_else(|| s.ts(Column::UserCreationTime));
            let Some(set) = set else {
                out.not_evaluated(
                    credential,
                    format_args!(
                        "the password was never used, and neither password_last_changed nor \
                         user_creation_time says when it was set"
                    ),
                )
                .show(s, &COLUMNS);
                return;
            };
            let limit = days.max(s.th.never_used_grace_days);
            if !s.older_than(set, limit) {
                out.pass(credential);
                return;
            }
            let ago = s.days(set);
            let outcome = out
                .fail(
                    credential,
                    format_args!(
                        "{}'s console password has never been used since it was set {} ({} ago)",
                        s.user(),
                        date(set),
                        days_text(ago)
                    ),
                )
                .age(ago)
                .fix(format_args!("{fix}"))
                .show(s, &COLUMNS);
            if set < password_tracking_start() {
                outcome.note(format_args!(
                    "no_information also means no sign-in since IAM began tracking password \
                     use on 2014-10-20"
                ));
            }
        }
        Some(other) => {
            out.not_evaluated(
                credential,
                format_args!("password_last_used is {other} although password_enabled is true"),
            )
            .show(s, &COLUMNS[..2]);
        }
        None => {}
    }
}
