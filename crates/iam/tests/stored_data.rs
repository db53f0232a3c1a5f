//! What a store written by an earlier release holds is read the same, and what this
//! release writes is stored the same, on both backends.
//!
//! `tests/data/store-release/` holds a SQLite store (`iam.db` and its report file) written
//! by `populate` (`tests/common/mod.rs`) at commit c9ca768, the last commit before the store was written
//! once (see its `SOURCE.md`), with three dumps made at the same commit:
//!
//! - `records.txt`: every record read back through the `Tx` operations (the same on both
//!   backends: they store the same records);
//! - `sqlite-rows.txt`: every row of every table as SQLite stores it (storage class and
//!   value of each column);
//! - `postgres-rows.txt`: every row of every table of a PostgreSQL store that `populate`
//!   wrote, as text.
//!
//! `UPDATE_STORE_FIXTURE=1` writes them all again (the PostgreSQL one too, on the server
//! `CREDREPORT_TEST_DATABASE_URL` names): do that only for a deliberate change of the
//! stored form, with a migration that carries existing stores forward.

// Test harness code panics on purpose: a failed step is a failed test.
#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use credreport_iam::model::{AccessKey, Entity, KeptRows, Owner, Password, TagTarget};
use credreport_iam::store::postgres::{PgStore, PgUrl};
use credreport_iam::store::{read, Store, Tx, UserQuery};
use credreport_iam::{AccountId, SqliteStore};
use credreport_testkit::postgres::fresh_database;

mod common;
use common::{populate, t};

const UPDATE_VAR: &str = "UPDATE_STORE_FIXTURE";

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/store-release")
}

fn updating() -> bool {
    std::env::var_os(UPDATE_VAR).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Every record of the store, read through the `Tx` operations, as text. Lists the
/// backend answers "in no particular order" are sorted.
fn records(store: &dyn Store) -> String {
    read(store, |tx| {
        let mut out = String::new();
        let ids = tx.account_ids()?;
        for a in &ids {
            account_records(tx, a, &mut out)?;
        }
        let mut building = tx.reports_building()?;
        building.sort_by(|x, y| x.0.as_str().cmp(y.0.as_str()));
        writeln!(out, "reports building: {building:?}").unwrap();
        writeln!(out, "alias owner: {:?}", tx.alias_owner("example-corp")?).unwrap();
        for key in ["AKIAROOT000000000001", "AKIABOB000000000001"] {
            let k = tx.access_key(key)?;
            writeln!(
                out,
                "access key {key}: {}",
                k.as_ref().map_or("none".into(), key_text)
            )
            .unwrap();
        }
        for hash in [[7u8; 32], [8; 32], [9; 32], [1; 32]] {
            writeln!(
                out,
                "console session {}: {:?}",
                hex(&hash),
                tx.console_session(&hash)?
            )
            .unwrap();
        }
        Ok(out)
    })
    .unwrap()
        + &sign_in_failures(store)
}

fn sign_in_failures(store: &dyn Store) -> String {
    let mut out = String::new();
    for key in [
        "6b86b273ff34fce19d6b804eff5a3f57",
        "d4735e3a265e16eee03f59718b9b5d03",
    ] {
        let mut times = store.sign_in_failures(key, t(0)).unwrap();
        times.sort();
        writeln!(out, "sign-in failures {key}: {times:?}").unwrap();
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn password_text(p: &Password) -> String {
    let previous: Vec<&str> = p.previous.iter().map(|h| h.0.as_str()).collect();
    format!(
        "hash {} created {} changed {} reset {} previous {previous:?}",
        p.hash.0, p.created, p.changed, p.reset_required
    )
}

fn key_text(k: &AccessKey) -> String {
    format!(
        "{} {} owner {:?} secret {} active {} created {} last used {:?}",
        k.id,
        k.account,
        k.owner,
        hex(&k.secret.0),
        k.active,
        k.created,
        k.last_used
    )
}

fn account_records(tx: &mut dyn Tx, a: &AccountId, out: &mut String) -> credreport_iam::Result<()> {
    let account = tx.account(a)?.unwrap();
    writeln!(
        out,
        "account {} created {} member {} root password {} root last used {:?} policy {:?}",
        account.id,
        account.created,
        account.organization_member,
        account
            .root_password
            .as_ref()
            .map_or("none".into(), password_text),
        account.root_password_last_used,
        account.password_policy
    )
    .unwrap();
    writeln!(out, "  alias {:?}", tx.account_alias(a)?).unwrap();
    let all = UserQuery {
        path_prefix: None,
        after: None,
        limit: 1000,
    };
    let users = tx.users(a, &all)?;
    writeln!(out, "  {} users", tx.count_users(a)?).unwrap();
    for u in &users {
        writeln!(out, "  {u:?}").unwrap();
        let by_name = tx.user_by_name(a, &u.name.to_uppercase())?;
        let by_id = tx.user_by_id(a, &u.id)?;
        assert_eq!((by_name.as_ref(), by_id.as_ref()), (Some(u), Some(u)));
        let profile = tx.login_profile(a, &u.id)?;
        writeln!(
            out,
            "    login profile {}",
            profile.as_ref().map_or("none".into(), password_text)
        )
        .unwrap();
        let groups: Vec<String> = tx
            .groups_of_user(a, &u.id)?
            .into_iter()
            .map(|g| g.name)
            .collect();
        writeln!(out, "    groups {groups:?}").unwrap();
        let keys: Vec<String> = tx
            .access_keys_of(a, &Owner::User(u.id.clone()))?
            .iter()
            .map(|k| k.id.clone())
            .collect();
        writeln!(out, "    keys {keys:?}").unwrap();
        entity_records(tx, a, &Entity::user(&u.id), out)?;
        writeln!(
            out,
            "    tags {:?}",
            tx.tags(a, &TagTarget::User(u.id.clone()))?
        )
        .unwrap();
    }
    let page = tx.users(
        a,
        &UserQuery {
            path_prefix: Some("/team/"),
            after: Some("bob"),
            limit: 1,
        },
    )?;
    writeln!(
        out,
        "  users under /team/ after bob, one: {:?}",
        page.iter().map(|u| &u.name).collect::<Vec<_>>()
    )
    .unwrap();
    let mut profiles = tx.login_profiles(a)?;
    profiles.sort_by(|x, y| x.0.cmp(&y.0));
    for (user, p) in &profiles {
        writeln!(out, "  login profile of {user}: {}", password_text(p)).unwrap();
    }
    let root_keys: Vec<String> = tx
        .access_keys_of(a, &Owner::Root)?
        .iter()
        .map(|k| k.id.clone())
        .collect();
    writeln!(out, "  root keys {root_keys:?}").unwrap();
    for k in tx.access_keys(a)? {
        writeln!(out, "  access key {}", key_text(&k)).unwrap();
    }
    for d in tx.mfa_devices(a)? {
        writeln!(
            out,
            "  mfa {} {} {} {} seed {} created {} assignment {:?} counter {:?}",
            d.serial,
            d.account,
            d.name,
            d.path,
            hex(&d.seed.0),
            d.created,
            d.assignment,
            d.last_counter
        )
        .unwrap();
        assert_eq!(
            tx.mfa_device(a, &d.serial.to_lowercase())?.as_ref(),
            Some(&d)
        );
    }
    for c in tx.signing_certificates(a)? {
        writeln!(
            out,
            "  certificate {} {} {:?} {:?} sha256 {} active {} uploaded {}",
            c.id,
            c.account,
            c.owner,
            c.body,
            hex(&c.der_sha256),
            c.active,
            c.uploaded
        )
        .unwrap();
        assert_eq!(tx.signing_certificate(a, &c.id)?.as_ref(), Some(&c));
    }
    writeln!(out, "  {} groups", tx.count_groups(a)?).unwrap();
    for g in tx.groups(a, &all)? {
        writeln!(out, "  {g:?}").unwrap();
        assert_eq!(
            tx.group_by_name(a, &g.name.to_lowercase())?.as_ref(),
            Some(&g)
        );
        assert_eq!(tx.group_by_id(a, &g.id)?.as_ref(), Some(&g));
        let members: Vec<String> = tx
            .group_members(a, &g.id)?
            .into_iter()
            .map(|u| u.name)
            .collect();
        writeln!(out, "    members {members:?}").unwrap();
        entity_records(tx, a, &Entity::group(&g.id), out)?;
    }
    writeln!(out, "  {} roles", tx.count_roles(a)?).unwrap();
    for r in tx.roles(a, &all)? {
        writeln!(out, "  {r:?}").unwrap();
        assert_eq!(
            tx.role_by_name(a, &r.name.to_uppercase())?.as_ref(),
            Some(&r)
        );
        assert_eq!(tx.role_by_id(a, &r.id)?.as_ref(), Some(&r));
        let profiles: Vec<String> = tx
            .profiles_of_role(a, &r.id)?
            .into_iter()
            .map(|p| p.name)
            .collect();
        writeln!(out, "    instance profiles {profiles:?}").unwrap();
        entity_records(tx, a, &Entity::role(&r.id), out)?;
        writeln!(
            out,
            "    tags {:?}",
            tx.tags(a, &TagTarget::Role(r.id.clone()))?
        )
        .unwrap();
    }
    writeln!(
        out,
        "  {} instance profiles",
        tx.count_instance_profiles(a)?
    )
    .unwrap();
    for p in tx.instance_profiles(a, &all)? {
        writeln!(out, "  {p:?}").unwrap();
        assert_eq!(tx.instance_profile_by_name(a, &p.name)?.as_ref(), Some(&p));
        let roles: Vec<String> = tx
            .profile_roles(a, &p.id)?
            .into_iter()
            .map(|r| r.name)
            .collect();
        writeln!(out, "    roles {roles:?}").unwrap();
    }
    writeln!(out, "  {} managed policies", tx.count_managed_policies(a)?).unwrap();
    for p in tx.managed_policies(a, &all)? {
        writeln!(out, "  {p:?}").unwrap();
        assert_eq!(tx.managed_policy(a, &p.id)?.as_ref(), Some(&p));
        assert_eq!(
            tx.managed_policy_by_name(a, &p.name.to_uppercase())?
                .as_ref(),
            Some(&p)
        );
        for v in tx.policy_versions(&p.id)? {
            writeln!(out, "    {v:?}").unwrap();
        }
        writeln!(
            out,
            "    attached to {:?}",
            tx.policy_attachments(a, &p.arn())?
        )
        .unwrap();
        writeln!(
            out,
            "    tags {:?}",
            tx.tags(a, &TagTarget::Policy(p.id.clone()))?
        )
        .unwrap();
    }
    let admin = "arn:aws:iam::aws:policy/AdministratorAccess";
    writeln!(
        out,
        "  {admin} attached to {:?}",
        tx.policy_attachments(a, admin)?
    )
    .unwrap();
    let mut facts = tx.key_facts(a)?;
    facts.sort_by(|x, y| x.id.cmp(&y.id));
    writeln!(out, "  key facts {facts:?}").unwrap();
    let mut certs = tx.cert_facts(a)?;
    certs.sort_by(|x, y| x.id.cmp(&y.id));
    writeln!(out, "  certificate facts {certs:?}").unwrap();
    let mut changes = tx.password_changes(a)?;
    changes.sort();
    writeln!(out, "  password changes {changes:?}").unwrap();
    let mut owners: Vec<String> = tx
        .mfa_owners(a)?
        .iter()
        .map(|o| o.as_key().to_owned())
        .collect();
    owners.sort();
    writeln!(out, "  mfa owners {owners:?}").unwrap();
    // The release's fields (a release store's rows are not kept: its next build renders
    // them, and until then its report is the bytes it stored).
    let report = tx.report(a)?;
    assert_eq!(
        report.rows,
        KeptRows::NotYet,
        "{a}: rows kept in a release's store"
    );
    writeln!(
        out,
        "  report StoredReport {{ generated: {:?}, building_since: {:?} }}",
        report.generated, report.building_since
    )
    .unwrap();
    let content = tx.report_content(a)?;
    writeln!(
        out,
        "  report content {:?}",
        content.map(|c| String::from_utf8_lossy(&c).into_owned())
    )
    .unwrap();
    Ok(())
}

fn entity_records(
    tx: &mut dyn Tx,
    a: &AccountId,
    entity: &Entity,
    out: &mut String,
) -> credreport_iam::Result<()> {
    for p in tx.inline_policies(a, entity)? {
        writeln!(out, "    inline {} {:?}", p.name, p.document).unwrap();
        assert_eq!(
            tx.inline_policy(a, entity, &p.name.to_uppercase())?
                .as_ref(),
            Some(&p)
        );
    }
    writeln!(out, "    attached {:?}", tx.attached_policies(a, entity)?).unwrap();
    Ok(())
}

/// What migrations after the release add, left out of the row dumps: their tables (the
/// release's rows are what must not change; a migration that changes them fails here) and
/// the schema version they raise.
const SINCE_RELEASE: &[&str] = &[
    "permissions_boundaries",
    "credreport_schema",
    "report_rows",
    "report_frozen_rows",
    "ssh_public_keys",
];

/// The columns migrations after the release add to its tables, left out of the row dumps
/// the same way (they are NULL in a store the release wrote).
const COLUMNS_SINCE_RELEASE: &[(&str, &str)] = &[
    ("console_sessions", "mfa_at"),
    ("reports", "rows_epoch"),
    ("reports", "report_epoch"),
    ("reports", "report_max_password_age"),
];

fn since_release(table: &str, column: &str) -> bool {
    COLUMNS_SINCE_RELEASE.contains(&(table, column))
}

/// Every row of every table of the SQLite file at `db`: each value with its storage class.
/// A report file's name is made fresh for each report, so it is shown as `<file>`.
fn sqlite_rows(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut out = String::new();
    for table in tables {
        if SINCE_RELEASE.contains(&table.as_str()) {
            continue;
        }
        let names: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
            .unwrap()
            .query_map([&table], |r| r.get::<_, String>(0))
            .unwrap()
            .collect::<rusqlite::Result<Vec<_>>>()
            .unwrap()
            .into_iter()
            .filter(|name| !since_release(&table, name))
            .collect();
        let select: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        let mut stmt = conn
            .prepare(&format!("SELECT {} FROM \"{table}\"", select.join(", ")))
            .unwrap();
        writeln!(out, "table {table} ({})", names.join(", ")).unwrap();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let mut cells = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    use rusqlite::types::ValueRef;
                    cells.push(match r.get_ref(i)? {
                        _ if table == "report_files" && name == "file" => "<file>".into(),
                        ValueRef::Null => "null".into(),
                        ValueRef::Integer(v) => format!("integer {v}"),
                        ValueRef::Real(v) => format!("real {v}"),
                        ValueRef::Text(v) => format!("text {:?}", String::from_utf8_lossy(v)),
                        ValueRef::Blob(v) => format!("blob {}", hex(v)),
                    });
                }
                Ok(cells.join(" | "))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        rows.sort();
        for row in rows {
            writeln!(out, "  {row}").unwrap();
        }
    }
    out
}

/// Every row of every table of the PostgreSQL database at `url`, each value as text.
fn postgres_rows(url: &str) -> String {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' ORDER BY table_name",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = String::new();
    for table in tables {
        if SINCE_RELEASE.contains(&table.as_str()) {
            continue;
        }
        let columns: Vec<(String, String)> = client
            .query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                &[&table],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .filter(|(name, _): &(String, String)| !since_release(&table, name))
            .collect();
        let described: Vec<String> = columns.iter().map(|(n, ty)| format!("{n} {ty}")).collect();
        writeln!(out, "table {table} ({})", described.join(", ")).unwrap();
        let select: Vec<String> = columns
            .iter()
            .map(|(n, ty)| match ty.as_str() {
                "bytea" => format!("encode(\"{n}\", 'hex')"),
                _ => format!("\"{n}\"::text"),
            })
            .collect();
        let mut rows: Vec<String> = client
            .query(
                &format!("SELECT {} FROM \"{table}\"", select.join(", ")),
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| {
                (0..columns.len())
                    .map(|i| {
                        r.get::<_, Option<String>>(i)
                            .map_or("null".into(), |v| format!("{v:?}"))
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            })
            .collect();
        rows.sort();
        for row in rows {
            writeln!(out, "  {row}").unwrap();
        }
    }
    out
}

/// The fixture's store, copied to a fresh directory (opening a store may write to it).
fn fixture_copy(dir: &Path) -> PathBuf {
    copy_dir(&fixture_dir().join("sqlite"), &dir.join("store"));
    dir.join("store/iam.db")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn check(name: &str, got: &str) {
    let path = fixture_dir().join(name);
    if updating() {
        std::fs::write(&path, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        got == want,
        "{name}: differs from the release's\n---- the release's\n{want}\n---- this code's\n{got}\n----"
    );
}

/// With `UPDATE_STORE_FIXTURE=1`: the store itself, written again by this code.
fn write_fixture_store() {
    let dir = fixture_dir().join("sqlite");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(&dir).unwrap();
    let store = SqliteStore::open(&dir.join("iam.db")).unwrap();
    populate(&store);
    drop(store);
    // Everything into the database file, and the WAL gone with the last connection (the
    // store's checkpoint thread lets go of its own soon after the store is dropped).
    let settled = credreport_testkit::eventually(|| {
        let conn = rusqlite::Connection::open(dir.join("iam.db")).unwrap();
        conn.pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
        drop(conn);
        !dir.join("iam.db-wal").exists() && !dir.join("iam.db-shm").exists()
    });
    assert!(settled, "the WAL is left after closing");
}

#[test]
fn a_sqlite_store_written_by_the_release_reads_back_the_same_records() {
    if updating() {
        write_fixture_store();
    }
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&fixture_copy(dir.path())).unwrap();
    check("records.txt", &records(&store));
}

#[test]
fn a_sqlite_store_is_written_as_the_release_wrote_it() {
    if updating() {
        write_fixture_store();
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iam.db");
    let store = SqliteStore::open(&path).unwrap();
    populate(&store);
    drop(store);
    let fixture = fixture_copy(dir.path());
    assert_eq!(
        sqlite_rows(&path),
        sqlite_rows(&fixture),
        "this code's rows, then the release's"
    );
    check("sqlite-rows.txt", &sqlite_rows(&path));
}

#[test]
fn a_postgres_store_is_written_as_the_release_wrote_it_and_reads_back_the_same_records() {
    let url = fresh_database("stored_data");
    let store: Arc<dyn Store> = Arc::new(PgStore::open(&PgUrl::parse(&url).unwrap()).unwrap());
    populate(store.as_ref());
    check("postgres-rows.txt", &postgres_rows(&url));
    check("records.txt", &records(store.as_ref()));
}

/// A release's store predates kept report rows: its stored report is served as the bytes
/// it stored, and its next build renders every row from its records (issue 26), which is
/// byte for byte a full build; from then on its writes keep their rows.
#[test]
fn a_release_stores_next_build_renders_its_rows_from_its_records() {
    use credreport_iam::password::PasswordHasher;
    use credreport_iam::secret::MasterKey;
    use credreport_iam::store::checked::KeptRowsChecked;
    use credreport_iam::{write_account_report, Iam, IamConfig, ManualClock};

    let dir = tempfile::tempdir().unwrap();
    let store = KeptRowsChecked::new(SqliteStore::open(&fixture_copy(dir.path())).unwrap());
    let clock = ManualClock::new(t(100_000));
    let iam = Iam::new(
        Arc::new(store),
        Arc::new(clock.clone()),
        MasterKey::generate().unwrap(),
        PasswordHasher::fast_insecure_for_tests(),
        IamConfig::standard(),
    );
    let a1 = AccountId::parse("123456789012").unwrap();
    let stored = iam.credential_report(&a1).unwrap();
    assert_eq!(
        stored.content,
        b"user,arn\n<root_account>,arn:aws:iam::123456789012:root"
    );
    let generation = iam.generate_credential_report(&a1).unwrap();
    let built = generation.build.unwrap().run().unwrap().unwrap();
    assert_eq!(built.generated, t(100_000));
    let full = write_account_report(&iam.snapshot(&a1).unwrap()).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&built.content),
        String::from_utf8_lossy(&full)
    );
    assert_eq!(
        full.split(|&b| b == b'\n').count(),
        5,
        "header, root, 3 users"
    );
    // Kept from now on: a write is checked against a full build before it commits.
    iam.create_user(&a1, "dora", None).unwrap();
    assert_eq!(
        iam.report_from_kept_rows(&a1).unwrap(),
        write_account_report(&iam.snapshot(&a1).unwrap()).unwrap()
    );
}
