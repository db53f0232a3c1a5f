//! `access-key-unused`: an active access key not used for `unused_days` (CIS 1.12,
//! Security Hub IAM.22 and IAM.8).
//!
//! Each slot is evaluated on its own: Steampipe's `when not access_key_1_active then 'ok'`
//! never looks at key 2 when key 1 is inactive (audit-peers section 2.2). A key never used
//! (`N/A`) is aged from its last_rotated time and never flagged before
//! `never_used_grace_days` (Prowler passes never-used keys; prowler#645 asks for the
//! creation-age rule). A legacy report has no last-used columns: not evaluated.

use credreport_report::{Cell, Column, KeyField, Slot};

use super::{days_text, key_tracking_start, Lazy, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    for slot in Slot::BOTH {
        key(s, slot, out);
    }
}

fn key(s: &Subject<'_>, slot: Slot, out: &mut Out) {
    let credential = Credential::AccessKey(slot);
    let n = slot.number();
    let columns = [
        Column::access_key(slot, KeyField::Active),
        Column::access_key(slot, KeyField::LastRotated),
        Column::access_key(slot, KeyField::LastUsedDate),
        Column::access_key(slot, KeyField::LastUsedService),
    ];
    match s.key_active(slot) {
        Some(false) => return,
        Some(true) => {}
        None => {
            out.not_evaluated(
                credential,
                format_args!("access_key_{n}_active is not true or false"),
            )
            .show(s, &columns[..1]);
            return;
        }
    }
    let days = s.th.unused_days;
    let fix = Lazy(|f: &mut std::fmt::Formatter<'_>| {
        let user = s.cli_user();
        write!(
            f,
            "Deactivate, then delete, {}: `aws iam list-access-keys --user-name {user}` shows \
             its id; `aws iam update-access-key --user-name {user} --access-key-id <id> --status \
             Inactive`, and once nothing breaks, `aws iam delete-access-key --user-name {user} \
             --access-key-id <id>`.",
            s.key_label(slot)
        )
    });
    match s.key_last_used(slot) {
        None => {
            out.not_evaluated(
                credential,
                format_args!(
                    "legacy report: it has no access_key_{n}_last_used_date, so the use of {}'s \
                     active {} is unknown",
                    s.user(),
                    s.key_label(slot)
                ),
            )
            .show(s, &columns[..2]);
        }
        Some(Cell::Timestamp(t)) => {
            if !s.older_than(*t, days) {
                out.pass(credential);
                return;
            }
            let ago = s.days(*t);
            out.fail(
                credential,
                format_args!(
                    "{}'s active {} was {}, {} ago",
                    s.user(),
                    s.key_label(slot),
                    s.key_use(slot),
                    days_text(ago)
                ),
            )
            .age(ago)
            .fix(format_args!("{fix}"))
            .show(s, &columns);
        }
        Some(Cell::NotApplicable) => {
            let Some(created) = s.key_rotated(slot) else {
                out.not_evaluated(
                    credential,
                    format_args!(
                        "access key {n} is active and never used, but access_key_{n}_last_rotated \
                         does not say when it was created"
                    ),
                )
                .show(s, &columns[..3]);
                return;
            };
            let limit = days.max(s.th.never_used_grace_days);
            if !s.older_than(created, limit) {
                out.pass(credential);
                return;
            }
            let ago = s.days(created);
            let outcome = out
                .fail(
                    credential,
                    format_args!(
                        "{}'s active access key {n} has never been used since it was created {} \
                         ({} ago)",
                        s.user(),
                        date(created),
                        days_text(ago)
                    ),
                )
                .age(ago)
                .fix(format_args!("{fix}"))
                .show(s, &columns[..3]);
            if created < key_tracking_start() {
                outcome.note(format_args!(
                    "N/A also means no use since IAM began tracking access-key use on 2015-04-22"
                ));
            }
        }
        Some(other) => {
            out.not_evaluated(
                credential,
                format_args!("access_key_{n}_last_used_date is {other} for an active key"),
            )
            .show(s, &columns[..3]);
        }
    }
}
