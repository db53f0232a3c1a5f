//! What reviews sent to AWS Security Hub: each import (by report, next to its
//! notification), the findings Security Hub refused, and per destination, account and
//! Region the last version of each finding it accepted, which is how the next review
//! knows what is new, changed, unchanged or gone.

use std::collections::BTreeMap;

use credreport_report::Timestamp;
use rusqlite::params;

use super::store::{to_i64, ts, History};

/// One account's findings in one Security Hub: where (the endpoint, or `AWS`), whose,
/// which Region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HubScope<'a> {
    pub destination: &'a str,
    pub account: &'a str,
    pub region: &'a str,
}

/// A finding as Security Hub last accepted it from a review.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Known {
    /// The SHA-256 of its ASFF document without its timestamps.
    pub digest: String,
    /// Sent with `RecordState` ARCHIVED.
    pub archived: bool,
    /// Its `CreatedAt`: when it was first sent.
    pub created: Timestamp,
    /// Its `UpdatedAt` then.
    pub updated: Timestamp,
    /// The report it was made from.
    pub report_id: i64,
}

/// A finding Security Hub did not take, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedFinding {
    pub id: String,
    pub code: String,
    pub message: String,
}

/// One import of one account's findings, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRecord {
    pub report_id: i64,
    pub at: Timestamp,
    /// The endpoint (scheme and host), or `AWS`.
    pub destination: String,
    pub region: String,
    /// Findings sent for the first time (or again after they were archived).
    pub new: u64,
    /// Findings sent again because their document changed.
    pub changed: u64,
    /// Findings that disappeared, sent with `RecordState` ARCHIVED.
    pub archived: u64,
    /// Findings Security Hub has as they are: not sent.
    pub unchanged: u64,
    /// Findings still refused after the retries (also in `failures`).
    pub failed: Vec<FailedFinding>,
    /// BatchImportFindings calls made.
    pub calls: u32,
    /// Why the import stopped, if it did (credentials, Security Hub not enabled).
    pub error: Option<String>,
}

impl ImportRecord {
    /// Whether everything that was to be sent was accepted.
    pub fn complete(&self) -> bool {
        self.failed.is_empty() && self.error.is_none()
    }
}

impl History {
    /// What Security Hub has of this scope's findings, by finding id.
    pub fn hub_known(&self, scope: HubScope<'_>) -> anyhow::Result<BTreeMap<String, Known>> {
        let mut stmt = self.conn.prepare(
            "SELECT finding_id, digest, archived, created, updated, report_id \
             FROM securityhub_findings WHERE destination = ?1 AND account = ?2 AND region = ?3",
        )?;
        let rows = stmt.query_map(
            params![scope.destination, scope.account, scope.region],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    Known {
                        digest: r.get(1)?,
                        archived: r.get(2)?,
                        created: ts(r.get(3)?),
                        updated: ts(r.get(4)?),
                        report_id: r.get(5)?,
                    },
                ))
            },
        )?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records what one BatchImportFindings call got accepted, in one transaction.
    pub fn hub_accepted(
        &self,
        scope: HubScope<'_>,
        accepted: &[(String, Known)],
    ) -> anyhow::Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        {
            let mut upsert = tx.prepare(
                "INSERT INTO securityhub_findings (destination, account, region, finding_id, \
                 digest, archived, created, updated, report_id) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
                 ON CONFLICT (destination, account, region, finding_id) DO UPDATE SET \
                 digest = ?5, archived = ?6, created = ?7, updated = ?8, report_id = ?9",
            )?;
            for (id, k) in accepted {
                upsert.execute(params![
                    scope.destination,
                    scope.account,
                    scope.region,
                    id,
                    k.digest,
                    k.archived,
                    k.created.unix(),
                    k.updated.unix(),
                    k.report_id
                ])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records an import and its failures; returns its id.
    pub fn add_import(&self, i: &ImportRecord) -> anyhow::Result<i64> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO securityhub_imports (report_id, at, destination, region, new, changed, \
             archived, unchanged, failed, calls, error) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                i.report_id,
                i.at.unix(),
                i.destination,
                i.region,
                to_i64(i.new),
                to_i64(i.changed),
                to_i64(i.archived),
                to_i64(i.unchanged),
                to_i64(i.failed.len() as u64),
                i.calls,
                i.error
            ],
        )?;
        let id = tx.last_insert_rowid();
        for f in &i.failed {
            tx.execute(
                "INSERT OR REPLACE INTO securityhub_failures (import_id, finding_id, code, message) \
                 VALUES (?1, ?2, ?3, ?4)",
                params![id, f.id, f.code, f.message],
            )?;
        }
        tx.commit()?;
        Ok(id)
    }

    /// The imports of `report_id`'s findings, oldest first, with their failures.
    pub fn imports(&self, report_id: i64) -> anyhow::Result<Vec<ImportRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, report_id, at, destination, region, new, changed, archived, unchanged, \
             calls, error FROM securityhub_imports WHERE report_id = ?1 ORDER BY id",
        )?;
        let n = |r: &rusqlite::Row<'_>, i: usize| -> rusqlite::Result<u64> {
            Ok(u64::try_from(r.get::<_, i64>(i)?).unwrap_or(0))
        };
        let rows = stmt.query_map(params![report_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                ImportRecord {
                    report_id: r.get(1)?,
                    at: ts(r.get(2)?),
                    destination: r.get(3)?,
                    region: r.get(4)?,
                    new: n(r, 5)?,
                    changed: n(r, 6)?,
                    archived: n(r, 7)?,
                    unchanged: n(r, 8)?,
                    failed: Vec::new(),
                    calls: r.get(9)?,
                    error: r.get(10)?,
                },
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, mut record) = row?;
            let mut failures = self.conn.prepare(
                "SELECT finding_id, code, message FROM securityhub_failures \
                 WHERE import_id = ?1 ORDER BY finding_id",
            )?;
            record.failed = failures
                .query_map(params![id], |r| {
                    Ok(FailedFinding {
                        id: r.get(0)?,
                        code: r.get(1)?,
                        message: r.get(2)?,
                    })
                })?
                .collect::<Result<_, _>>()?;
            out.push(record);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text.as_bytes()).expect("time").0
    }

    #[test]
    fn accepted_findings_and_imports_read_back_by_scope() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mut history = History::open(dir.path()).expect("history");
        let t = at("2026-03-01T09:00:00Z");
        let audited = crate::history::record::Audited {
            account: Some("123456789012".into()),
            rows: 0,
            findings: Vec::new(),
            as_of: t,
        };
        let report = history
            .add_report(&crate::history::store::NewReport {
                account: "123456789012",
                generated: t,
                bytes: b"x",
                source: crate::history::Source::Review,
                target: None,
                audited: &audited,
                stored: t,
            })
            .expect("report")
            .id;
        let scope = HubScope {
            destination: "AWS",
            account: "123456789012",
            region: "eu-west-1",
        };
        let known = Known {
            digest: "d1".into(),
            archived: false,
            created: t,
            updated: t,
            report_id: report,
        };
        history
            .hub_accepted(scope, &[("a".into(), known.clone())])
            .expect("accepted");
        let archived = Known {
            archived: true,
            updated: at("2026-03-02T09:00:00Z"),
            ..known.clone()
        };
        history
            .hub_accepted(scope, &[("a".into(), archived.clone())])
            .expect("again");
        let got = history.hub_known(scope).expect("known");
        assert_eq!(got.get("a"), Some(&archived), "the last accepted version");
        let elsewhere = HubScope {
            region: "us-east-1",
            ..scope
        };
        assert!(history.hub_known(elsewhere).expect("known").is_empty());

        let record = ImportRecord {
            report_id: report,
            at: t,
            destination: "AWS".into(),
            region: "eu-west-1".into(),
            new: 3,
            changed: 1,
            archived: 1,
            unchanged: 7,
            failed: vec![FailedFinding {
                id: "b".into(),
                code: "InvalidInput".into(),
                message: "no".into(),
            }],
            calls: 2,
            error: None,
        };
        history.add_import(&record).expect("import");
        assert_eq!(
            history.imports(report).expect("imports"),
            std::slice::from_ref(&record)
        );
        assert!(!record.complete());
    }
}
