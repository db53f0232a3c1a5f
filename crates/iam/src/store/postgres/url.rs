//! `postgres://USER[:PASSWORD]@HOST:PORT/DB?sslmode=...`: the connection settings, and
//! TLS to the database when the URL asks for it.
//!
//! No `sslmode`, or `sslmode=disable`: plain TCP. `require`, `verify-ca` and `verify-full`
//! use TLS through rustls, which always verifies the server's certificate and its name
//! (so all three mean libpq's `verify-full`): against the Mozilla roots (webpki-roots),
//! plus the PEM certificates of `sslrootcert=FILE` when given (libpq's parameter for a
//! private CA). `prefer` does too, and falls back to plain TCP only when the server offers
//! no TLS at all. Unlike libpq, nothing ever encrypts without verifying: a server whose
//! certificate does not verify is refused, with the reason.

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use postgres::config::SslMode;
use postgres::{Client, Config, NoTls};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{Error, Result};

/// Where a PostgreSQL store is, and how to reach it.
#[derive(Clone)]
pub struct PgUrl {
    config: Config,
    tls: Option<MakeRustlsConnect>,
    shown: String,
}

impl fmt::Debug for PgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Display for PgUrl {
    /// The URL without its password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl PgUrl {
    /// Parses a `postgres://` or `postgresql://` URL.
    pub fn parse(url: &str) -> Result<PgUrl> {
        let bad = |why: &str| Error::internal(format!("database URL {}: {why}", redact(url)));
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(bad("expected postgres://USER@HOST:PORT/DB"));
        }
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let mut root_cert = None;
        let mut asked_tls = false;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("sslrootcert", file)) => root_cert = Some(file.to_owned()),
                Some(("sslmode", "verify-ca" | "verify-full")) => {
                    asked_tls = true;
                    kept.push("sslmode=require");
                }
                Some(("sslmode", mode)) => {
                    asked_tls = mode != "disable";
                    kept.push(pair);
                }
                _ => kept.push(pair),
            }
        }
        let rebuilt = if kept.is_empty() {
            base.to_owned()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        let config = Config::from_str(&rebuilt).map_err(|e| bad(&e.to_string()))?;
        let mut config = config;
        let tls = if asked_tls {
            Some(tls_connector(root_cert.as_deref().map(Path::new)).map_err(|e| bad(&e))?)
        } else {
            if root_cert.is_some() {
                return Err(bad("sslrootcert without sslmode=require (or verify-full)"));
            }
            config.ssl_mode(SslMode::Disable);
            None
        };
        Ok(PgUrl {
            config,
            tls,
            shown: redact(url),
        })
    }

    /// A new connection.
    pub(super) fn connect(&self) -> Result<Client> {
        let connected = match &self.tls {
            None => self.config.connect(NoTls),
            Some(tls) => self.config.connect(tls.clone()),
        };
        connected.map_err(|e| {
            Error::internal(format!(
                "connecting to {}: {}",
                self.shown,
                super::describe(&e)
            ))
        })
    }
}

/// The URL with its password (if any) replaced by `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

fn tls_connector(root_cert: Option<&Path>) -> std::result::Result<MakeRustlsConnect, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(file) = root_cert {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(file)
            .and_then(Iterator::collect)
            .map_err(|e| format!("sslrootcert {}: {e}", file.display()))?;
        if certs.is_empty() {
            return Err(format!(
                "sslrootcert {}: no certificate in it",
                file.display()
            ));
        }
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| format!("sslrootcert {}: {e}", file.display()))?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows() {
        for (url, shown) in [
            (
                "postgres://u:secret@h:5432/db",
                "postgres://u:***@h:5432/db",
            ),
            (
                "postgres://u@h/db?sslmode=disable",
                "postgres://u@h/db?sslmode=disable",
            ),
            ("postgresql://h/db", "postgresql://h/db"),
        ] {
            assert_eq!(redact(url), shown);
        }
    }

    #[test]
    fn urls_that_are_not_postgres_or_ask_for_unknown_settings_are_refused() {
        for url in [
            "mysql://u@h/db",
            "postgres://u@h/db?sslmode=sometimes",
            "postgres://u@h/db?colour=blue",
            "postgres://u@h/db?sslmode=require&sslrootcert=/nonexistent/ca.pem",
        ] {
            let err = PgUrl::parse(url).err().map(|e| e.to_string());
            assert!(err.is_some_and(|e| e.contains("database URL")), "{url}");
        }
    }
}
