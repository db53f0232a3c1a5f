//! The writes that bypass `Tx` transactions ([`Store`](crate::store::Store)'s usage
//! recording and sign-in failures), once for both backends. Each backend runs them on a
//! connection of its own, in a transaction where it takes more than one statement.

use credreport_report::Timestamp;

use super::records::SIGN_IN_FAILURE;
use super::{sql, values, Backend, SqlTx};
use crate::error::Result;
use crate::ids::AccountId;
use crate::model::{KeyUse, Owner};

impl<B: Backend> SqlTx<B> {
    /// Sets a key's last use to `used` unless the stored one is less than `window_secs`
    /// older; answers whether it did.
    pub(crate) fn record_key_use(
        &mut self,
        key_id: &str,
        used: &KeyUse,
        window_secs: i64,
    ) -> Result<bool> {
        let n = self.exec(
            sql!(
                "UPDATE access_keys SET last_used = ?2, last_used_region = ?3,
                 last_used_service = ?4 WHERE key_id = ?1
                 AND (last_used IS NULL OR last_used <= CAST(?2 AS BIGINT) - CAST(?5 AS BIGINT))"
            ),
            &values![
                key_id,
                used.at,
                used.region.as_str(),
                used.service.as_str(),
                window_secs
            ],
        )?;
        Ok(n == 1)
    }

    /// The same for a console password: the root's, or a user's.
    pub(crate) fn record_password_use(
        &mut self,
        account: &AccountId,
        owner: &Owner,
        at: Timestamp,
        window_secs: i64,
    ) -> Result<bool> {
        let n = match owner {
            Owner::Root => self.exec(
                sql!(
                    "UPDATE accounts SET root_password_last_used = ?2 WHERE id = ?1
                     AND (root_password_last_used IS NULL
                          OR root_password_last_used <= CAST(?2 AS BIGINT) - CAST(?3 AS BIGINT))"
                ),
                &values![account, at, window_secs],
            )?,
            Owner::User(user_id) => self.exec(
                sql!(
                    "UPDATE users SET password_last_used = ?3
                     WHERE account_id = ?1 AND user_id = ?2
                     AND (password_last_used IS NULL
                          OR password_last_used <= CAST(?3 AS BIGINT) - CAST(?4 AS BIGINT))"
                ),
                &values![account, user_id.as_str(), at, window_secs],
            )?,
        };
        Ok(n == 1)
    }

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
