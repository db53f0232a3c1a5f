//! The review history: every report fetched, reviewed or added, with its audit, in one
//! embedded SQLite file (`DIR/history.db`), remediation's audit trail, and the
//! notifications reviews sent.
//!
//! - [`store`]: the file and its reports (`History`, `Source`); [`schema`]: its
//!   migrations.
//! - [`record`]: audits a report's bytes into what the history keeps (`Audited`): the
//!   audit's own finding types.
//! - [`ingest`]: a fetched report into the history.
//! - [`trail`]: remediation runs and their calls; [`notifications`]: what reviews sent;
//!   [`securityhub`]: what reviews imported into AWS Security Hub.
//! - [`diff`]: two stored reports compared with the audit's comparison: findings
//!   appeared, disappeared, persisted.
//! - [`changes`]: the credential changes between two reports (users, keys, passwords).
//! - [`trend`]: findings by severity over time, as a table, JSON or an HTML chart.
//! - [`view`]: the history as `credreport history` shows it (tables and JSON).

pub mod changes;
pub mod diff;
pub mod ingest;
pub mod notifications;
pub mod record;
pub mod schema;
pub mod securityhub;
pub mod store;
pub mod trail;
pub mod trend;
pub mod view;

pub use record::{audit_bytes, StoredFinding};
pub use store::{History, ReportMeta, Source};

/// Where the history lives when `--history` is not given.
pub const DEFAULT_DIR: &str = "./credreport-history";
