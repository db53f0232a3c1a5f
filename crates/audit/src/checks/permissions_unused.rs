//! `permissions-unused`: a user or role whose policies allow services it has not used for
//! `permissions_unused_days` (IAM Access Analyzer's unused permission finding, at the
//! service level), listing them.
//!
//! The services are those IAM's service last-accessed data lists for the principal (the
//! services its policies allow, with the last time it authenticated to each). A service
//! never used counts only once the principal is old enough to have used it: as old as the
//! threshold (and `never_used_grace_days`), as Access Analyzer analyses only principals
//! that existed for the whole tracking period. Without a creation date, never-used
//! services count, with a note.

use super::principal::{PrincipalSubject, ServiceUse};
use super::{Lazy, Out};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &PrincipalSubject<'_>, out: &mut Out) {
    let credential = Credential::User;
    let f = s.facts;
    let threshold = s.th.permissions_unused_days;
    let bar = threshold.max(s.th.never_used_grace_days);
    let old_enough = f.created.is_none_or(|c| s.older_than(c, bar));
    // Walked again by each use (count, the words): nothing is collected, as most
    // principals of an account pass or are audited only for their verdict.
    let unused = || {
        f.services().filter(move |u: &ServiceUse<'_>| match u.last {
            Some(t) => s.older_than(t, threshold),
            None => old_enough,
        })
    };
    let count = unused().count();
    if count == 0 {
        out.pass(credential);
        return;
    }
    let list = Lazy(|w: &mut std::fmt::Formatter<'_>| {
        for (i, u) in unused().enumerate() {
            if i > 0 {
                w.write_str(", ")?;
            }
            let (namespace, name) = (u.service.namespace(), u.service.name());
            let name = if name.is_empty() { namespace } else { name };
            match u.last {
                Some(t) => write!(w, "{name} ({namespace}, last used {})", date(t))?,
                None => write!(w, "{name} ({namespace}, not used)")?,
            }
        }
        Ok(())
    });
    let namespaces = Lazy(|w: &mut std::fmt::Formatter<'_>| {
        for (i, u) in unused().enumerate() {
            if i > 0 {
                w.write_str(", ")?;
            }
            w.write_str(u.service.namespace())?;
        }
        Ok(())
    });
    let record = out
        .fail(
            credential,
            format_args!(
                "{} is allowed {} of {} services it has not used in {threshold} days: {list}",
                s.label(),
                count,
                f.access.len()
            ),
        )
        .fix(format_args!(
            "Remove {namespaces} from {}'s policies (IAM's Access Advisor tab shows the same \
             data), or have IAM Access Analyzer generate a policy from its CloudTrail activity.",
            s.cli_name()
        ));
    if f.created.is_none() && unused().any(|u| u.last.is_none()) {
        record.note(format_args!(
            "no creation date in the data: services never used are listed whatever the \
             principal's age"
        ));
    }
}
