//! A fetched report into the history: audited as of its generation time, stored (once),
//! and its entry returned.

use credreport_audit::Config;
use credreport_report::Timestamp;

use super::record::{audit_bytes, StoredFinding};
use super::store::{History, NewReport, ReportMeta, Source};

/// A stored report: its entry, whether it was new to the history, and its findings.
#[derive(Debug)]
pub struct Ingested {
    pub meta: ReportMeta,
    pub new: bool,
    pub findings: Vec<StoredFinding>,
}

/// Audits and stores `bytes`, the report of `account` generated at `generated`.
#[allow(clippy::too_many_arguments)]
pub fn ingest(
    history: &mut History,
    account: &str,
    generated: Timestamp,
    bytes: &[u8],
    config: &Config,
    source: Source,
    target: Option<&str>,
    now: Timestamp,
) -> anyhow::Result<Ingested> {
    let name = format!("fetched:{account}");
    let audited = audit_bytes(&name, bytes, config, generated)?;
    if let Some(named) = &audited.account {
        if named != account {
            anyhow::bail!("{name}: the report's ARNs name account {named}");
        }
    }
    let added = history.add_report(&NewReport {
        account,
        generated,
        bytes,
        source,
        target,
        audited: &audited,
        stored: now,
    })?;
    let meta = history.report(added.id)?;
    let findings = if added.existed {
        history.findings(added.id)?
    } else {
        audited.findings
    };
    Ok(Ingested {
        meta,
        new: !added.existed,
        findings,
    })
}
