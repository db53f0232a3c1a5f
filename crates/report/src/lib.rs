//! The AWS IAM credential report format, done exactly as AWS does it.
//!
//! - [`Column`] and [`Edition`]: the 22 columns of the current report and the 16 of the
//!   legacy one (before April 2015, no `*_last_used_*` columns).
//! - [`Cell`]: a typed value — timestamp, boolean, text, or one of the sentinels `N/A`,
//!   `no_information`, `not_supported`, which stay distinct.
//! - [`ReportReader`]: a streaming, tolerant reader that finds columns by header name.
//! - [`ReportWriter`]: the canonical writer, byte for byte what AWS emits.
//!
//! This crate does no I/O of its own: it reads from any [`std::io::Read`] and writes to
//! any [`std::io::Write`] it is handed.
//!
//! ```
//! use credreport_report::{read_all, write_report, Column};
//!
//! let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_2_active,access_key_2_last_rotated,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n\
//! <root_account>,arn:aws:iam::123456789012:root,2014-10-15T16:31:25+00:00,not_supported,2015-04-20T17:41:10+00:00,not_supported,not_supported,TRUE,false,N/A,false,N/A,false,N/A,false,N/A";
//! let (rows, summary) = read_all(csv.as_bytes()).unwrap();
//! assert!(rows[0].is_root());
//! assert_eq!(rows[0].get(Column::MfaActive).and_then(|c| c.as_bool()), Some(true));
//! assert_eq!(summary.diagnostics.len(), 1); // TRUE is not how AWS spells it
//! let canonical = write_report(summary.edition, &rows).unwrap();
//! assert!(String::from_utf8(canonical).unwrap().ends_with(",true,false,N/A,false,N/A,false,N/A,false,N/A"));
//! ```
#![deny(missing_docs)]

mod cell;
mod column;
mod error;
mod lexer;
mod reader;
mod row;
mod timestamp;
mod writer;

pub use cell::{Cell, CellError, Sentinel};
pub use column::{CertField, Column, Edition, KeyField, Kind, Slot};
pub use error::{Diagnostic, DiagnosticKind, ReadError, ReadErrorKind};
pub use reader::{read_all, ReportReader, Rows, Summary};
pub use row::{is_root_arn, user_order, Row, ROOT_USER};
pub use timestamp::{Timestamp, TimestampForm};
pub use writer::{header_line, write_report, ReportWriter};
