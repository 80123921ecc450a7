//! Container bridges: the only addresses besides loopback the proxy may listen on. A bridge
//! such as docker0 (172.17.0.1) or podman's cni-podman0 (10.88.0.1) is this machine's side
//! of its containers' network. A bridge that carries a network card (a virtual machine
//! host's br0 with the LAN address) is not one: it is refused.
//!
//! Listening on a bridge's address is not enough by itself: Linux accepts a packet for any of
//! its addresses on any interface, so a machine on the LAN that routes the bridge's subnet to
//! this one could connect. The proxy therefore lets in only peers whose address is in a
//! container bridge's subnet (this machine's own processes connect from the bridge's address):
//! a TCP handshake from elsewhere cannot complete with such a source address, since the answer
//! goes to the bridge, not back to the sender.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A container bridge of this machine, one of its addresses and that address's prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bridge {
    pub interface: String,
    pub ip: IpAddr,
    pub prefix: u8,
}

impl Bridge {
    /// Whether `ip` is in this bridge's subnet.
    pub fn holds(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.ip, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// `::ffff:a.b.c.d` as `a.b.c.d`: how an IPv4 peer may show up.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Every address of every interface: (interface, address, prefix length).
#[cfg(unix)]
fn addresses() -> Vec<(String, IpAddr, u8)> {
    let mut found = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list that freeifaddrs frees below; it is
    // only read in between, each node's name, address and netmask checked for null first,
    // each address read as the family it says it is.
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
            let read = |addr: *const libc::sockaddr| -> Option<IpAddr> {
                if addr.is_null() {
                    return None;
                }
                match i32::from((*addr).sa_family) {
                    libc::AF_INET => {
                        let v4 = &*(addr as *const libc::sockaddr_in);
                        Some(IpAddr::from(u32::from_be(v4.sin_addr.s_addr).to_be_bytes()))
                    }
                    libc::AF_INET6 => {
                        let v6 = &*(addr as *const libc::sockaddr_in6);
                        Some(IpAddr::from(v6.sin6_addr.s6_addr))
                    }
                    _ => None,
                }
            };
            let Some(ip) = read(entry.ifa_addr) else {
                continue;
            };
            let prefix = read(entry.ifa_netmask).map_or(0, |mask| match mask {
                IpAddr::V4(m) => u32::from(m).count_ones() as u8,
                IpAddr::V6(m) => u128::from(m).count_ones() as u8,
            });
            found.push((name, ip, prefix));
        }
        libc::freeifaddrs(list);
    }
    found
}

#[cfg(not(unix))]
fn addresses() -> Vec<(String, IpAddr, u8)> {
    Vec::new()
}

/// A port of a bridge that joins it to something outside this machine: a network card (it
/// has a device behind it), a bond or a VLAN of one.
fn is_outside_link(port: &str) -> bool {
    let sys = Path::new("/sys/class/net").join(port);
    sys.join("device").exists()
        || sys.join("bonding").exists()
        || Path::new("/proc/net/vlan").join(port).exists()
}

/// Whether `interface` is a bridge whose ports are all this machine's own (veths, taps): a
/// container bridge, not a network card's.
fn is_container_bridge(interface: &str) -> bool {
    if interface.is_empty() || interface.contains('/') || interface.starts_with('.') {
        return false;
    }
    let sys = Path::new("/sys/class/net").join(interface);
    if !sys.join("bridge").is_dir() {
        return false;
    }
    match std::fs::read_dir(sys.join("brif")) {
        Ok(ports) => !ports
            .flatten()
            .any(|p| is_outside_link(&p.file_name().to_string_lossy())),
        Err(_) => false,
    }
}

/// Every container bridge address of this machine.
pub fn all() -> Vec<Bridge> {
    addresses()
        .into_iter()
        .filter(|(name, _, _)| is_container_bridge(name))
        .map(|(interface, ip, prefix)| Bridge {
            interface,
            ip,
            prefix,
        })
        .collect()
}

/// The container bridge that has `ip`, if one has it.
pub fn with_address(ip: IpAddr) -> Option<Bridge> {
    let ip = canonical(ip);
    all().into_iter().find(|b| b.ip == ip)
}

/// The container bridge called `interface` and its first IPv4 address (else its first).
pub fn named(interface: &str) -> Option<Bridge> {
    let mut bridges: Vec<Bridge> = all()
        .into_iter()
        .filter(|b| b.interface == interface)
        .collect();
    bridges.sort_by_key(|b| !b.ip.is_ipv4());
    bridges.into_iter().next()
}

/// Which peers a proxy on a bridge lets in: those in a container bridge's subnet. The list
/// is read again when a peer is not in it (a compose network made after the proxy started),
/// at most once a second.
pub struct Peers {
    known: Mutex<(Instant, Vec<Bridge>)>,
}

impl Peers {
    const REREAD: Duration = Duration::from_secs(1);

    pub fn new() -> Self {
        Self {
            known: Mutex::new((Instant::now(), all())),
        }
    }

    pub fn allows(&self, peer: IpAddr) -> bool {
        let Ok(mut known) = self.known.lock() else {
            return false;
        };
        if known.1.iter().any(|b| b.holds(peer)) {
            return true;
        }
        if known.0.elapsed() >= Self::REREAD {
            *known = (Instant::now(), all());
            return known.1.iter().any(|b| b.holds(peer));
        }
        false
    }
}

impl Default for Peers {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_names_that_climb_are_no_bridges() {
        assert!(with_address(IpAddr::from([127, 0, 0, 1])).is_none());
        for name in ["lo", "../lo", "", ".", ".."] {
            assert!(named(name).is_none(), "{name}");
        }
        assert!(
            all()
                .iter()
                .all(|b| !b.ip.is_loopback() && !b.ip.is_unspecified())
        );
    }

    #[test]
    fn a_subnet_holds_its_own_addresses_only() {
        let bridge = Bridge {
            interface: "docker0".into(),
            ip: IpAddr::from([172, 17, 0, 1]),
            prefix: 16,
        };
        assert!(bridge.holds(IpAddr::from([172, 17, 3, 9])));
        assert!(bridge.holds("::ffff:172.17.0.2".parse().unwrap()));
        assert!(!bridge.holds(IpAddr::from([172, 18, 0, 2])));
        assert!(!bridge.holds(IpAddr::from([198, 51, 100, 2])));
        let v6 = Bridge {
            interface: "br".into(),
            ip: "fd00:1::1".parse().unwrap(),
            prefix: 64,
        };
        assert!(v6.holds("fd00:1::7".parse().unwrap()));
        assert!(!v6.holds("fd00:2::7".parse().unwrap()));
    }
}
