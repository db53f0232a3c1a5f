//! One account's import: its report's findings as ASFF ([`super::findings`]), sorted
//! against what Security Hub has ([`super::select`]), the new and changed ones and the
//! archived ones sent by BatchImportFindings at most 100 a call; the findings a call
//! refuses (`FailedFindings`) are sent again, with backoff, up to the retries, and those
//! still refused are reported. What each call got accepted is in the history before the
//! next call; the import as a whole is recorded with the report, next to its
//! notification.

use std::collections::{BTreeMap, HashMap, HashSet};

use credreport_audit::render::Region;
use credreport_audit::Config;
use credreport_report::Timestamp;

use super::client::{CallError, Hub};
use super::findings::{self, Doc, Stored};
use super::select::{select, stamp};
use crate::fetch::wait::{Backoff, Jitter};
use crate::history::securityhub::{FailedFinding, HubScope, ImportRecord, Known};
use crate::history::History;

/// BatchImportFindings takes at most this many findings a call.
pub const BATCH: usize = 100;

/// Delays between tries of a call, or of the findings it refused.
pub const IMPORT_BACKOFF: Backoff = Backoff {
    initial: std::time::Duration::from_secs(1),
    max: std::time::Duration::from_secs(20),
};

/// What an import needs besides the history and the hub.
#[derive(Clone, Copy, Debug)]
pub struct ImportInput<'a> {
    /// Names the hub in the history (the endpoint's scheme and host, or `AWS`).
    pub destination: &'a str,
    pub account: &'a str,
    pub region: &'a Region,
    /// The audit configuration the review audits with.
    pub config: &'a Config,
    /// The report reviewed.
    pub report: Stored<'a>,
    pub now: Timestamp,
    /// Tries after the first, for a call and for the findings it refused.
    pub retries: u32,
    pub backoff: Backoff,
}

/// A finding to send, and what the history keeps of it once Security Hub takes it.
struct Outgoing {
    doc: Doc,
    kept: Known,
}

/// The resolved documents of the findings that are `gone` (by id, with the report each
/// was last sent from), rendered from those reports; the ids no report renders any more
/// (the audit configuration changed) are returned apart.
fn archived(
    history: &History,
    input: &ImportInput<'_>,
    gone: &BTreeMap<String, i64>,
) -> anyhow::Result<(Vec<Doc>, Vec<String>)> {
    let mut by_report: BTreeMap<i64, HashSet<&str>> = BTreeMap::new();
    for (id, report) in gone {
        by_report.entry(*report).or_default().insert(id.as_str());
    }
    let mut docs = Vec::new();
    for (report, ids) in by_report {
        let meta = history.report(report)?;
        let bytes = history.content(&meta)?;
        let earlier = Stored {
            id: report,
            bytes: &bytes,
            generated: meta.generated,
        };
        docs.extend(
            findings::resolved(input.config, input.region, earlier, input.report.generated)?
                .into_iter()
                .filter(|d| ids.contains(d.id.as_str())),
        );
    }
    let rendered: HashSet<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    let missing = gone
        .keys()
        .filter(|id| !rendered.contains(id.as_str()))
        .cloned()
        .collect();
    Ok((docs, missing))
}

/// Imports the account's findings; records the import (and what was accepted) in the
/// history and returns it. An `Err` is the history's or the report's, never Security
/// Hub's: its refusals are in the record.
pub async fn import(
    history: &History,
    hub: &Hub,
    input: ImportInput<'_>,
) -> anyhow::Result<ImportRecord> {
    let scope = HubScope {
        destination: input.destination,
        account: input.account,
        region: input.region.as_str(),
    };
    let known = history.hub_known(scope)?;
    let current = findings::current(input.config, input.region, input.report)?;
    let sel = select(current, &known);
    let (gone, missing) = archived(history, &input, &sel.gone)?;
    let mut record = ImportRecord {
        report_id: input.report.id,
        at: input.now,
        destination: input.destination.to_owned(),
        region: input.region.as_str().to_owned(),
        new: sel.new.len() as u64,
        changed: sel.changed.len() as u64,
        archived: gone.len() as u64,
        unchanged: sel.unchanged,
        failed: missing
            .into_iter()
            .map(|id| FailedFinding {
                id,
                code: "credreport:NotRendered".to_owned(),
                message: "the finding disappeared, but the report it was sent from no \
                          longer renders it with this audit configuration: archive it in \
                          Security Hub by hand"
                    .to_owned(),
            })
            .collect(),
        calls: 0,
        error: None,
    };
    let mut outgoing = Vec::new();
    for (docs, archive) in [(sel.new, false), (sel.changed, false), (gone, true)] {
        for mut doc in docs {
            let before = known.get(&doc.id);
            let origin = if archive {
                before.map_or(input.report.id, |k| k.report_id)
            } else {
                input.report.id
            };
            let kept = stamp(&mut doc, before, input.now, origin, archive);
            outgoing.push(Outgoing { doc, kept });
        }
    }
    let mut jitter = Jitter::default();
    for batch in outgoing.chunks(BATCH) {
        if let Err(e) = send(history, hub, scope, batch, &input, &mut jitter, &mut record).await {
            record.error = Some(e);
            break;
        }
    }
    history.add_import(&record)?;
    Ok(record)
}

/// Sends one batch, and again the findings it refused, up to the retries. A final error
/// (credentials, access) ends the import.
async fn send(
    history: &History,
    hub: &Hub,
    scope: HubScope<'_>,
    batch: &[Outgoing],
    input: &ImportInput<'_>,
    jitter: &mut Jitter,
    record: &mut ImportRecord,
) -> Result<(), String> {
    let mut pending: Vec<&Outgoing> = batch.iter().collect();
    let mut refused: HashMap<String, FailedFinding> = HashMap::new();
    let mut last_error = None;
    for attempt in 0..=input.retries {
        if attempt > 0 {
            tokio::time::sleep(input.backoff.delay(attempt - 1, jitter.next_unit())).await;
        }
        record.calls += 1;
        let docs: Vec<&serde_json::Value> = pending.iter().map(|o| &o.doc.value).collect();
        match hub.batch_import(&docs).await {
            Ok(failed) => {
                refused = failed.into_iter().map(|f| (f.id.clone(), f)).collect();
                let accepted: Vec<(String, Known)> = pending
                    .iter()
                    .filter(|o| !refused.contains_key(&o.doc.id))
                    .map(|o| (o.doc.id.clone(), o.kept.clone()))
                    .collect();
                history
                    .hub_accepted(scope, &accepted)
                    .map_err(|e| format!("the history: {e:#}"))?;
                pending.retain(|o| refused.contains_key(&o.doc.id));
                last_error = None;
                if pending.is_empty() {
                    return Ok(());
                }
                tracing::warn!(
                    account = scope.account,
                    refused = pending.len(),
                    attempt = attempt + 1,
                    "Security Hub refused findings"
                );
            }
            Err(CallError::Retry(e)) => {
                tracing::warn!(account = scope.account, attempt = attempt + 1, error = %e, "Security Hub call failed");
                last_error = Some(e);
            }
            Err(CallError::Final(e)) => return Err(e),
        }
    }
    for o in pending {
        record
            .failed
            .push(refused.remove(&o.doc.id).unwrap_or_else(|| FailedFinding {
                id: o.doc.id.clone(),
                code: "credreport:NoAnswer".to_owned(),
                message: last_error.clone().unwrap_or_default(),
            }));
    }
    Ok(())
}
