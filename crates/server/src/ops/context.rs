//! What a request knows about itself, beside who sent it: the facts authorization may look
//! at (the policy language's global condition keys: `aws:SourceIp`,
//! `aws:SecureTransport`, `aws:UserAgent`, `aws:RequestedRegion`, `aws:CurrentTime`) and
//! what is recorded of an authorized call. Built in one place per request, by the
//! pipeline ([`RequestContext::of`]), for API and console requests alike: its source
//! address is the one the per-source limits, the logs and `aws:SourceIp` all see (the
//! peer's, or the client's behind a trusted proxy: [`crate::proxies`]).

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use axum::http::{header, Extensions, HeaderMap};
use credreport_report::Timestamp;

use crate::proxies::TrustedProxies;

/// The longest `User-Agent` kept (a longer one is cut at a character boundary).
const USER_AGENT_MAX: usize = 512;

/// What a request knows about itself.
#[derive(Clone, Debug)]
pub struct RequestContext {
    source: Option<IpAddr>,
    via: Option<IpAddr>,
    secure_transport: bool,
    user_agent: Option<String>,
    region: Option<String>,
    time: Timestamp,
}

impl RequestContext {
    /// A request at `time` of which nothing else is known (in-process callers, tests).
    pub fn at(time: Timestamp) -> RequestContext {
        RequestContext {
            source: None,
            via: None,
            secure_transport: false,
            user_agent: None,
            region: None,
            time,
        }
    }

    /// A request as it arrived: its source (its peer's address, the `ConnectInfo` the
    /// listener puts in its extensions, or the client's that a peer among `proxies`
    /// forwarded), its `User-Agent`, whether it came over TLS, and when it is handled.
    pub fn of(
        extensions: &Extensions,
        headers: &HeaderMap,
        proxies: &TrustedProxies,
        secure_transport: bool,
        time: Timestamp,
    ) -> RequestContext {
        let client = extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| proxies.client(c.0.ip(), headers));
        let user_agent = headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|ua| {
                let mut end = ua.len().min(USER_AGENT_MAX);
                while !ua.is_char_boundary(end) {
                    end -= 1;
                }
                ua[..end].to_owned()
            });
        RequestContext {
            source: client.map(|c| c.address),
            via: client.and_then(|c| c.via),
            secure_transport,
            user_agent,
            region: None,
            time,
        }
    }

    /// The same request, signed for `region` (the SigV4 credential scope's).
    pub fn with_region(mut self, region: &str) -> RequestContext {
        self.region = Some(region.to_owned());
        self
    }

    /// The client's address (`aws:SourceIp`), when the listener gave the peer's: the
    /// peer's own, or the one a trusted proxy forwarded.
    pub fn source(&self) -> Option<IpAddr> {
        self.source
    }

    /// The trusted proxy the request came through, when its source was forwarded.
    pub fn via(&self) -> Option<IpAddr> {
        self.via
    }

    /// Whether the request came over TLS (`aws:SecureTransport`).
    pub fn secure_transport(&self) -> bool {
        self.secure_transport
    }

    /// The client's `User-Agent` (`aws:UserAgent`).
    pub fn user_agent(&self) -> Option<&str> {
        self.user_agent.as_deref()
    }

    /// The region the request was signed for (`aws:RequestedRegion`); none for the console.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// When the request is handled (`aws:CurrentTime`), from the service's clock.
    pub fn time(&self) -> Timestamp {
        self.time
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_peer_and_the_user_agent_come_from_the_request() {
        let mut ext = Extensions::new();
        let peer: SocketAddr = "192.0.2.7:5555".parse().unwrap_or_else(|_| unreachable!());
        ext.insert(ConnectInfo(peer));
        let mut headers = HeaderMap::new();
        let long = format!("aws-cli/2.0 {}", "x".repeat(USER_AGENT_MAX));
        headers.insert(
            header::USER_AGENT,
            long.parse().unwrap_or_else(|_| unreachable!()),
        );
        let t = Timestamp::from_unix(1_800_000_000).unwrap_or_else(|| unreachable!());
        let c = RequestContext::of(&ext, &headers, &TrustedProxies::NONE, true, t)
            .with_region("eu-west-1");
        assert_eq!(c.source(), Some(peer.ip()));
        assert_eq!(c.via(), None);
        assert!(c.secure_transport());
        assert_eq!(c.region(), Some("eu-west-1"));
        assert_eq!(c.time(), t);
        let ua = c.user_agent().unwrap_or_default();
        assert_eq!(ua.len(), USER_AGENT_MAX);
        assert!(ua.starts_with("aws-cli/2.0 "));
        let none = &TrustedProxies::NONE;
        let bare = RequestContext::of(&Extensions::new(), &HeaderMap::new(), none, false, t);
        assert_eq!(
            (bare.source(), bare.user_agent(), bare.region()),
            (None, None, None)
        );
    }

    /// Behind a trusted proxy the source is the client it forwarded, and the proxy is
    /// kept apart; a peer that is not trusted is the source whatever it forwards.
    #[test]
    fn a_trusted_proxy_forwards_the_source() {
        let proxies =
            TrustedProxies::new(vec!["10.0.0.0/8".parse().unwrap_or_else(|e| panic!("{e}"))]);
        let t = Timestamp::from_unix(1_800_000_000).unwrap_or_else(|| unreachable!());
        let mut headers = HeaderMap::new();
        headers.insert(
            crate::proxies::X_FORWARDED_FOR,
            "203.0.113.9, 198.51.100.7"
                .parse()
                .unwrap_or_else(|_| unreachable!()),
        );
        let from = |peer: &str| {
            let mut ext = Extensions::new();
            let peer: SocketAddr = peer.parse().unwrap_or_else(|_| unreachable!());
            ext.insert(ConnectInfo(peer));
            let c = RequestContext::of(&ext, &headers, &proxies, false, t);
            (c.source(), c.via())
        };
        let ip = |s: &str| s.parse::<IpAddr>().ok();
        assert_eq!(from("10.0.0.2:4711"), (ip("198.51.100.7"), ip("10.0.0.2")));
        assert_eq!(from("192.0.2.1:4711"), (ip("192.0.2.1"), None));
    }
}
