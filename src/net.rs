//! What the network is from this machine's side: loopback, and what crosses a network in
//! clear text. Used by the proxy, provider keys' endpoints and remotes alike.

use std::net::IpAddr;

/// Whether what is sent to `url` crosses a network in clear text: plain http to anywhere but
/// this machine (loopback, or `localhost` with or without its trailing dot).
pub fn in_clear_off_this_machine(url: &url::Url) -> bool {
    let this_machine = match url.host() {
        Some(url::Host::Domain(name)) => name
            .strip_suffix('.')
            .unwrap_or(name)
            .eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => is_loopback(ip.into()),
        Some(url::Host::Ipv6(ip)) => is_loopback(ip.into()),
        None => false,
    };
    url.scheme() == "http" && !this_machine
}

/// Whether `ip` is this machine's (an IPv4-mapped loopback address included).
pub fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}
