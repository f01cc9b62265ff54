//! Where a request came from. Behind a reverse proxy every request arrives from the proxy's
//! address, so the client's own address is read from `Forwarded` or `X-Forwarded-For`, but
//! only when the peer is a proxy the operator trusts (`TRUSTED_PROXIES`): anyone can write
//! those headers, and a header must never steer the sign-in throttle.

use std::net::IpAddr;
use std::str::FromStr;

/// One address or a CIDR range, such as `10.0.0.0/8`, `127.0.0.1` or `fd00::/8`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Range {
    network: IpAddr,
    prefix: u8,
}

impl Range {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, canonical(address)) {
            (IpAddr::V4(net), IpAddr::V4(a)) => {
                same_prefix(u32::from(net).into(), u32::from(a).into(), self.prefix, 32)
            }
            (IpAddr::V6(net), IpAddr::V6(a)) => {
                same_prefix(u128::from(net), u128::from(a), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn same_prefix(a: u128, b: u128, prefix: u8, bits: u8) -> bool {
    let shift = u32::from(bits - prefix);
    shift >= 128 || (a >> shift) == (b >> shift)
}

/// An IPv4 address written as IPv6 (`::ffff:10.0.0.1`) is the IPv4 address.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

impl FromStr for Range {
    type Err = String;

    fn from_str(text: &str) -> Result<Range, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network = canonical(
            address
                .parse::<IpAddr>()
                .map_err(|_| format!("{text:?} is not an IP address or a CIDR range"))?,
        );
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("{text:?}: the prefix length must be 0 to {bits}"))?,
        };
        Ok(Range { network, prefix })
    }
}

/// `TRUSTED_PROXIES`: addresses and ranges separated by commas or spaces.
pub fn parse_ranges(list: &str) -> Result<Vec<Range>, String> {
    list.split([',', ' '])
        .filter(|s| !s.trim().is_empty())
        .map(Range::from_str)
        .collect()
}

/// The client's address: the peer itself unless the peer is a trusted proxy; then the last
/// address in the forwarding chain that is not itself a trusted proxy (the earlier entries
/// were written by the client and prove nothing).
pub fn address_of(peer: Option<IpAddr>, forwarded_for: &[IpAddr], trusted: &[Range]) -> String {
    let Some(peer) = peer.map(canonical) else {
        return "unknown".into();
    };
    let is_trusted = |a: IpAddr| trusted.iter().any(|r| r.contains(a));
    if !is_trusted(peer) {
        return peer.to_string();
    }
    forwarded_for
        .iter()
        .rev()
        .map(|a| canonical(*a))
        .find(|a| !is_trusted(*a))
        .or_else(|| forwarded_for.first().map(|a| canonical(*a)))
        .unwrap_or(peer)
        .to_string()
}

/// The addresses a proxy chain reports, oldest first: `Forwarded: for=...` (RFC 7239) when
/// present, `X-Forwarded-For` otherwise. Entries that are not addresses (`unknown`,
/// obfuscated names) are left out.
pub fn forwarded_chain(forwarded: Option<&str>, x_forwarded_for: Option<&str>) -> Vec<IpAddr> {
    if let Some(header) = forwarded {
        return header
            .split(',')
            .flat_map(|element| element.split(';'))
            .filter_map(|pair| {
                let (key, value) = pair.split_once('=')?;
                key.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| node_address(value))?
            })
            .collect();
    }
    x_forwarded_for
        .map(|header| header.split(',').filter_map(node_address).collect())
        .unwrap_or_default()
}

/// `192.0.2.1`, `"192.0.2.1:4711"`, `"[2001:db8::1]:4711"` or `2001:db8::1`.
fn node_address(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Ok(address) = value.parse() {
        return Some(address);
    }
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    value.rsplit_once(':')?.0.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn ranges_match_their_addresses_only() {
        let ranges = parse_ranges("10.0.0.0/8, 192.168.1.7 fd00::/8").expect("valid");
        assert!(ranges[0].contains(ip("10.200.3.4")));
        assert!(!ranges[0].contains(ip("11.0.0.1")));
        assert!(ranges[1].contains(ip("192.168.1.7")));
        assert!(!ranges[1].contains(ip("192.168.1.8")));
        assert!(ranges[2].contains(ip("fd12::1")));
        assert!(ranges[0].contains(ip("::ffff:10.0.0.1")), "mapped IPv4");
        assert!(
            parse_ranges("0.0.0.0/0").expect("valid")[0].contains(ip("8.8.8.8")),
            "a zero prefix covers everything"
        );
    }

    #[test]
    fn bad_ranges_are_refused_with_the_entry() {
        assert!(
            parse_ranges("10.0.0.0/33")
                .expect_err("refused")
                .contains("0 to 32")
        );
        assert!(
            parse_ranges("proxy.local")
                .expect_err("refused")
                .contains("proxy.local")
        );
        assert_eq!(parse_ranges(" ").expect("empty is fine"), vec![]);
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_claims() {
        let trusted = parse_ranges("10.0.0.1").expect("valid");
        let claimed = [ip("203.0.113.9")];
        assert_eq!(
            address_of(Some(ip("198.51.100.2")), &claimed, &trusted),
            "198.51.100.2"
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_last_untrusted_hop_is_the_client() {
        let trusted = parse_ranges("10.0.0.0/8").expect("valid");
        // The client forged the first entry; the proxy appended the real one.
        let chain = [ip("1.2.3.4"), ip("203.0.113.9"), ip("10.0.0.2")];
        assert_eq!(
            address_of(Some(ip("10.0.0.1")), &chain, &trusted),
            "203.0.113.9"
        );
        assert_eq!(address_of(Some(ip("10.0.0.1")), &[], &trusted), "10.0.0.1");
        assert_eq!(address_of(None, &chain, &trusted), "unknown");
    }

    #[test]
    fn both_forwarding_headers_are_read() {
        assert_eq!(
            forwarded_chain(
                Some(
                    r#"for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711""#
                ),
                Some("9.9.9.9"),
            ),
            vec![ip("192.0.2.60"), ip("2001:db8:cafe::17")],
            "Forwarded wins over X-Forwarded-For"
        );
        assert_eq!(
            forwarded_chain(None, Some("203.0.113.9, unknown, 10.0.0.2:8080")),
            vec![ip("203.0.113.9"), ip("10.0.0.2")]
        );
        assert!(forwarded_chain(None, None).is_empty());
    }
}
