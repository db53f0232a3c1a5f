//! The credential report's rows, kept current (issue 26).
//!
//! Each write that changes what a report row says renders that row again, in the write's
//! own transaction ([`keep_row`]): a user's creation, deletion, password, keys, MFA,
//! certificates and console sign-ins, the root's password and credentials, and each access
//! key use the usage windows record. So GenerateCredentialReport reads and renders
//! nothing: its build makes the current rows the stored report ([`store_report`], one
//! statement's worth of work whatever the number of users), and GetCredentialReport joins
//! that report's rows ([`stored_report`]). The store keeps the stored report what it was
//! while the rows change: a row it shows is frozen, as it is, before its first change.
//!
//! A row is rendered by the build's own rules (`report_build`: the same cells, the same
//! writer), around the one cell that depends on the account rather than on the row's
//! owner: `password_next_rotation`, worked out as the report is read with the password
//! policy's maximum age of the day the report was generated. A report of kept rows is
//! byte for byte the report a full build of the same records writes; the tests hold the
//! two to each other after every write of the scenarios and of the demo's three years.
//!
//! An account whose rows are not kept yet (stored before rows were kept, or copied from
//! another store) has its rows rendered all at once by its next build ([`keep_all_rows`]).

use std::io;
use std::ops::Range;

use credreport_report::{header_line, Cell, Column, Edition, ReportWriter, Row, Sentinel};

use crate::error::{Error, Result};
use crate::ids::{name_key, AccountId};
use crate::model::{Account, KeptLine, KeptRow, KeptRows, Owner, RowsReport, User};
use crate::report_build::{
    fill_slots, fill_user, next_rotation, root_row, AccountSnapshot, Holdings, Plan,
};
use crate::report_sink::ReportSink;
use crate::store::Tx;

/// The report field that depends on the account: `password_next_rotation`.
const ROTATION_FIELD: usize = 6;

/// Renders the row of `owner` again from its records and keeps it (the root's, or a
/// user's; a user that is gone loses its row).
pub(crate) fn keep_row(tx: &mut dyn Tx, account: &AccountId, owner: &Owner) -> Result<()> {
    let keys = tx.owner_key_facts(account, owner)?;
    let certs = tx.owner_cert_facts(account, owner)?;
    let mfa = tx.owner_has_mfa(account, owner)?;
    let row = match owner {
        Owner::Root => {
            let record = tx
                .account(account)?
                .ok_or_else(|| Error::internal(format!("account {account} has no record")))?;
            let held = Holdings::of_owner(&keys, &certs, mfa, None);
            root_kept(&record, &held)?
        }
        Owner::User(user_id) => {
            let Some(user) = tx.user_by_id(account, user_id)? else {
                return tx.delete_report_row(account, owner);
            };
            let changed = tx.password_changed(account, user_id)?;
            let held = Holdings::of_owner(&keys, &certs, mfa, changed);
            let mut row = Row::new(Edition::Current);
            user_kept(&mut row, &user, &held)?
        }
    };
    tx.put_report_row(account, &row)
}

/// Renders every row of the account from its records and keeps them in place of the ones
/// it had: the first build of an account whose rows were not kept, or after a writer went
/// around the domain.
pub(crate) fn keep_all_rows(tx: &mut dyn Tx, account: &AccountId) -> Result<()> {
    let snapshot = crate::reports::snapshot_in(tx, account)?;
    let rows = rows_of(&snapshot)?;
    tx.replace_report_rows(account, &rows)
}

/// The kept rows of a snapshot, in report order.
pub(crate) fn rows_of(s: &AccountSnapshot) -> Result<Vec<KeptRow>> {
    let plan = Plan::of(s);
    let mut rows = Vec::with_capacity(plan.users.len() + 1);
    rows.push(root_kept(
        &s.account,
        plan.holdings_of(Owner::Root.as_key()),
    )?);
    let mut row = plan.root_row();
    for user in &plan.users {
        rows.push(user_kept(&mut row, user, plan.holdings_of(&user.id))?);
    }
    Ok(rows)
}

/// Makes the account's current rows its stored report, generated at `generated` (its rows
/// rendered first if they are not kept yet).
pub(crate) fn store_report(
    tx: &mut dyn Tx,
    account: &AccountId,
    generated: credreport_report::Timestamp,
) -> Result<()> {
    if tx.report(account)?.rows == KeptRows::NotYet {
        keep_all_rows(tx, account)?;
    }
    let record = tx
        .account(account)?
        .ok_or_else(|| Error::internal(format!("account {account} has no record")))?;
    let max_age = record.password_policy.and_then(|p| p.max_password_age);
    tx.store_rows_report(account, generated, max_age)
}

/// Writes the stored report `report` of the account to `sink`, joined from its rows.
pub(crate) fn stored_report(
    tx: &mut dyn Tx,
    account: &AccountId,
    report: RowsReport,
    sink: &mut dyn ReportSink,
) -> Result<()> {
    let mut out = Joined::new(report.max_password_age, sink);
    tx.stored_report_rows(account, report.epoch, &mut |line| {
        out.push(line);
        Ok(())
    })
}

/// The bytes of the report the account's current rows make, with the password policy's
/// maximum age of now: what a report generated now would hold.
pub fn current_report(tx: &mut dyn Tx, account: &AccountId) -> Result<Vec<u8>> {
    let record = tx
        .account(account)?
        .ok_or_else(|| Error::NoSuchEntity(format!("The account {account} cannot be found.")))?;
    let mut bytes = Vec::new();
    let mut out = Joined::new(
        record.password_policy.and_then(|p| p.max_password_age),
        &mut bytes,
    );
    tx.current_report_rows(account, &mut |line| {
        out.push(line);
        Ok(())
    })?;
    Ok(bytes)
}

/// A report, joined row by row into a sink.
struct Joined<'s> {
    sink: &'s mut dyn ReportSink,
    max_age: Option<u16>,
    /// The row being joined: a row goes to the sink whole.
    line: Vec<u8>,
}

impl<'s> Joined<'s> {
    fn new(max_age: Option<u16>, sink: &'s mut dyn ReportSink) -> Joined<'s> {
        sink.write(header_line(Edition::Current).as_bytes());
        Joined {
            sink,
            max_age,
            line: Vec::with_capacity(512),
        }
    }

    fn push(&mut self, line: KeptLine<'_>) {
        self.line.clear();
        self.line.push(b'\n');
        self.line.extend_from_slice(line.head.as_bytes());
        if let Some(changed) = line.rotation_from {
            match next_rotation(changed, self.max_age) {
                Cell::Timestamp(t) => self.line.extend_from_slice(&t.to_report_bytes()),
                _ => self
                    .line
                    .extend_from_slice(Sentinel::NotApplicable.token().as_bytes()),
            }
        }
        self.line.extend_from_slice(line.tail.as_bytes());
        self.sink.write(&self.line);
    }
}

/// The root's kept row.
fn root_kept(account: &Account, held: &Holdings<'_>) -> Result<KeptRow> {
    let mut row = root_row(account);
    fill_slots(&mut row, held);
    kept(Owner::Root, String::new(), &row, None)
}

/// A user's kept row, `row` (a complete row) filled again for it.
fn user_kept(row: &mut Row, user: &User, held: &Holdings<'_>) -> Result<KeptRow> {
    // Without a maximum age: the cell is worked out as the report is read.
    fill_user(row, user, held.password_changed(), None);
    fill_slots(row, held);
    kept(
        Owner::User(user.id.clone()),
        name_key(&user.name),
        row,
        held.password_changed(),
    )
}

/// `row` rendered by the report's writer and kept in two pieces around its rotation cell,
/// which is left out when `rotation_from` says it is worked out as the report is read.
fn kept(
    owner: Owner,
    name_key: String,
    row: &Row,
    rotation_from: Option<credreport_report::Timestamp>,
) -> Result<KeptRow> {
    let rendering = |e: io::Error| Error::internal(format!("rendering a report row: {e}"));
    let mut writer = ReportWriter::continuing(Vec::with_capacity(300), Edition::Current);
    writer.write_row(row).map_err(rendering)?;
    let written = writer.finish().map_err(rendering)?;
    // The writer begins a row with the line break that ends the one before.
    let line = written.strip_prefix(b"\n").unwrap_or(&written);
    let cell = field(line, ROTATION_FIELD)
        .ok_or_else(|| Error::internal("a report row without its rotation cell"))?;
    let split = if rotation_from.is_some() {
        cell.start
    } else {
        cell.end
    };
    let text = |bytes: &[u8]| {
        String::from_utf8(bytes.to_vec())
            .map_err(|_| Error::internal("a report row that is not UTF-8"))
    };
    Ok(KeptRow {
        owner,
        name_key,
        head: text(&line[..split])?,
        rotation_from,
        tail: text(&line[cell.end..])?,
    })
}

/// Where field `n` (from 0) of a line the report's writer wrote is: fields are separated
/// by commas, and one that holds a comma or a quote is quoted, its quotes doubled.
fn field(line: &[u8], n: usize) -> Option<Range<usize>> {
    let mut start = 0;
    for _ in 0..n {
        start = field_end(line, start)? + 1;
    }
    let end = field_end(line, start)?;
    Some(start..end)
}

/// The end of the field that starts at `start` (the comma after it, or the line's end).
fn field_end(line: &[u8], start: usize) -> Option<usize> {
    let rest = line.get(start..)?;
    if rest.first() == Some(&b'"') {
        let mut i = 1;
        loop {
            match rest.get(i)? {
                b'"' if rest.get(i + 1) == Some(&b'"') => i += 2,
                b'"' => return Some(start + i + 1),
                _ => i += 1,
            }
        }
    }
    Some(start + rest.iter().position(|&b| b == b',').unwrap_or(rest.len()))
}

/// The column `password_next_rotation` is the field [`ROTATION_FIELD`].
const _: () = assert!(Column::PasswordNextRotation as usize == ROTATION_FIELD);

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use super::*;

    /// A line, a field number, and the field's text (`None`: the line has no such field).
    type Case = (&'static [u8], usize, Option<&'static [u8]>);

    #[test]
    fn fields_are_found_past_quoted_ones() {
        let cases: [Case; 7] = [
            (b"a,b,c", 0, Some(b"a")),
            (b"a,b,c", 2, Some(b"c")),
            (b"a,b,c", 3, None),
            (b"\"a,1\",b,c", 1, Some(b"b")),
            (b"\"a\"\",\"\"1\",arn,c", 2, Some(b"c")),
            (b",,", 1, Some(b"")),
            (b"\"unclosed,x", 1, None),
        ];
        for (line, n, expected) in cases {
            let got = field(line, n).map(|r| &line[r]);
            assert_eq!(
                got,
                expected,
                "{:?} field {n}",
                String::from_utf8_lossy(line)
            );
        }
    }
}
