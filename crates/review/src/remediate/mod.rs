//! Remediation, safe by default: findings into a plan of IAM calls (`--plan`, which
//! changes nothing), the plan applied with every credential re-checked just before its
//! call (`--apply`), and a run undone (`--undo`). Every call, made or skipped, is in the
//! history's audit trail.
//!
//! - [`plan`]: the plan file (JSON, versioned) and its strict reader.
//! - [`build`]: findings and the credentials' current state into a plan.
//! - [`apply`]: apply and undo.
//! - [`calls`]: the IAM calls, through the AWS SDK.
//! - [`allowlist`]: credentials never acted on.

pub mod allowlist;
pub mod apply;
pub mod build;
pub mod calls;
pub mod plan;
