//! `key-created-at-setup`: an access key created together with a console user and never
//! used (CIS 1.11: "Do not setup access keys during initial user setup for all IAM users
//! that have a console password").
//!
//! Real reports write the key's last_rotated equal to user_creation_time, or one second
//! later (audit-peers section 6, quirk 8), so a small tolerance decides "at setup".
//! Both slots are evaluated (Steampipe looks at key 1 only), the key must never have been
//! used (Steampipe ignores use), and a new user gets `never_used_grace_days` (Prowler
//! flags a key the minute it is created: prowler#645).

use credreport_report::{Cell, Column, KeyField, Slot};

use super::{days_text, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    if s.flag(Column::PasswordEnabled) != Some(true) {
        return;
    }
    let Some(user_created) = s.ts(Column::UserCreationTime) else {
        return;
    };
    for slot in Slot::BOTH {
        let credential = Credential::AccessKey(slot);
        let n = slot.number();
        if s.key_active(slot) != Some(true) {
            continue;
        }
        let columns = [
            Column::UserCreationTime,
            Column::PasswordEnabled,
            Column::access_key(slot, KeyField::Active),
            Column::access_key(slot, KeyField::LastRotated),
            Column::access_key(slot, KeyField::LastUsedDate),
        ];
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
        let apart = created.secs_since(user_created).abs();
        if apart > i64::from(s.th.setup_tolerance_seconds) {
            out.pass(credential);
            continue;
        }
        match s.key_last_used(slot) {
            None => {
                out.not_evaluated(
                    credential,
                    format_args!(
                        "legacy report: access key {n} was created with the user, but the report \
                         has no access_key_{n}_last_used_date to tell whether it was ever used"
                    ),
                )
                .show(s, &columns[..4]);
            }
            Some(Cell::NotApplicable) => {
                if !s.older_than(created, s.th.never_used_grace_days) {
                    out.pass(credential);
                    continue;
                }
                let user = s.cli_user();
                let ago = s.days(created);
                out.fail(
                    credential,
                    format_args!(
                        "{}'s access key {n} was created with the user ({}, {}s after \
                         user_creation_time) and has never been used in {}",
                        s.user(),
                        date(created),
                        created.secs_since(user_created),
                        days_text(ago)
                    ),
                )
                .age(ago)
                .fix(format_args!(
                    "Delete the unused key (access key {n}, created {}): `aws iam \
                     list-access-keys --user-name {user}` shows its id, then `aws iam \
                     delete-access-key --user-name {user} --access-key-id <id>`. Create keys \
                     only when a workload needs them.",
                    date(created)
                ))
                .show(s, &columns);
            }
            Some(_) => out.pass(credential),
        }
    }
}
