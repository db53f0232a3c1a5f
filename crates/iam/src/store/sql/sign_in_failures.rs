//! The writes that bypass `Tx` transactions ([`Store`](crate::store::Store)'s sign-in
//! failures), once for both backends. Each backend runs them on a connection of its own,
//! in a transaction where it takes more than one statement.

use credreport_report::Timestamp;

use super::records::SIGN_IN_FAILURE;
use super::{sql, values, Backend, SqlTx};
use crate::error::Result;

impl<B: Backend> SqlTx<B> {
    /// The failed sign-ins under `key` at or after `since`.
    pub(crate) fn sign_in_failures(
        &mut self,
        key: &str,
        since: Timestamp,
    ) -> Result<Vec<Timestamp>> {
        self.all(
            sql!("SELECT key, at FROM sign_in_failures WHERE key = ?1 AND at >= ?2"),
            &values![key, since],
            &SIGN_IN_FAILURE,
        )
    }

    /// Records a failed sign-in under `key`, and forgets every one before `forget_before`
    /// (two statements: the caller runs them in one transaction).
    pub(crate) fn record_sign_in_failure(
        &mut self,
        key: &str,
        at: Timestamp,
        forget_before: Timestamp,
    ) -> Result<()> {
        self.exec(
            sql!("DELETE FROM sign_in_failures WHERE at < ?1"),
            &values![forget_before],
        )?;
        self.run(
            sql!("INSERT INTO sign_in_failures (key, at) VALUES (?1, ?2)"),
            &values![key, at],
        )
    }

    /// Forgets the failures under `key`.
    pub(crate) fn clear_sign_in_failures(&mut self, key: &str) -> Result<()> {
        self.run(
            sql!("DELETE FROM sign_in_failures WHERE key = ?1"),
            &values![key],
        )
    }
}
