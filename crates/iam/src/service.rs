//! [`Iam`]: the operations of the domain, with their rules, over a [`Store`].
//!
//! Each group of operations lives in its own module (`accounts`, `users`, `passwords`,
//! `console`, `keys`, `mfa`, `certs`, `policies`, `reports`) as an `impl Iam` block.

use std::sync::Arc;

use credreport_report::Timestamp;

use crate::authorizing::ParsedPolicies;
use crate::clock::Clock;
use crate::console::ConsoleState;
use crate::current_reports::CurrentReports;
use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::model::{Account, Owner, User};
use crate::password::PasswordHasher;
use crate::secret::MasterKey;
use crate::signing_keys::SigningKeys;
use crate::store::{self, Change, Store, Tx};
use crate::usage::{Windows, KEY_WINDOW_SECS, PASSWORD_WINDOW_SECS};

/// Operator settings of the domain.
#[derive(Clone, Debug)]
pub struct IamConfig {
    /// Reports older than this many seconds answer ReportExpired; `None` (IAM's behaviour
    /// as observed) never expires them.
    pub report_max_age_secs: Option<i64>,
    /// A report build that started this many seconds ago and never finished is taken to
    /// have died with its process, and is started again.
    pub build_lease_secs: i64,
    /// TOTP steps of clock drift accepted either side of now.
    pub mfa_skew_steps: u64,
}

impl IamConfig {
    /// IAM's behaviour: no report expiry, a 5-minute build lease, one TOTP step of drift.
    pub fn standard() -> IamConfig {
        IamConfig {
            report_max_age_secs: None,
            build_lease_secs: 300,
            mfa_skew_steps: 1,
        }
    }
}

/// The IAM domain. Cheap to clone; clones share everything.
#[derive(Clone, Debug)]
pub struct Iam {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    master_key: MasterKey,
    hasher: PasswordHasher,
    key_windows: Windows,
    password_windows: Windows,
    access_windows: Windows,
    role_windows: Windows,
    signing_keys: SigningKeys,
    current_reports: CurrentReports,
    console: ConsoleState,
    config: IamConfig,
    parsed: ParsedPolicies,
}

/// One page of a listing.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Where the next page starts, when there is one (an opaque marker).
    pub next: Option<String>,
}

impl Iam {
    /// The domain over `store`, with secrets sealed by `master_key`.
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        master_key: MasterKey,
        hasher: PasswordHasher,
        config: IamConfig,
    ) -> Iam {
        Iam {
            inner: Arc::new(Inner {
                store,
                clock,
                master_key,
                hasher,
                key_windows: Windows::new(KEY_WINDOW_SECS),
                password_windows: Windows::new(PASSWORD_WINDOW_SECS),
                access_windows: Windows::new(KEY_WINDOW_SECS),
                role_windows: Windows::new(KEY_WINDOW_SECS),
                signing_keys: SigningKeys::default(),
                current_reports: CurrentReports::default(),
                console: ConsoleState::default(),
                config,
                parsed: ParsedPolicies::default(),
            }),
        }
    }

    /// Keeps what this process holds of access keys and of current reports in step with
    /// changes other processes make to the store, where the store announces them (see
    /// [`Store::watch_changes`]). A server on a store shared by several instances calls it
    /// once at start.
    pub fn watch_store(&self) -> Result<()> {
        let inner = Arc::downgrade(&self.inner);
        let announced = self.store().watch_changes(Arc::new(move |change| {
            let Some(inner) = inner.upgrade() else {
                return;
            };
            match change {
                Change::Key(id) => inner.signing_keys.forget(id),
                Change::Report(account) => inner.current_reports.forget(account),
                Change::Lost => {
                    inner.signing_keys.forget_all();
                    inner.current_reports.unannounced();
                }
                Change::Listening => {
                    inner.signing_keys.forget_all();
                    inner.current_reports.announced();
                }
            }
        }))?;
        if announced {
            self.inner.current_reports.announced();
        }
        Ok(())
    }

    /// The policy documents parsed so far, kept for the next requests.
    pub(crate) fn parsed_policies(&self) -> &ParsedPolicies {
        &self.inner.parsed
    }

    /// The current instant of the domain's clock.
    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    pub(crate) fn config(&self) -> &IamConfig {
        &self.inner.config
    }

    pub(crate) fn master_key(&self) -> &MasterKey {
        &self.inner.master_key
    }

    pub(crate) fn hasher(&self) -> &PasswordHasher {
        &self.inner.hasher
    }

    pub(crate) fn key_windows(&self) -> &Windows {
        &self.inner.key_windows
    }

    pub(crate) fn signing_keys(&self) -> &SigningKeys {
        &self.inner.signing_keys
    }

    pub(crate) fn current_reports(&self) -> &CurrentReports {
        &self.inner.current_reports
    }

    pub(crate) fn password_windows(&self) -> &Windows {
        &self.inner.password_windows
    }

    /// Last-accessed data's windows, by principal id and action.
    pub(crate) fn access_windows(&self) -> &Windows {
        &self.inner.access_windows
    }

    /// RoleLastUsed's windows, by role id.
    pub(crate) fn role_windows(&self) -> &Windows {
        &self.inner.role_windows
    }

    pub(crate) fn console_state(&self) -> &ConsoleState {
        &self.inner.console
    }

    pub(crate) fn read<T>(&self, f: impl FnMut(&mut dyn Tx) -> Result<T>) -> Result<T> {
        store::read(self.store(), f)
    }

    pub(crate) fn write<T>(
        &self,
        account: &AccountId,
        f: impl FnMut(&mut dyn Tx) -> Result<T>,
    ) -> Result<T> {
        store::write(self.store(), Some(account), f)
    }

    /// [`Iam::write`] of a change worth nothing after a crash ([`Store::write_unsynced`]).
    ///
    /// [`Store::write_unsynced`]: crate::store::Store::write_unsynced
    pub(crate) fn write_unsynced<T>(
        &self,
        account: &AccountId,
        f: impl FnMut(&mut dyn Tx) -> Result<T>,
    ) -> Result<T> {
        store::write_unsynced(self.store(), Some(account), f)
    }
}

/// A list call's MaxItems: 1 to 1000.
pub(crate) fn check_max_items(max_items: usize) -> Result<()> {
    if (1..=1000).contains(&max_items) {
        return Ok(());
    }
    let c = if max_items == 0 {
        crate::error::Constraint::MinValue(1)
    } else {
        crate::error::Constraint::MaxValue(1000)
    };
    Err(Error::validation("maxItems", c))
}

/// The account, or an error naming it.
pub(crate) fn require_account(tx: &mut dyn Tx, id: &AccountId) -> Result<Account> {
    tx.account(id)?
        .ok_or_else(|| Error::NoSuchEntity(format!("The account {id} cannot be found.")))
}

/// The user by name, or IAM's NoSuchEntity.
pub(crate) fn require_user(tx: &mut dyn Tx, account: &AccountId, name: &str) -> Result<User> {
    tx.user_by_name(account, name)?
        .ok_or_else(|| Error::no_such_user(name))
}

/// Checks that a credential owner exists (the root always does).
pub(crate) fn require_owner(tx: &mut dyn Tx, account: &AccountId, owner: &Owner) -> Result<()> {
    match owner {
        Owner::Root => require_account(tx, account).map(drop),
        Owner::User(id) => match tx.user_by_id(account, id)? {
            Some(_) => Ok(()),
            None => Err(Error::NoSuchEntity(format!(
                "The user with id {id} cannot be found."
            ))),
        },
    }
}
