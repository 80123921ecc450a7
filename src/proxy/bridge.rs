//! Container bridges: the only addresses besides loopback the proxy may listen on. A bridge
//! such as docker0 (172.17.0.1) or podman's cni-podman0 (10.88.0.1) is this machine's side
//! of its containers' network: its containers reach the address, other machines do not
//! (the proxy never binds a wildcard address, so it is not on the machine's own interfaces).

use std::net::IpAddr;
use std::path::Path;

/// A bridge interface of this machine and one of its addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bridge {
    pub interface: String,
    pub ip: IpAddr,
}

/// Every address of every interface, as (interface, address).
#[cfg(unix)]
fn addresses() -> Vec<(String, IpAddr)> {
    let mut found = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list that freeifaddrs frees below; it is
    // only read in between, each node's name and address checked for null first.
    unsafe {
        if libc::getifaddrs(&mut list) != 0 {
            return found;
        }
        let mut node = list;
        while !node.is_null() {
            let entry = &*node;
            node = entry.ifa_next;
            if entry.ifa_addr.is_null() || entry.ifa_name.is_null() {
                continue;
            }
            let name = std::ffi::CStr::from_ptr(entry.ifa_name)
                .to_string_lossy()
                .into_owned();
            let ip = match i32::from((*entry.ifa_addr).sa_family) {
                libc::AF_INET => {
                    let v4 = &*(entry.ifa_addr as *const libc::sockaddr_in);
                    IpAddr::from(u32::from_be(v4.sin_addr.s_addr).to_be_bytes())
                }
                libc::AF_INET6 => {
                    let v6 = &*(entry.ifa_addr as *const libc::sockaddr_in6);
                    IpAddr::from(v6.sin6_addr.s6_addr)
                }
                _ => continue,
            };
            found.push((name, ip));
        }
        libc::freeifaddrs(list);
    }
    found
}

#[cfg(not(unix))]
fn addresses() -> Vec<(String, IpAddr)> {
    Vec::new()
}

fn is_bridge(interface: &str) -> bool {
    !interface.contains('/')
        && Path::new("/sys/class/net")
            .join(interface)
            .join("bridge")
            .is_dir()
}

/// The bridge that has `ip`, if a bridge has it.
pub fn with_address(ip: IpAddr) -> Option<Bridge> {
    addresses()
        .into_iter()
        .find(|(name, a)| *a == ip && is_bridge(name))
        .map(|(interface, ip)| Bridge { interface, ip })
}

/// The bridge called `interface` and its first IPv4 address (else its first address).
pub fn named(interface: &str) -> Option<Bridge> {
    if !is_bridge(interface) {
        return None;
    }
    let mut ips: Vec<IpAddr> = addresses()
        .into_iter()
        .filter(|(name, _)| name == interface)
        .map(|(_, ip)| ip)
        .collect();
    ips.sort_by_key(|ip| !ip.is_ipv4());
    ips.first().map(|&ip| Bridge {
        interface: interface.to_owned(),
        ip,
    })
}

/// Every bridge address of this machine (for the error that lists them).
pub fn all() -> Vec<Bridge> {
    addresses()
        .into_iter()
        .filter(|(name, _)| is_bridge(name))
        .map(|(interface, ip)| Bridge { interface, ip })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_is_no_bridge() {
        assert!(with_address(IpAddr::from([127, 0, 0, 1])).is_none());
        assert!(named("lo").is_none());
        assert!(named("../lo").is_none());
        assert!(
            all()
                .iter()
                .all(|b| !b.ip.is_loopback() && !b.ip.is_unspecified())
        );
    }
}
