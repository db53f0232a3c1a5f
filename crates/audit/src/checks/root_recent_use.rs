//! `root-recent-use`: the root user was used recently (CIS 1.7, Security Hub IAM.20).
//!
//! The most recent of all three last-used values decides. Prowler takes the first
//! available one (password before keys), and Steampipe's key comparison is inverted, so
//! both miss a recent key use (audit-peers sections 1.3 and 2.2).

use credreport_report::{Column, Slot, Timestamp};

use super::password_2018_gap::{self, gap_end};
use super::{days_text, Out, Subject, Zulu};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    let columns = [
        Column::PasswordLastUsed,
        Column::AccessKey1LastUsedDate,
        Column::AccessKey2LastUsedDate,
    ];
    let days = s.th.root_recent_use_days;
    let password = s.ts(Column::PasswordLastUsed);
    // The most recent use; on a tie, the last of password, key 1, key 2.
    let mut latest: Option<(Timestamp, &str)> = password.map(|t| (t, "password sign-in"));
    for (slot, how) in [(Slot::One, "access key 1"), (Slot::Two, "access key 2")] {
        if let Some(t) = s.key_last_used(slot).and_then(|c| c.as_timestamp()) {
            if latest.is_none_or(|(l, _)| t >= l) {
                latest = Some((t, how));
            }
        }
    }
    if let Some((t, how)) = latest {
        if !s.older_than(t, days) {
            let ago = s.days(t).max(0);
            out.fail(
                Credential::User,
                format_args!(
                    "the root user was used {} ago ({how}, {}), within the last {}",
                    days_text(ago),
                    Zulu(t),
                    days_text(i64::from(days))
                ),
            )
            .age(ago)
            .fix(format_args!(
                "Find out who used {} and why (CloudTrail events with userIdentity.type Root \
                 around {}); do daily work with IAM roles or IAM Identity Center users, and keep \
                 root for the few tasks that need it.",
                s.root_account(),
                date(t)
            ))
            .show(s, &columns);
            return;
        }
    }
    if s.legacy() && Slot::BOTH.iter().any(|&k| s.key_present(k)) {
        out.not_evaluated(
            Credential::User,
            format_args!(
                "legacy report: it has no access-key last-used columns, so a recent use of the \
                 root access key cannot be ruled out"
            ),
        )
        .show(
            s,
            &[
                Column::PasswordLastUsed,
                Column::AccessKey1Active,
                Column::AccessKey2Active,
            ],
        );
        return;
    }
    if let Some(t) = password {
        let in_gap = password_2018_gap::position(t, s.th.may_2018_gap_margin_days).is_some();
        if in_gap && !s.older_than(gap_end(), days) {
            out.not_evaluated(
                Credential::User,
                format_args!(
                    "the root password may have been used during AWS's May 2018 gap, within the \
                     last {}",
                    days_text(i64::from(days))
                ),
            )
            .note(format_args!("{}", password_2018_gap::Caveat(t)))
            .show(s, &columns);
            return;
        }
    }
    out.pass(Credential::User);
}
