//! `credreport backup` and `credreport restore`.

use std::process::ExitCode;

use anyhow::{bail, Context};
use credreport_iam::SqliteStore;

use crate::args::{BackupArgs, RestoreArgs};

pub fn backup(args: &BackupArgs) -> anyhow::Result<ExitCode> {
    let db = args.data_dir.join("iam.db");
    if !db.exists() {
        bail!("{}: no store here to back up", db.display());
    }
    let store = SqliteStore::open(&db)
        .with_context(|| format!("{}: cannot open the database", db.display()))?;
    let s = store
        .backup_to(&args.to)
        .with_context(|| format!("{}: cannot write the backup", args.to.display()))?;
    eprintln!(
        "backed up {} account(s) and {} credential report(s) to {}; the master key is not in it: keep {} apart",
        s.accounts,
        s.reports,
        args.to.display(),
        args.data_dir.join("master.key").display()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn restore(args: &RestoreArgs) -> anyhow::Result<ExitCode> {
    credreport_iam::private::create_dir(&args.data_dir).with_context(|| {
        format!(
            "{}: cannot create the data directory",
            args.data_dir.display()
        )
    })?;
    let db = args.data_dir.join("iam.db");
    let s = SqliteStore::restore_from(&args.from, &db)
        .with_context(|| format!("{}: cannot restore", args.from.display()))?;
    eprintln!(
        "restored {} account(s) and {} credential report(s) into {}; put the master key in {} (or CREDREPORT_MASTER_KEY) before starting",
        s.accounts,
        s.reports,
        args.data_dir.display(),
        args.data_dir.join("master.key").display()
    );
    Ok(ExitCode::SUCCESS)
}
