//! The client's address behind trusted proxies (`serve --trusted-proxies`): a request
//! whose peer is a trusted proxy (a load balancer, nginx) is from the address its
//! `X-Forwarded-For` names; from any other peer the header is ignored, so a client
//! cannot choose its own address by sending one.
//!
//! Which address counts in a chain (`X-Forwarded-For: a, b, c` from peer `p`): each
//! proxy appends the address it received the request from, so the list is read from the
//! right, `p` first: the right-most address that is not a trusted proxy is the client.
//! Everything to its left was written by the client or by proxies nobody vouches for.
//! When every address is trusted, the left-most one is the client (as nginx's
//! `real_ip_recursive` reads it). An entry that is not an address (`unknown`, garbage,
//! an empty one) ends the walk: the client is then the last trusted hop reached, the
//! proxy that passed the unreadable entry on, never anything to its left. Several
//! `X-Forwarded-For` fields are one list, in their order (RFC 9110, 5.3); `Forwarded`
//! (RFC 7239) is not read. Addresses are compared and reported in their canonical form
//! (`::ffff:192.0.2.1` is `192.0.2.1`), and an entry may carry a port (`192.0.2.1:4711`,
//! `[2001:db8::1]:4711`), which is dropped.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;
use credreport_policy::Cidr;

/// The header trusted proxies name the client in.
pub const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// One trusted range, as given (`10.0.0.0/8`, `192.0.2.7`, `2001:db8::/32`): an address
/// alone is that address (`/32`, `/128`), as IAM reads `aws:SourceIp` ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyRange {
    cidr: Cidr,
    text: String,
}

impl FromStr for ProxyRange {
    type Err = String;

    fn from_str(text: &str) -> Result<ProxyRange, String> {
        let text = text.trim();
        Cidr::parse(text)
            .map(|cidr| ProxyRange {
                cidr,
                text: text.to_owned(),
            })
            .ok_or_else(|| {
                format!("{text:?} is not an IP address or a CIDR range (10.0.0.0/8, 2001:db8::/32)")
            })
    }
}

impl fmt::Display for ProxyRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// The proxies whose `X-Forwarded-For` is believed. None by default: every request is
/// from its peer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    ranges: Vec<ProxyRange>,
}

/// Where a request comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Client {
    /// The client's address: the peer's, or the one its trusted proxies forwarded.
    pub address: IpAddr,
    /// The trusted proxy the request came through, when the address was forwarded.
    pub via: Option<IpAddr>,
}

impl TrustedProxies {
    /// No proxy is trusted.
    pub const NONE: TrustedProxies = TrustedProxies { ranges: Vec::new() };

    /// Trusts the proxies in `ranges`.
    pub fn new(ranges: Vec<ProxyRange>) -> TrustedProxies {
        TrustedProxies { ranges }
    }

    /// The ranges, as given.
    pub fn ranges(&self) -> &[ProxyRange] {
        &self.ranges
    }

    /// Whether `address` is a trusted proxy's.
    pub fn trusts(&self, address: IpAddr) -> bool {
        self.ranges.iter().any(|r| r.cidr.contains(address))
    }

    /// Where a request from `peer` with `headers` comes from (see the module's rule).
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> Client {
        let peer = peer.to_canonical();
        let direct = Client {
            address: peer,
            via: None,
        };
        if !self.trusts(peer) {
            return direct;
        }
        // Each field, right to left, each one's entries right to left.
        let mut last = peer;
        for field in headers.get_all(X_FORWARDED_FOR).iter().rev() {
            let Ok(text) = field.to_str() else {
                return forwarded(last, peer);
            };
            for entry in text.rsplit(',') {
                let Some(address) = entry_address(entry) else {
                    return forwarded(last, peer);
                };
                if !self.trusts(address) {
                    return forwarded(address, peer);
                }
                last = address;
            }
        }
        forwarded(last, peer)
    }
}

/// `address` as reached through `peer` (no proxy when they are the same).
fn forwarded(address: IpAddr, peer: IpAddr) -> Client {
    Client {
        address,
        via: (address != peer).then_some(peer),
    }
}

/// One `X-Forwarded-For` entry's address: `192.0.2.1`, `2001:db8::1`, with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`) or in brackets, canonical.
fn entry_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim_matches([' ', '\t']);
    let address = IpAddr::from_str(entry)
        .ok()
        .or_else(|| SocketAddr::from_str(entry).ok().map(|s| s.ip()))
        .or_else(|| {
            entry
                .strip_prefix('[')
                .and_then(|e| e.strip_suffix(']'))
                .and_then(|e| e.parse::<std::net::Ipv6Addr>().ok())
                .map(IpAddr::V6)
        })?;
    Some(address.to_canonical())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn trusted(ranges: &[&str]) -> TrustedProxies {
        TrustedProxies::new(
            ranges
                .iter()
                .map(|r| r.parse().unwrap_or_else(|e| panic!("{e}")))
                .collect(),
        )
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    /// One case: the trusted ranges, the peer, the `X-Forwarded-For` fields, and the
    /// client and proxy expected.
    fn check(
        name: &str,
        ranges: &[&str],
        peer: &str,
        fields: &[&[u8]],
        want: (&str, Option<&str>),
    ) {
        let mut headers = HeaderMap::new();
        for f in fields {
            let v = HeaderValue::from_bytes(f).unwrap_or_else(|_| panic!("{name}: header"));
            headers.append(X_FORWARDED_FOR, v);
        }
        let got = trusted(ranges).client(ip(peer), &headers);
        let want = Client {
            address: ip(want.0),
            via: want.1.map(ip),
        };
        assert_eq!(got, want, "{name}");
    }

    /// Name, trusted ranges, peer, `X-Forwarded-For` fields, (client, proxy) expected.
    type Case = (
        &'static str,
        &'static [&'static str],
        &'static str,
        &'static [&'static [u8]],
        (&'static str, Option<&'static str>),
    );

    const LB: &[&str] = &["10.0.0.0/8"];

    #[rustfmt::skip]
    const CASES: &[Case] = &[
        // Ignored from a peer that is not trusted, whatever it says.
        ("no proxies trusted", &[], "192.0.2.1", &[b"198.51.100.7"], ("192.0.2.1", None)),
        ("a forged header sent directly", LB, "192.0.2.1", &[b"10.0.0.5, 198.51.100.7"], ("192.0.2.1", None)),
        ("a trusted peer without the header", LB, "10.0.0.2", &[], ("10.0.0.2", None)),
        // The ordinary case: one proxy appended the client.
        ("one proxy", LB, "10.0.0.2", &[b"198.51.100.7"], ("198.51.100.7", Some("10.0.0.2"))),
        // The client's own claim stands left of what the proxy appended.
        ("a claim the client made", LB, "10.0.0.2", &[b"203.0.113.9, 198.51.100.7"], ("198.51.100.7", Some("10.0.0.2"))),
        ("a claim of a trusted address", LB, "10.0.0.2", &[b"10.9.9.9, 198.51.100.7"], ("198.51.100.7", Some("10.0.0.2"))),
        ("two trusted hops", LB, "10.0.0.2", &[b"198.51.100.7, 10.1.1.1"], ("198.51.100.7", Some("10.0.0.2"))),
        ("every hop trusted: the left-most", LB, "10.0.0.2", &[b"10.3.3.3, 10.1.1.1"], ("10.3.3.3", Some("10.0.0.2"))),
        ("fields are one list, in order", LB, "10.0.0.2", &[b"203.0.113.9", b"198.51.100.7, 10.1.1.1"], ("198.51.100.7", Some("10.0.0.2"))),
        ("a later field is nearer", LB, "10.0.0.2", &[b"198.51.100.7", b"10.1.1.1"], ("198.51.100.7", Some("10.0.0.2"))),
        // Unreadable entries end the walk at the last trusted hop.
        ("unknown from the proxy", LB, "10.0.0.2", &[b"unknown"], ("10.0.0.2", None)),
        ("garbage behind a trusted hop", LB, "10.0.0.2", &[b"198.51.100.7, nonsense, 10.1.1.1"], ("10.1.1.1", Some("10.0.0.2"))),
        ("an empty entry", LB, "10.0.0.2", &[b"198.51.100.7,,10.1.1.1"], ("10.1.1.1", Some("10.0.0.2"))),
        ("an empty field", LB, "10.0.0.2", &[b""], ("10.0.0.2", None)),
        ("bytes that are not text", LB, "10.0.0.2", &[b"198.51.100.\xff"], ("10.0.0.2", None)),
        ("garbage left of the client is never read", LB, "10.0.0.2", &[b"nonsense, 198.51.100.7"], ("198.51.100.7", Some("10.0.0.2"))),
        // Forms of addresses.
        ("spaces and tabs", LB, "10.0.0.2", &[b" 198.51.100.7 ,\t10.1.1.1 "], ("198.51.100.7", Some("10.0.0.2"))),
        ("an IPv4 address with a port", LB, "10.0.0.2", &[b"198.51.100.7:4711"], ("198.51.100.7", Some("10.0.0.2"))),
        ("IPv6", &["2001:db8:ffff::/48"], "2001:db8:ffff::2", &[b"2001:db8:1::7"], ("2001:db8:1::7", Some("2001:db8:ffff::2"))),
        ("IPv6 in brackets with a port", LB, "10.0.0.2", &[b"[2001:db8::7]:4711"], ("2001:db8::7", Some("10.0.0.2"))),
        ("IPv6 in brackets", LB, "10.0.0.2", &[b"[2001:db8::7]"], ("2001:db8::7", Some("10.0.0.2"))),
        ("a mapped IPv4 client", LB, "10.0.0.2", &[b"::ffff:198.51.100.7"], ("198.51.100.7", Some("10.0.0.2"))),
        ("a mapped IPv4 peer", LB, "::ffff:10.0.0.2", &[b"198.51.100.7"], ("198.51.100.7", Some("10.0.0.2"))),
        ("a mapped peer not trusted", LB, "::ffff:192.0.2.1", &[b"198.51.100.7"], ("192.0.2.1", None)),
        // A single address is a range of one.
        ("one trusted address", &["127.0.0.2"], "127.0.0.2", &[b"127.0.0.77"], ("127.0.0.77", Some("127.0.0.2"))),
        ("beside it", &["127.0.0.2"], "127.0.0.1", &[b"127.0.0.77"], ("127.0.0.1", None)),
        ("the client is the proxy itself", LB, "10.0.0.2", &[b"10.0.0.2"], ("10.0.0.2", None)),
    ];

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        for (name, ranges, peer, fields, want) in CASES {
            check(name, ranges, peer, fields, *want);
        }
    }

    #[test]
    fn ranges_are_read_as_iam_reads_source_ip_ranges() {
        for good in ["10.0.0.0/8", " 192.0.2.7 ", "2001:db8::/32", "0.0.0.0/0"] {
            let r: ProxyRange = good.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(r.to_string(), good.trim());
        }
        for bad in ["", "10.0.0.0/33", "localhost", "10.0.0/8", "10.0.0.0/"] {
            let e = bad.parse::<ProxyRange>().expect_err(bad);
            assert!(e.contains("not an IP address or a CIDR range"), "{e}");
        }
    }
}
