//! `root-access-key`: the root user holds an access key (CIS 1.4, Security Hub IAM.4).
//!
//! Both slots are evaluated. A slot holds a key when it is active, or when it is inactive
//! but keeps its last_rotated time (real reports do: audit-peers section 6, quirk 6). An
//! inactive root key still exists and can be turned back on, so it fails too.

use std::fmt;

use credreport_report::{Column, KeyField, Slot};

use super::{Lazy, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    for slot in Slot::BOTH {
        let credential = Credential::AccessKey(slot);
        let columns = [
            Column::access_key(slot, KeyField::Active),
            Column::access_key(slot, KeyField::LastRotated),
            Column::access_key(slot, KeyField::LastUsedDate),
        ];
        let n = slot.number();
        let rotated = s.key_rotated(slot);
        let created = Lazy(|f: &mut fmt::Formatter<'_>| match rotated {
            Some(t) => write!(f, ", created {}", date(t)),
            None => Ok(()),
        });
        let outcome = match s.key_active(slot) {
            Some(true) => out.fail(
                credential,
                format_args!(
                    "the root user has an active access key in slot {n}{created}, {}",
                    s.key_use(slot)
                ),
            ),
            Some(false) if rotated.is_some() => out.fail(
                credential,
                format_args!(
                    "the root user has an inactive access key in slot {n}{created}, {}: it can be \
                     made active again at any time",
                    s.key_use(slot)
                ),
            ),
            Some(false) => {
                out.pass(credential);
                continue;
            }
            None => {
                out.not_evaluated(
                    credential,
                    format_args!("access_key_{n}_active is not true or false"),
                )
                .show(s, &columns);
                continue;
            }
        };
        outcome
            .fix(format_args!(
                "Sign in as {}, open Security credentials, and delete access key {n}{created} \
                 (deactivate it first if anything might still use it). Use IAM roles or IAM \
                 Identity Center for programmatic access instead.",
                s.root_account()
            ))
            .show(s, &columns);
    }
}
