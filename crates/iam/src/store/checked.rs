//! A store for tests that holds the kept report rows to a full build after every write.
//!
//! [`KeptRowsChecked`] wraps a store; inside every write transaction of an account, after
//! the write and before it commits, it renders the report the account's kept rows make and
//! the report a full build of the account's records writes, and fails the write when they
//! differ (naming the first line that does). A write path that forgets to keep a row it
//! changed fails the very write that forgot it. The scenarios and the demo's three years
//! run on it.

use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::kept_rows;
use crate::model::KeptRows;
use crate::report_build::write_account_report;
use crate::reports::snapshot_in;

use super::{BuildClaim, Changes, ReadPart, Store, Tx};
use credreport_report::Timestamp;

/// A store whose every write of an account checks the account's kept rows.
#[derive(Debug)]
pub struct KeptRowsChecked<S> {
    inner: S,
}

impl<S: Store> KeptRowsChecked<S> {
    /// `inner`, checked.
    pub fn new(inner: S) -> KeptRowsChecked<S> {
        KeptRowsChecked { inner }
    }
}

/// Whether the report the account's kept rows make is the report a full build of its
/// records writes, in the transaction `tx`. Nothing to compare before the account exists
/// or while its rows are not kept.
pub fn check_kept_rows(tx: &mut dyn Tx, account: &AccountId) -> Result<()> {
    if tx.account(account)?.is_none() || tx.report(account)?.rows == KeptRows::NotYet {
        return Ok(());
    }
    let built = write_account_report(&snapshot_in(tx, account)?)
        .map_err(|e| Error::internal(format!("rendering the report: {e}")))?;
    let kept = kept_rows::current_report(tx, account)?;
    if kept == built {
        return Ok(());
    }
    let (kept, built) = (
        String::from_utf8_lossy(&kept),
        String::from_utf8_lossy(&built),
    );
    let differ = kept
        .lines()
        .zip(built.lines())
        .find(|(k, b)| k != b)
        .map_or_else(
            || {
                format!(
                    "{} kept lines, {} built",
                    kept.lines().count(),
                    built.lines().count()
                )
            },
            |(k, b)| format!("kept: {k}\nbuilt: {b}"),
        );
    Err(Error::internal(format!(
        "account {account}: the kept report rows differ from a full build\n{differ}"
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
        self.inner.write(account, &mut |tx| {
            f(tx)?;
            match account {
                Some(account) => check_kept_rows(tx, account),
                None => Ok(()),
            }
        })
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
