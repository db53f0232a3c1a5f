//! The SQLite store's report bytes: one file per stored report, in a directory beside the
//! database file (`iam.db` -> `iam.db-reports/`).
//!
//! A report is megabytes written once and read whole. Kept in SQLite it went through the
//! WAL in 4 KiB pages and back into the database file, and replacing it freed and
//! reallocated every page: that handling cost as much as the disk. Here a build writes a
//! new file under a name never used before and makes it durable (the file, then the
//! directory entry) before the transaction that names it commits; the previous file is
//! removed after that commit. So the row in `report_files` only ever names a complete,
//! durable file, and state and bytes change together when the row does.
//!
//! What can go wrong, and what happens:
//! - The process dies between the file and the commit: the file is named by no row (an
//!   orphan). [`ReportFiles::sweep`] removes orphans once they are older than
//!   [`ORPHAN_AGE`] (a younger one may belong to a transaction still running in another
//!   process on the same store).
//! - A reader's snapshot names a file that a newer report has replaced and removed: the
//!   read finds it gone and the store runs the read again on a fresh snapshot.
//! - The process dies before a replaced file is removed (removals run on a thread of
//!   their own, after the commit): the file is an orphan too.
//! - The file is shorter or longer than the row says (it was tampered with): an error,
//!   never a wrong report.

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Sender};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};
use crate::ids::AccountId;
use crate::secret::random_bytes;

/// An unnamed report file younger than this may belong to a transaction still running.
pub(super) const ORPHAN_AGE: Duration = Duration::from_secs(600);

/// The extension of a report file; the sweep touches nothing else in the directory.
const EXTENSION: &str = "csv";

/// The directory of a store's report files.
#[derive(Debug)]
pub(super) struct ReportFiles {
    dir: PathBuf,
    /// The removal thread's queue, once started ([`ReportFiles::remove_later`]).
    remover: Mutex<Option<Sender<PathBuf>>>,
}

/// A report file read back: its bytes, or the news that it is gone.
pub(super) enum Read {
    Bytes(Vec<u8>),
    /// Removed since the reader's snapshot named it (a newer report replaced it).
    Gone,
}

impl ReportFiles {
    /// The directory beside the database file `db` (created on first use).
    pub(super) fn beside(db: &Path) -> ReportFiles {
        let mut dir = db.as_os_str().to_owned();
        dir.push("-reports");
        ReportFiles {
            dir: dir.into(),
            remover: Mutex::new(None),
        }
    }

    /// Writes `content` to a new file for `account` and makes it durable, directory entry
    /// included. Answers the file's name, for the row that will name it.
    pub(super) fn write(&self, account: &AccountId, content: &[u8]) -> Result<String> {
        let token = random_bytes(8).map_err(|e| Error::internal(e.to_string()))?;
        let token: String = token.iter().map(|b| format!("{b:02x}")).collect();
        let name = format!("{account}-{token}.{EXTENSION}");
        let path = self.dir.join(&name);
        (|| {
            crate::private::create_dir(&self.dir)?;
            let mut file = crate::private::create_new(&path)?;
            file.write_all(content)?;
            file.sync_data()?;
            File::open(&self.dir)?.sync_all()
        })()
        .map_err(|e| self.error(&name, &e))?;
        Ok(name)
    }

    /// The file `name`, which the row says holds `len` bytes.
    pub(super) fn read(&self, name: &str, len: u64) -> Result<Read> {
        let bytes = match fs::read(self.dir.join(name)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Read::Gone),
            Err(e) => return Err(self.error(name, &e)),
        };
        if bytes.len() as u64 != len {
            return Err(Error::internal(format!(
                "{}: {} bytes where the store recorded {len}",
                self.dir.join(name).display(),
                bytes.len()
            )));
        }
        Ok(Read::Bytes(bytes))
    }

    /// Removes the file `name`. Best effort: a file left behind is an orphan for the sweep.
    pub(super) fn remove(&self, name: &str) {
        let _ = fs::remove_file(self.dir.join(name));
    }

    /// Removes the file `name` soon, on a thread of its own: unlinking a report's megabytes
    /// costs the file system about a millisecond, which the build that replaced it need not
    /// wait for. The thread ends when the store is dropped, after the removals queued.
    pub(super) fn remove_later(&self, name: &str) {
        let path = self.dir.join(name);
        let Ok(mut remover) = self.remover.lock() else {
            let _ = fs::remove_file(path);
            return;
        };
        if remover.is_none() {
            let (queue, queued) = channel::<PathBuf>();
            let started = std::thread::Builder::new()
                .name("report-file-removal".into())
                .spawn(move || {
                    for path in queued {
                        let _ = fs::remove_file(path);
                    }
                });
            if started.is_ok() {
                *remover = Some(queue);
            }
        }
        let unsent = match remover.as_ref() {
            Some(queue) => queue.send(path).err().map(|e| e.0),
            None => Some(path),
        };
        if let Some(path) = unsent {
            let _ = fs::remove_file(path); // No thread: at once.
        }
    }

    /// Removes the report files that no row names (`named`) and that are older than
    /// `min_age`. Answers how many it removed.
    pub(super) fn sweep(&self, named: &HashSet<String>, min_age: Duration) -> usize {
        let Ok(entries) = fs::read_dir(&self.dir) else {
            return 0; // No directory yet: no report was ever written.
        };
        let now = SystemTime::now();
        let mut removed = 0;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let ours = Path::new(name)
                .extension()
                .is_some_and(|ext| ext == EXTENSION);
            if !ours || named.contains(name) {
                continue;
            }
            let age = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|modified| now.duration_since(modified).ok());
            if age.is_some_and(|age| age >= min_age) && fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    fn error(&self, name: &str, e: &io::Error) -> Error {
        Error::internal(format!("{}: {e}", self.dir.join(name).display()))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // A failed set-up is a failed test.

    use super::*;

    fn account() -> AccountId {
        AccountId::parse("123456789012").unwrap()
    }

    #[test]
    fn a_written_file_reads_back_and_each_write_gets_a_new_name() {
        let dir = tempfile::tempdir().unwrap();
        let files = ReportFiles::beside(&dir.path().join("iam.db"));
        let first = files.write(&account(), b"user,arn\n").unwrap();
        let second = files.write(&account(), b"user,arn\n").unwrap();
        assert_ne!(first, second);
        assert!(first.starts_with("123456789012-") && first.ends_with(".csv"));
        assert!(dir.path().join("iam.db-reports").join(&first).is_file());
        match files.read(&first, 9).unwrap() {
            Read::Bytes(bytes) => assert_eq!(bytes, b"user,arn\n"),
            Read::Gone => panic!("gone"),
        }
        files.remove(&first);
        assert!(matches!(files.read(&first, 9).unwrap(), Read::Gone));
        files.remove_later(&second);
        let removed = credreport_testkit::eventually(|| {
            !dir.path().join("iam.db-reports").join(&second).exists()
        });
        assert!(removed, "not removed within 5 s");
    }

    #[test]
    fn a_file_of_another_length_than_recorded_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let files = ReportFiles::beside(&dir.path().join("iam.db"));
        let name = files.write(&account(), b"user,arn\n").unwrap();
        let err = files.read(&name, 10).err().unwrap().to_string();
        assert!(err.contains("9 bytes where the store recorded 10"), "{err}");
    }

    #[test]
    fn the_sweep_removes_only_old_unnamed_report_files() {
        let dir = tempfile::tempdir().unwrap();
        let files = ReportFiles::beside(&dir.path().join("iam.db"));
        let named = files.write(&account(), b"a").unwrap();
        let old_orphan = files.write(&account(), b"b").unwrap();
        let young_orphan = files.write(&account(), b"c").unwrap();
        let reports = dir.path().join("iam.db-reports");
        fs::write(reports.join("notes.txt"), b"not ours").unwrap();
        let long_ago = SystemTime::now() - 2 * ORPHAN_AGE;
        for name in [&named, &old_orphan] {
            let file = File::options()
                .write(true)
                .open(reports.join(name))
                .unwrap();
            file.set_modified(long_ago).unwrap();
        }
        let file = File::options()
            .write(true)
            .open(reports.join("notes.txt"))
            .unwrap();
        file.set_modified(long_ago).unwrap();

        let removed = files.sweep(&HashSet::from([named.clone()]), ORPHAN_AGE);
        assert_eq!(removed, 1);
        for (name, kept) in [
            (&named, true),
            (&old_orphan, false),
            (&young_orphan, true),
            (&"notes.txt".to_owned(), true),
        ] {
            assert_eq!(reports.join(name).exists(), kept, "{name}");
        }
    }

    #[test]
    fn the_sweep_of_a_store_without_reports_removes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let files = ReportFiles::beside(&dir.path().join("iam.db"));
        assert_eq!(files.sweep(&HashSet::new(), Duration::ZERO), 0);
    }
}
