//! `two-active-keys`: a user with both access keys active (CIS 1.13).

use credreport_report::{Column, Slot};

use super::{Out, Subject};
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    let columns = [
        Column::AccessKey1Active,
        Column::AccessKey1LastRotated,
        Column::AccessKey1LastUsedDate,
        Column::AccessKey2Active,
        Column::AccessKey2LastRotated,
        Column::AccessKey2LastUsedDate,
    ];
    match (s.key_active(Slot::One), s.key_active(Slot::Two)) {
        (Some(true), Some(true)) => {
            let user = s.cli_user();
            out.fail(
                Credential::User,
                format_args!(
                    "{} has two active access keys: {}, {}; {}, {}",
                    s.user(),
                    s.key_label(Slot::One),
                    s.key_use(Slot::One),
                    s.key_label(Slot::Two),
                    s.key_use(Slot::Two)
                ),
            )
            .fix(format_args!(
                "Keep one key: move every use to it, then deactivate and delete the other \
                 (`aws iam list-access-keys --user-name {user}` shows their ids and creation \
                 dates)."
            ))
            .show(s, &columns);
        }
        (Some(_), Some(_)) => out.pass(Credential::User),
        _ => {
            out.not_evaluated(
                Credential::User,
                format_args!("access_key_1_active or access_key_2_active is not true or false"),
            )
            .show(s, &[Column::AccessKey1Active, Column::AccessKey2Active]);
        }
    }
}
