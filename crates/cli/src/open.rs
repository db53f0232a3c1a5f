//! Opening the IAM store a command names: `--data-dir` (SQLite in a directory) or
//! `--database-url`, with the master key that seals secrets at rest.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context};
use credreport_iam::password::PasswordHasher;
use credreport_iam::private;
use credreport_iam::secret::MasterKey;
use credreport_iam::store::postgres::{PgStore, PgUrl};
use credreport_iam::{Iam, IamConfig, SqliteStore, Store, SystemClock};

/// The environment variable that may hold the master key (64 hex characters); without it
/// the key lives in `<data dir>/master.key`, created on first use with mode 0600.
pub const MASTER_KEY_ENV: &str = "CREDREPORT_MASTER_KEY";

/// Where the store is.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// Directory for the SQLite database, the master key and the root credentials file.
    #[arg(long, value_name = "DIR", default_value = "./credreport-data")]
    pub data_dir: PathBuf,

    /// A database instead of the data directory's SQLite file: `postgres://USER@HOST:PORT/DB`
    /// (`?sslmode=require` for TLS, `&sslrootcert=FILE` for a private CA; several `serve`
    /// instances may share one), or `sqlite://PATH`. The data directory still holds the
    /// master key unless CREDREPORT_MASTER_KEY gives it (every instance needs the same).
    #[arg(long, value_name = "URL", env = "CREDREPORT_DATABASE_URL")]
    pub database_url: Option<String>,

    /// Start even if group or others can read or write the data directory or its store
    /// files (by default that is refused: they hold every password hash and the sealed
    /// secrets).
    #[arg(long)]
    pub allow_shared_data_dir: bool,
}

/// The opened domain and the data directory.
pub struct Opened {
    pub iam: Iam,
    pub data_dir: PathBuf,
    /// Whether this process may assume it is the only one building reports in this store.
    pub sole_builder: bool,
}

pub fn open(args: &StoreArgs) -> anyhow::Result<Opened> {
    private::create_dir(&args.data_dir).with_context(|| {
        format!(
            "{}: cannot create the data directory",
            args.data_dir.display()
        )
    })?;
    check_private(&args.data_dir, args.allow_shared_data_dir)?;
    let (store, sole_builder) = open_store(args.database_url.as_deref(), &args.data_dir)?;
    let has_accounts = !credreport_iam::store::read(store.as_ref(), |tx| tx.account_ids())
        .context("reading the store")?
        .is_empty();
    let key = master_key(&args.data_dir, has_accounts)?;
    let iam = Iam::new(
        store,
        Arc::new(SystemClock),
        key,
        PasswordHasher::new(),
        IamConfig::standard(),
    );
    check_sealed(&iam, &args.data_dir)?;
    Ok(Opened {
        iam,
        data_dir: args.data_dir.clone(),
        sole_builder,
    })
}

/// Refuses a data directory or store file that group or others can read or write, naming
/// each and the `chmod` that fixes it, unless `allow` (then each is a warning in the log).
pub fn check_private(dir: &Path, allow: bool) -> anyhow::Result<()> {
    let shared = private::shared_paths(dir)
        .with_context(|| format!("{}: cannot read the data directory", dir.display()))?;
    if shared.is_empty() {
        return Ok(());
    }
    if allow {
        for s in &shared {
            tracing::warn!(path = %s.path.display(), mode = format!("{:03o}", s.mode & 0o777), "readable or writable by other users (--allow-shared-data-dir)");
        }
        return Ok(());
    }
    let list: Vec<String> = shared.iter().map(|s| format!("  {s}")).collect();
    bail!(
        "{}: other users can read or write the data directory or its store files, which hold every password hash and the sealed secrets:\n{}\nMake them private, or start with --allow-shared-data-dir to accept this",
        dir.display(),
        list.join("\n")
    )
}

/// The store a URL names (`None`: the data directory's SQLite file), and whether this
/// process may assume it is the only one building reports in it (SQLite: one server per
/// file; PostgreSQL: a fleet).
pub fn open_store(url: Option<&str>, data_dir: &Path) -> anyhow::Result<(Arc<dyn Store>, bool)> {
    match url {
        Some(url) => open_url(url),
        None => open_sqlite(&data_dir.join("iam.db")),
    }
}

/// The store `postgres://…` or `sqlite://PATH` names (see [`open_store`]).
pub fn open_url(url: &str) -> anyhow::Result<(Arc<dyn Store>, bool)> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let url = PgUrl::parse(url)?;
        let store =
            PgStore::open(&url).with_context(|| format!("{url}: cannot open the database"))?;
        return Ok((Arc::new(store), false));
    }
    open_sqlite(&sqlite_path(url)?)
}

fn open_sqlite(path: &Path) -> anyhow::Result<(Arc<dyn Store>, bool)> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        private::create_dir(parent)
            .with_context(|| format!("{}: cannot create the directory", parent.display()))?;
    }
    let store = SqliteStore::open(path)
        .with_context(|| format!("{}: cannot open the database", path.display()))?;
    Ok((Arc::new(store), true))
}

/// `sqlite://PATH` or `sqlite:PATH`.
fn sqlite_path(url: &str) -> anyhow::Result<PathBuf> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        if path.is_empty() {
            bail!("database URL {url}: no file path after sqlite://");
        }
        return Ok(PathBuf::from(path));
    }
    bail!("database URL {url}: unsupported scheme (expected postgres://USER@HOST:PORT/DB or sqlite://PATH)")
}

/// The master key: `CREDREPORT_MASTER_KEY`, else `DIR/master.key` (made on first use; a
/// store that already holds accounts never gets a new one, since its secrets were sealed
/// with the old).
fn master_key(data_dir: &Path, has_accounts: bool) -> anyhow::Result<MasterKey> {
    match std::env::var(MASTER_KEY_ENV) {
        Ok(hex) => MasterKey::from_hex(&hex)
            .with_context(|| format!("{MASTER_KEY_ENV} is not a valid master key")),
        Err(_) => {
            let path = data_dir.join("master.key");
            if has_accounts && !path.exists() {
                bail!(
                    "{}: the master key is missing; this store's secrets were sealed with it. \
                     Put the file back (from a backup), or give the key in {MASTER_KEY_ENV}",
                    path.display()
                );
            }
            MasterKey::load_or_create(&path)
                .with_context(|| format!("{}: master key", path.display()))
        }
    }
}

/// Every sealed value of the store opens with the master key, or the start fails saying
/// which: a wrong key opens none of them, a damaged value is named.
fn check_sealed(iam: &Iam, data_dir: &Path) -> anyhow::Result<()> {
    let check = iam
        .check_sealed()
        .context("checking the store's sealed values")?;
    if check.wrong_key() {
        bail!(
            "the master key ({}) does not open this store's secrets: it is not the key they were sealed with",
            if std::env::var(MASTER_KEY_ENV).is_ok() {
                MASTER_KEY_ENV.to_owned()
            } else {
                data_dir.join("master.key").display().to_string()
            }
        );
    }
    if !check.is_ok() {
        bail!(
            "{} sealed value(s) of the store do not open (damaged on disk?): {}",
            check.failed.len(),
            check.failed.join("; ")
        );
    }
    Ok(())
}
