//! Backups of the SQLite store: one file, an online and consistent copy of the database
//! and the report files it names, and its restoration.
//!
//! The copy is `VACUUM INTO` (one snapshot of the database, taken while writers go on),
//! then the report files that snapshot names, read into a table of the copy. A file that
//! a newer report replaced in the meantime is gone; the backup then starts again (a report
//! is replaced at most once in four hours per account, so it settles at once). The master
//! key is not in the backup: the copy holds only sealed secrets, and the key must be kept
//! apart from them.

use std::fs::File;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection};

use super::report_files::{Read, ReportFiles};
use super::sqlite::{connect, sql_error as sql, SqliteStore};
use crate::error::{Error, Result};
use crate::ids::AccountId;

/// How many times a backup starts again when reports keep being replaced under it.
const ATTEMPTS: usize = 4;

/// What a backup or a restore holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BackupSummary {
    /// Accounts in the store.
    pub accounts: usize,
    /// Stored credential reports.
    pub reports: usize,
}

fn temporary(beside: &Path) -> Result<PathBuf> {
    let token = crate::secret::random_bytes(6).map_err(|e| Error::internal(e.to_string()))?;
    let token: String = token.iter().map(|b| format!("{b:02x}")).collect();
    let mut name = beside.as_os_str().to_owned();
    name.push(format!(".{token}.tmp"));
    Ok(name.into())
}

fn io(path: &Path, e: &std::io::Error) -> Error {
    Error::internal(format!("{}: {e}", path.display()))
}

/// Makes `path`'s bytes and its directory entry durable.
fn sync(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io(path, &e))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        File::open(dir)
            .and_then(|f| f.sync_all())
            .map_err(|e| io(dir, &e))?;
    }
    Ok(())
}

fn summary(conn: &Connection) -> Result<BackupSummary> {
    let count = |q: &str| -> Result<usize> {
        let n: i64 = conn.query_row(q, [], |r| r.get(0)).map_err(sql)?;
        Ok(usize::try_from(n).unwrap_or(0))
    };
    Ok(BackupSummary {
        accounts: count("SELECT count(*) FROM accounts")?,
        // Stored reports: of kept rows (in the copy's tables) or bytes stored whole (in
        // the files the copy carries).
        reports: count("SELECT count(*) FROM reports WHERE generated IS NOT NULL")?,
    })
}

impl SqliteStore {
    /// Writes an online, consistent backup of the store to `to` (whole or not at all).
    pub fn backup_to(&self, to: &Path) -> Result<BackupSummary> {
        let files = ReportFiles::beside(self.path());
        for _ in 0..ATTEMPTS {
            let tmp = temporary(to)?;
            let done = self.try_backup(&files, &tmp);
            match done {
                Ok(Some(summary)) => {
                    sync(&tmp)?;
                    std::fs::rename(&tmp, to).map_err(|e| io(to, &e))?;
                    sync(to)?;
                    return Ok(summary);
                }
                Ok(None) => {
                    let _ = std::fs::remove_file(&tmp);
                }
                Err(e) => {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(e);
                }
            }
        }
        Err(Error::internal(
            "credential reports kept being replaced during the backup; try again",
        ))
    }

    /// One attempt: `None` when a report file the snapshot names was replaced meanwhile.
    fn try_backup(&self, files: &ReportFiles, tmp: &Path) -> Result<Option<BackupSummary>> {
        let tmp_text = tmp
            .to_str()
            .ok_or_else(|| Error::internal(format!("{}: not a UTF-8 path", tmp.display())))?;
        // VACUUM INTO takes an empty file: made 0600 first, the backup stays private.
        crate::private::create_new(tmp).map_err(|e| io(tmp, &e))?;
        connect(self.path())?
            .execute("VACUUM INTO ?1", [tmp_text])
            .map_err(sql)?;
        let copy = Connection::open(tmp).map_err(sql)?;
        copy.execute_batch(
            "CREATE TABLE backup_report_files (file TEXT PRIMARY KEY, content BLOB NOT NULL)",
        )
        .map_err(sql)?;
        let named: Vec<(String, i64)> = copy
            .prepare("SELECT file, length FROM report_files")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .map_err(sql)?;
        for (file, length) in named {
            let Read::Bytes(bytes) = files.read(&file, u64::try_from(length).unwrap_or(0))? else {
                return Ok(None);
            };
            copy.execute(
                "INSERT INTO backup_report_files (file, content) VALUES (?1, ?2)",
                params![file, bytes],
            )
            .map_err(sql)?;
        }
        let s = summary(&copy)?;
        copy.close().map_err(|(_, e)| sql(e))?;
        Ok(Some(s))
    }

    /// Restores a backup into the database file `db`, which must not exist yet, and its
    /// report files beside it.
    pub fn restore_from(backup: &Path, db: &Path) -> Result<BackupSummary> {
        if db.exists() {
            return Err(Error::internal(format!(
                "{}: a store is already there; restore into a new directory",
                db.display()
            )));
        }
        let tmp = temporary(db)?;
        std::fs::copy(backup, &tmp).map_err(|e| io(backup, &e))?;
        // A copy keeps its source's mode: the restored store is private whatever the
        // backup file's was.
        crate::private::restrict(&tmp).map_err(|e| io(&tmp, &e))?;
        let result = (|| {
            let conn = Connection::open(&tmp).map_err(sql)?;
            let files = ReportFiles::beside(db);
            let rows: Vec<(String, String, Vec<u8>, i64)> = conn
                .prepare(
                    "SELECT r.account_id, r.file, b.content, r.length FROM report_files r
                     JOIN backup_report_files b ON b.file = r.file",
                )
                .and_then(|mut s| {
                    s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                        .collect()
                })
                .map_err(|e| {
                    Error::internal(format!(
                        "{}: not a credreport backup: {e}",
                        backup.display()
                    ))
                })?;
            for (account, file, content, length) in rows {
                if i64::try_from(content.len()).ok() != Some(length) {
                    return Err(Error::internal(format!(
                        "{}: the report {file} holds {} bytes, the store recorded {length}",
                        backup.display(),
                        content.len()
                    )));
                }
                let id = AccountId::parse(&account)
                    .ok_or_else(|| Error::internal(format!("bad account id {account}")))?;
                let name = files.write(&id, &content)?;
                conn.execute(
                    "UPDATE report_files SET file = ?2 WHERE account_id = ?1",
                    params![account, name],
                )
                .map_err(sql)?;
            }
            conn.execute_batch("DROP TABLE backup_report_files; VACUUM;")
                .map_err(sql)?;
            let s = summary(&conn)?;
            conn.close().map_err(|(_, e)| sql(e))?;
            Ok(s)
        })();
        match result {
            Ok(s) => {
                sync(&tmp)?;
                std::fs::rename(&tmp, db).map_err(|e| io(db, &e))?;
                sync(db)?;
                // The restored store opens as any other (migrations, checks).
                SqliteStore::open(db)?;
                Ok(s)
            }
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }
}
