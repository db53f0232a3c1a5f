//! `role-unused`: a role not used for `role_unused_days` (IAM Access Analyzer's unused
//! role finding; Security Hub's unused-access analysis looks back 90 days).
//!
//! A role's `RoleLastUsed` (in the authorization details) covers the last 400 days; a role
//! with no date was not used in that time, or never. Never used, it is aged from its
//! creation and not flagged before `never_used_grace_days`, as a never-used access key is.
//! Service-linked roles are left out (their service uses them; IAM deletes them with it).

use super::principal::PrincipalSubject;
use super::{days_text, Lazy, Out};
use crate::config::date;
use crate::finding::Credential;

/// How far back IAM tracks a role's last use.
const TRACKED_DAYS: i64 = 400;

pub(crate) fn run(s: &PrincipalSubject<'_>, out: &mut Out) {
    let credential = Credential::User;
    let f = s.facts;
    let threshold = s.th.role_unused_days;
    let fix = Lazy(|w: &mut std::fmt::Formatter<'_>| {
        let name = s.cli_name();
        write!(
            w,
            "Delete the role if nothing needs it: detach its policies (`aws iam \
             list-attached-role-policies --role-name {name}`, then `aws iam detach-role-policy`), \
             delete its inline policies and remove it from its instance profiles, then `aws iam \
             delete-role --role-name {name}`. To keep it, restrict who may assume it."
        )
    });
    match (f.last_used.as_ref(), f.created) {
        (Some((last, region)), _) => {
            if !s.older_than(*last, threshold) {
                out.pass(credential);
                return;
            }
            let days = s.days(*last);
            let region = Lazy(|w: &mut std::fmt::Formatter<'_>| match region {
                Some(r) => write!(w, " in {r}"),
                None => Ok(()),
            });
            out.fail(
                credential,
                format_args!(
                    "{} was last used {}{region}, {} ago (threshold {threshold} days)",
                    s.label(),
                    date(*last),
                    days_text(days)
                ),
            )
            .age(days)
            .fix(format_args!("{fix}"));
        }
        (None, Some(created)) => {
            let bar = threshold.max(s.th.never_used_grace_days);
            if !s.older_than(created, bar) {
                out.pass(credential);
                return;
            }
            let days = s.days(created);
            let record = out
                .fail(
                    credential,
                    format_args!(
                        "{} has no recorded use since it was created on {}, {} ago (threshold \
                         {bar} days)",
                        s.label(),
                        date(created),
                        days_text(days)
                    ),
                )
                .age(days)
                .fix(format_args!("{fix}"));
            if days > TRACKED_DAYS {
                record.note(format_args!(
                    "IAM records a role's last use for {TRACKED_DAYS} days: it was not used in \
                     that time, and may have been before"
                ));
            }
        }
        (None, None) => {
            out.not_evaluated(
                credential,
                format_args!(
                    "{} has no recorded use and no creation date in the authorization details",
                    s.label()
                ),
            );
        }
    }
}
