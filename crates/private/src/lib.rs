//! Files only their owner may read. A data directory holds every identity, every password
//! hash and the sealed secrets, so it is made 0700 and every file credreport writes in it
//! 0600, whatever the process's umask (the mode is set after creation, so a umask can
//! neither widen nor narrow it); and a data directory or store file that group or others
//! can read or write is refused at start, as PostgreSQL refuses such a data directory and
//! OpenSSH such a private key.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A private directory's mode.
pub const DIR_MODE: u32 = 0o700;
/// A private file's mode.
pub const FILE_MODE: u32 = 0o600;

/// The files of a data directory that hold the store or its keys (the report files'
/// directory is checked with them).
pub const STORE_FILES: [&str; 6] = [
    "iam.db",
    "iam.db-wal",
    "iam.db-shm",
    "iam.db-reports",
    "master.key",
    "root-credentials.json",
];

/// Creates `dir` when it is missing, 0700 (its missing parents too); an existing directory
/// keeps its mode, for [`shared_paths`] to judge.
pub fn create_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    fs::DirBuilder::new()
        .recursive(true)
        .mode(DIR_MODE)
        .create(dir)?;
    fs::set_permissions(dir, fs::Permissions::from_mode(DIR_MODE))
}

/// Creates `path`, which must not exist, as an empty file open for writing, 0600.
pub fn create_new(path: &Path) -> io::Result<File> {
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)?;
    file.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
    Ok(file)
}

/// Writes `bytes` to `path` (created or truncated), makes it 0600 before anything is
/// written, and syncs it.
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(FILE_MODE)
        .open(path)?;
    file.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// Before SQLite opens the database `path`: creates it empty and 0600 when it is missing.
/// SQLite gives a database's WAL and shared-memory files the database file's own mode, so
/// they are 0600 too.
pub fn prepare_database(path: &Path) -> io::Result<()> {
    match create_new(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Makes an existing file 0600 (a copy keeps its source's mode).
pub fn restrict(path: &Path) -> io::Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(FILE_MODE))
}

/// A path that group or others may read or write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedPath {
    /// The path.
    pub path: PathBuf,
    /// Its permission bits.
    pub mode: u32,
    /// Whether it is a directory.
    pub dir: bool,
}

impl SharedPath {
    /// The command that makes it private again.
    pub fn chmod(&self) -> String {
        let mode = if self.dir { DIR_MODE } else { FILE_MODE };
        format!("chmod {mode:o} {}", self.path.display())
    }
}

impl std::fmt::Display for SharedPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let who = match (self.mode & 0o070 != 0, self.mode & 0o007 != 0) {
            (true, true) => "group and others",
            (true, false) => "its group",
            _ => "others",
        };
        write!(
            f,
            "{}: {who} can read or write it (mode {:03o}); run `{}`",
            self.path.display(),
            self.mode & 0o777,
            self.chmod()
        )
    }
}

/// The data directory itself and the store files in it ([`STORE_FILES`]) that group or
/// others can read or write. Links are followed (the file that holds the data counts).
pub fn shared_paths(dir: &Path) -> io::Result<Vec<SharedPath>> {
    let mut shared = Vec::new();
    let mut check = |path: PathBuf| -> io::Result<()> {
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        let mode = meta.permissions().mode();
        if mode & 0o077 != 0 {
            shared.push(SharedPath {
                path,
                mode,
                dir: meta.is_dir(),
            });
        }
        Ok(())
    };
    check(dir.to_owned())?;
    for name in STORE_FILES {
        check(dir.join(name))?;
    }
    Ok(shared)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn made_private_whatever_the_umask_lets_through() {
        // A umask cannot be set without unsafe code; a wide mode set by hand stands in for
        // a permissive umask, and every helper sets the exact mode after creating.
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("a/b");
        create_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let db = dir.join("iam.db");
        prepare_database(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        fs::set_permissions(&db, fs::Permissions::from_mode(0o644)).unwrap();
        prepare_database(&db).unwrap();
        assert_eq!(mode(&db), 0o644, "an existing database keeps its mode");
        restrict(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        let file = dir.join("root-credentials.json");
        fs::write(&file, "{}").unwrap();
        fs::set_permissions(&file, fs::Permissions::from_mode(0o666)).unwrap();
        write(&file, b"{}").unwrap();
        assert_eq!(mode(&file), 0o600, "rewriting makes it private");
        assert!(
            create_new(&file).is_err(),
            "create_new refuses an existing file"
        );
    }

    #[test]
    fn shared_paths_names_each_readable_store_file_and_its_chmod() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("data");
        create_dir(&dir).unwrap();
        prepare_database(&dir.join("iam.db")).unwrap();
        write(&dir.join("master.key"), b"k").unwrap();
        fs::write(dir.join("notes.txt"), "not ours").unwrap();
        assert_eq!(shared_paths(&dir).unwrap(), Vec::new());

        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(dir.join("iam.db"), fs::Permissions::from_mode(0o640)).unwrap();
        fs::set_permissions(dir.join("master.key"), fs::Permissions::from_mode(0o602)).unwrap();
        let shared = shared_paths(&dir).unwrap();
        let said: Vec<String> = shared.iter().map(ToString::to_string).collect();
        assert_eq!(
            said,
            [
                format!(
                    "{}: group and others can read or write it (mode 755); run `chmod 700 {}`",
                    dir.display(),
                    dir.display()
                ),
                format!(
                    "{}: its group can read or write it (mode 640); run `chmod 600 {}`",
                    dir.join("iam.db").display(),
                    dir.join("iam.db").display()
                ),
                format!(
                    "{}: others can read or write it (mode 602); run `chmod 600 {}`",
                    dir.join("master.key").display(),
                    dir.join("master.key").display()
                ),
            ]
        );
    }
}
