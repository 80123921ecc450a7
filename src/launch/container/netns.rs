//! The proxy inside a container's own network namespace: a listening socket on the
//! container's loopback, made before the container's command starts. Only what runs in that
//! namespace (the container) can connect to it; nothing on this machine's network can.
//!
//! Joining a namespace takes a process with one thread (a rootless engine's namespaces belong
//! to its own user namespace, which only a single-threaded process may join), so vault starts
//! itself as a helper (`vault __container-listen PID PORT`) that joins the namespaces of the
//! container's first process, binds the port there and hands the listening socket back over
//! its stdin, a unix socket pair, before it exits.

use std::ffi::OsString;
use std::io::{IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::process::{Command, Stdio};

use rustix::net::{
    RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags,
};

/// The hidden first argument that makes vault this helper.
pub const COMMAND: &str = "__container-listen";

#[derive(Debug, thiserror::Error)]
pub enum NetnsError {
    #[error("cannot start vault's helper that listens inside the container")]
    Start(#[source] std::io::Error),
    #[error("cannot listen on port {port} inside the container: {why}")]
    Helper { port: u16, why: String },
    #[error("vault's helper inside the container gave back no socket")]
    NoSocket(#[source] std::io::Error),
}

/// A listener on 127.0.0.1:`port` in the network namespace of process `pid` (a container's
/// first process, created and not yet started).
pub fn listen_in(pid: u32, port: u16) -> Result<TcpListener, NetnsError> {
    let (ours, theirs) = UnixStream::pair().map_err(NetnsError::Start)?;
    let exe = std::env::current_exe().map_err(NetnsError::Start)?;
    let out = Command::new(exe)
        .arg(COMMAND)
        .arg(pid.to_string())
        .arg(port.to_string())
        .env_clear()
        .stdin(Stdio::from(OwnedFd::from(theirs)))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(NetnsError::Start)?;
    if !out.status.success() {
        return Err(NetnsError::Helper {
            port,
            why: String::from_utf8_lossy(&out.stderr).trim().to_owned(),
        });
    }
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = RecvAncillaryBuffer::new(&mut space);
    let mut byte = [0u8; 1];
    rustix::net::recvmsg(
        &ours,
        &mut [IoSliceMut::new(&mut byte)],
        &mut control,
        RecvFlags::CMSG_CLOEXEC,
    )
    .map_err(|e| NetnsError::NoSocket(e.into()))?;
    let fd = control
        .drain()
        .find_map(|message| match message {
            RecvAncillaryMessage::ScmRights(mut fds) => fds.next(),
            _ => None,
        })
        .ok_or_else(|| NetnsError::NoSocket(std::io::Error::other("no descriptor came")))?;
    Ok(TcpListener::from(fd))
}

/// Runs as the helper; returns its exit status (0: the socket was sent).
pub fn main(mut argv: impl Iterator<Item = OsString>) -> u8 {
    let mut number = |what: &str| {
        argv.next()
            .and_then(|a| a.to_str().and_then(|a| a.parse::<u32>().ok()))
            .ok_or_else(|| format!("{COMMAND}: expected PID PORT, not a {what}"))
    };
    let result = number("pid").and_then(|pid| {
        let port = number("port")?;
        let port = u16::try_from(port).map_err(|_| format!("{port} is not a port"))?;
        listen_and_send(pid, port)
    });
    match result {
        Ok(()) => 0,
        Err(why) => {
            eprintln!("{why}");
            1
        }
    }
}

fn listen_and_send(pid: u32, port: u16) -> Result<(), String> {
    use rustix::thread::{LinkNameSpaceType, move_into_link_name_space};
    let open = |ns: &str| {
        let path = format!("/proc/{pid}/ns/{ns}");
        rustix::fs::open(
            &path,
            rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
            rustix::fs::Mode::empty(),
        )
        .map_err(|e| format!("cannot open {path}: {e}"))
    };
    let same = |a: &OwnedFd, b: &OwnedFd| match (rustix::fs::fstat(a), rustix::fs::fstat(b)) {
        (Ok(a), Ok(b)) => a.st_dev == b.st_dev && a.st_ino == b.st_ino,
        _ => false,
    };
    let (user, net) = (open("user")?, open("net")?);
    let own_net = rustix::fs::open(
        "/proc/self/ns/net",
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .map_err(|e| format!("cannot open /proc/self/ns/net: {e}"))?;
    // Its own namespace is the point: one that is this machine's (an engine argument such as
    // --network=ns:/proc/1/ns/net) would put the proxy on the machine's loopback, on a port
    // fixed in advance.
    if same(&net, &own_net) {
        return Err(
            "the container shares this machine's network namespace (an engine \
                    argument chose it): run with --network host for that, where the proxy \
                    gets a free port on loopback"
                .into(),
        );
    }
    let own_user = rustix::fs::open(
        "/proc/self/ns/user",
        rustix::fs::OFlags::RDONLY | rustix::fs::OFlags::CLOEXEC,
        rustix::fs::Mode::empty(),
    )
    .map_err(|e| format!("cannot open /proc/self/ns/user: {e}"))?;
    // A rootless engine's container: its network namespace is its user namespace's.
    if !same(&user, &own_user) {
        move_into_link_name_space(user.as_fd(), Some(LinkNameSpaceType::User))
            .map_err(|e| format!("cannot join the container's user namespace: {e}"))?;
    }
    move_into_link_name_space(net.as_fd(), Some(LinkNameSpaceType::Network))
        .map_err(|e| format!("cannot join the container's network namespace: {e}"))?;
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port} there: {e}"))?;
    let fds = [listener.as_fd()];
    let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(1))];
    let mut control = SendAncillaryBuffer::new(&mut space);
    if !control.push(SendAncillaryMessage::ScmRights(&fds)) {
        return Err("no room to send the socket".into());
    }
    rustix::net::sendmsg(
        std::io::stdin().as_fd(),
        &[IoSlice::new(b"1")],
        &mut control,
        SendFlags::empty(),
    )
    .map_err(|e| format!("cannot hand the socket back to vault: {e}"))?;
    Ok(())
}
