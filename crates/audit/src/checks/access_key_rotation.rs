//! `access-key-rotation`: an active access key older than `key_rotation_days` (CIS 1.14,
//! Security Hub IAM.3). Each slot on its own; inactive keys are not evaluated. Prowler
//! fails at `> 90` days; here 90 days or more fails, like Steampipe's `<= now - 90d`.

use credreport_report::{Column, KeyField, Slot};

use super::{days_text, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    for slot in Slot::BOTH {
        let credential = Credential::AccessKey(slot);
        let n = slot.number();
        let columns = [
            Column::access_key(slot, KeyField::Active),
            Column::access_key(slot, KeyField::LastRotated),
        ];
        match s.key_active(slot) {
            Some(false) => continue,
            Some(true) => {}
            None => {
                out.not_evaluated(
                    credential,
                    format_args!("access_key_{n}_active is not true or false"),
                )
                .show(s, &columns);
                continue;
            }
        }
        let Some(created) = s.key_rotated(slot) else {
            out.not_evaluated(
                credential,
                format_args!(
                    "access key {n} is active but access_key_{n}_last_rotated is not a time"
                ),
            )
            .show(s, &columns);
            continue;
        };
        let days = s.th.key_rotation_days;
        if !s.older_than(created, days) {
            out.pass(credential);
            continue;
        }
        let ago = s.days(created);
        let user = s.cli_user();
        out.fail(
            credential,
            format_args!(
                "{}'s active access key {n} was created {} ({} ago) and not rotated within {}",
                s.user(),
                date(created),
                days_text(ago),
                days_text(i64::from(days))
            ),
        )
        .age(ago)
        .fix(format_args!(
            "Rotate it: `aws iam create-access-key --user-name {user}`, move every use to the new \
             key, then deactivate and delete the old one (access key {n}, created {}; \
             `aws iam list-access-keys --user-name {user}` shows its id).",
            date(created)
        ))
        .show(s, &columns);
    }
}
