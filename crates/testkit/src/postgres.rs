//! A fresh PostgreSQL database per test, on the server `CREDREPORT_TEST_DATABASE_URL` names
//! (`scripts/pg_cluster.sh start DIR` starts a throwaway one; `scripts/test.sh` does it for
//! the whole run).

use std::sync::atomic::{AtomicU32, Ordering};

/// The variable naming the test server: an admin URL (one that may create databases).
pub const URL_VAR: &str = "CREDREPORT_TEST_DATABASE_URL";

/// The admin URL of the test server. Panics, saying how to start one, when it is not set:
/// the PostgreSQL tests are part of the suite, not optional.
pub fn server_url() -> String {
    std::env::var(URL_VAR).unwrap_or_else(|_| {
        panic!(
            "{URL_VAR} is not set: the PostgreSQL tests need a server. Start a throwaway one \
             with `export {URL_VAR}=$(scripts/pg_cluster.sh start /tmp/credreport-pg)` \
             (scripts/test.sh does this for you)"
        )
    })
}

/// Creates a new, empty database named after `hint`, the process and a counter, and
/// answers its URL.
pub fn fresh_database(hint: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let admin = server_url();
    let name = format!(
        "t_{}_{}_{}",
        hint.chars()
            .filter(char::is_ascii_alphanumeric)
            .take(30)
            .collect::<String>()
            .to_ascii_lowercase(),
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("connecting to the test server {admin}: {e}"));
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
    let (base, query) = admin.split_once('?').unwrap_or((&admin, ""));
    let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
    if query.is_empty() {
        format!("{server}/{name}")
    } else {
        format!("{server}/{name}?{query}")
    }
}

/// The variable naming the PEM file of the CA that signed the test server's certificate
/// (`scripts/pg_cluster.sh` writes `DIR/ca.pem`; `scripts/test.sh` sets it).
pub const CA_VAR: &str = "CREDREPORT_TEST_DATABASE_CA";

/// The CA of the test server's TLS certificate. Panics, saying how, when it is not set.
pub fn server_ca() -> String {
    std::env::var(CA_VAR).unwrap_or_else(|_| {
        panic!(
            "{CA_VAR} is not set: the TLS test needs the test server's CA \
             (scripts/pg_cluster.sh start DIR writes DIR/ca.pem; scripts/test.sh sets it)"
        )
    })
}
