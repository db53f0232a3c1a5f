//! `root-signing-cert`: the root user has an active X.509 signing certificate. Only
//! ScoutSuite checks it among the peers; real accounts have one (audit-peers section 6,
//! quirk 10).

use std::fmt;

use credreport_report::{CertField, Column, Slot};

use super::{Lazy, Out, Subject};
use crate::config::date;
use crate::finding::Credential;

pub(crate) fn run(s: &Subject<'_>, out: &mut Out) {
    for slot in Slot::BOTH {
        let credential = Credential::Cert(slot);
        let n = slot.number();
        let columns = [
            Column::cert(slot, CertField::Active),
            Column::cert(slot, CertField::LastRotated),
        ];
        match s.cert_active(slot) {
            Some(false) => out.pass(credential),
            None => {
                out.not_evaluated(
                    credential,
                    format_args!("cert_{n}_active is not true or false"),
                )
                .show(s, &columns);
            }
            Some(true) => {
                let rotated = s.cert_rotated(slot);
                let uploaded = Lazy(|f: &mut fmt::Formatter<'_>| match rotated {
                    Some(t) => write!(f, ", uploaded {}", date(t)),
                    None => Ok(()),
                });
                out.fail(
                    credential,
                    format_args!(
                        "the root user has an active signing certificate in slot {n}{uploaded}"
                    ),
                )
                .fix(format_args!(
                    "Sign in as {}, open Security credentials, and delete X.509 certificate \
                     {n}{uploaded}.",
                    s.root_account()
                ))
                .show(s, &columns);
            }
        }
    }
}
