//! `credreport demo`: an organization's three years of IAM history ([`story`]), then its
//! credential reports, their audit, and `credreport serve` on the result.

pub mod access;
pub mod requests;
pub mod story;
