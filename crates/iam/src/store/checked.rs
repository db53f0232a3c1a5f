//! A store for tests that holds the kept report rows to a full build after every write.
//!
//! [`KeptRowsChecked`] wraps a store. Inside every write transaction of an account, after
//! the write and before it commits, it renders the report the account's kept rows make
//! and the report a full build of the account's records writes, and fails the write when
//! they differ (naming the first line that does): a write path that forgets to keep a
//! row it changed fails the very write that forgot it. It also holds the stored report
//! still: a report of rows is, when it is stored, the full build of that moment, and the
//! same bytes at every later write until the next one. Optionally every `n`th write of an
//! account also stores a report of its rows, so that a story with few reports of its own
//! meets many. The scenarios and the demo's three years run on it.

use std::collections::HashMap;
use std::sync::Mutex;

use credreport_report::Timestamp;

use super::{BuildClaim, Changes, ReadPart, Store, Tx};
use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::kept_rows;
use crate::model::KeptRows;
use crate::report_build::write_account_report;
use crate::reports::snapshot_in;

/// A store whose every write of an account checks the account's kept rows.
#[derive(Debug)]
pub struct KeptRowsChecked<S> {
    inner: S,
    report_every: usize,
    seen: Mutex<HashMap<AccountId, Seen>>,
}

/// What the checks have seen of one account.
#[derive(Debug, Default)]
struct Seen {
    writes: usize,
    /// Reports of rows seen stored (in the transaction that stored them).
    reports: usize,
    /// The stored report of rows last seen: its epoch and its bytes.
    report: Option<(i64, Vec<u8>)>,
}

impl<S: Store> KeptRowsChecked<S> {
    /// `inner`, checked.
    pub fn new(inner: S) -> KeptRowsChecked<S> {
        KeptRowsChecked {
            inner,
            report_every: 0,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Every `n`th write of an account also stores a report of its rows (generated when the
    /// account was created, so the 4-hour rule never takes it for a fresh one).
    pub fn with_report_every(mut self, n: usize) -> KeptRowsChecked<S> {
        self.report_every = n;
        self
    }

    /// How many reports of rows the checks have seen stored, over every account.
    pub fn reports_seen(&self) -> usize {
        self.seen
            .lock()
            .map_or(0, |seen| seen.values().map(|s| s.reports).sum())
    }

    /// Runs a write's `f` in `tx`, then the checks (a write of no account has none).
    fn checking(
        &self,
        tx: &mut dyn Tx,
        account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        let Some(account) = account else {
            return f(tx);
        };
        let before = tx.report(account)?.rows.report().map(|r| r.epoch);
        f(tx)?;
        self.check(tx, account, before)
    }

    /// The checks, after a write; `before`: the epoch of the stored report of rows when
    /// the transaction began.
    fn check(&self, tx: &mut dyn Tx, account: &AccountId, before: Option<i64>) -> Result<()> {
        let Some(record) = tx.account(account)? else {
            return Ok(());
        };
        if tx.report(account)?.rows == KeptRows::NotYet {
            return Ok(());
        }
        let built = write_account_report(&snapshot_in(tx, account)?)
            .map_err(|e| Error::internal(format!("rendering the report: {e}")))?;
        let kept = kept_rows::current_report(tx, account)?;
        differ(
            account,
            "the kept report rows differ from a full build",
            &kept,
            &built,
        )?;
        let mut seen = self
            .seen
            .lock()
            .map_err(|_| Error::internal("the checks' record was poisoned"))?;
        let seen = seen.entry(account.clone()).or_default();
        seen.writes += 1;
        if self.report_every > 0 && seen.writes % self.report_every == 0 {
            kept_rows::store_report(tx, account, record.created)?;
        }
        let Some(rows) = tx.report(account)?.rows.report() else {
            return Ok(());
        };
        let mut stored = Vec::new();
        kept_rows::stored_report(tx, account, rows, &mut stored)?;
        if before != Some(rows.epoch) {
            // Stored in this very transaction: the rows of now.
            differ(
                account,
                "a report of rows just stored differs from a full build",
                &stored,
                &built,
            )?;
            seen.reports += 1;
        } else if let Some((epoch, bytes)) = &seen.report {
            if *epoch == rows.epoch {
                differ(
                    account,
                    "the stored report changed since it was stored",
                    &stored,
                    bytes,
                )?;
            }
        }
        seen.report = Some((rows.epoch, stored));
        Ok(())
    }
}

/// `what` as an error naming the first line where `got` differs from `want`.
fn differ(account: &AccountId, what: &str, got: &[u8], want: &[u8]) -> Result<()> {
    if got == want {
        return Ok(());
    }
    let (got, want) = (String::from_utf8_lossy(got), String::from_utf8_lossy(want));
    let line = got
        .lines()
        .zip(want.lines())
        .find(|(g, w)| g != w)
        .map_or_else(
            || {
                format!(
                    "{} lines, {} wanted",
                    got.lines().count(),
                    want.lines().count()
                )
            },
            |(g, w)| format!("got:  {g}\nwant: {w}"),
        );
    Err(Error::internal(format!(
        "account {account}: {what}\n{line}"
    )))
}

impl<S: Store> Store for KeptRowsChecked<S> {
    fn read(&self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.inner.read(f)
    }

    fn read_parts(&self, parts: &mut [&mut ReadPart<'_>]) -> Result<()> {
        self.inner.read_parts(parts)
    }

    fn write(
        &self,
        account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        self.inner
            .write(account, &mut |tx| self.checking(tx, account, f))
    }

    fn write_unsynced(
        &self,
        account: Option<&AccountId>,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<()> {
        self.inner
            .write_unsynced(account, &mut |tx| self.checking(tx, account, f))
    }

    fn sign_in_failures(&self, key: &str, since: Timestamp) -> Result<Vec<Timestamp>> {
        self.inner.sign_in_failures(key, since)
    }

    fn record_sign_in_failure(
        &self,
        key: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<()> {
        self.inner.record_sign_in_failure(key, at, forget_before)
    }

    fn clear_sign_in_failures(&self, key: &str) -> Result<()> {
        self.inner.clear_sign_in_failures(key)
    }

    fn claim_build(&self, account: &AccountId) -> Result<BuildClaim> {
        self.inner.claim_build(account)
    }

    fn watch_changes(&self, changed: Changes) -> Result<bool> {
        self.inner.watch_changes(changed)
    }
}
