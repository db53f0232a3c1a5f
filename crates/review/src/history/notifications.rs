//! The notifications a review sent (or failed to send), by report: a finding whose
//! notification failed is new again at the next review ([`History::previous_review`]).

use credreport_report::Timestamp;
use rusqlite::params;

use super::store::{to_i64, ts, History};

/// A notification a review sent (or failed to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub report_id: i64,
    pub at: Timestamp,
    /// Scheme and host only: a webhook's path is often its secret.
    pub destination: String,
    pub findings: u64,
    pub delivered: bool,
    pub attempts: u32,
    pub error: Option<String>,
}

impl History {
    /// Records a notification.
    pub fn add_notification(&self, n: &Notification) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO notifications (report_id, at, destination, findings, delivered, \
             attempts, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                n.report_id,
                n.at.unix(),
                n.destination,
                to_i64(n.findings),
                n.delivered,
                n.attempts,
                n.error
            ],
        )?;
        Ok(())
    }

    /// Whether a notification about `report_id` was due and never delivered.
    pub fn notification_pending(&self, report_id: i64) -> anyhow::Result<bool> {
        let (failed, delivered): (i64, i64) = self.conn.query_row(
            "SELECT count(*) FILTER (WHERE delivered = 0), count(*) FILTER (WHERE delivered = 1) \
             FROM notifications WHERE report_id = ?1",
            params![report_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(failed > 0 && delivered == 0)
    }

    /// The notifications about `report_id`.
    pub fn notifications(&self, report_id: i64) -> anyhow::Result<Vec<Notification>> {
        let mut stmt = self.conn.prepare(
            "SELECT report_id, at, destination, findings, delivered, attempts, error \
             FROM notifications WHERE report_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![report_id], |r| {
            Ok(Notification {
                report_id: r.get(0)?,
                at: ts(r.get(1)?),
                destination: r.get(2)?,
                findings: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
                delivered: r.get(4)?,
                attempts: r.get(5)?,
                error: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
