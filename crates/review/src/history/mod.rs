//! The review history: every report fetched, reviewed or added, with its audit, in one
//! embedded SQLite file (`DIR/history.db`), and the remediation runs' audit trail.
//!
//! - [`store`]: the file, its schema and its records (`History`).
//! - [`record`]: audits a report's bytes into what the history keeps (`Audited`).
//! - [`diff`]: two stored reports compared: findings appeared, disappeared, persisted.
//! - [`changes`]: the credential changes between two reports (users, keys, passwords).
//! - [`trend`]: findings by severity over time, as a table, JSON or an HTML chart.

pub mod changes;
pub mod diff;
pub mod ingest;
pub mod record;
pub mod store;
pub mod trend;

pub use record::{audit_bytes, StoredFinding};
pub use store::{History, ReportMeta};

/// Where the history lives when `--history` is not given.
pub const DEFAULT_DIR: &str = "./credreport-history";
