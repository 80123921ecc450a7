//! The first process inside a sandbox (PID 1 of its namespace; it is vault's own binary,
//! started as `vault __sandbox-init`): it starts the command, passes on each signal vault
//! writes to it (bubblewrap passes none on), reaps what the command leaves behind, and exits
//! with the command's status. With `--network proxy` it also listens on the proxy's port
//! inside and relays each connection to the proxy's unix socket, the one way out.

use std::ffi::OsString;
use std::io::{self, Read};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::PathBuf;

/// The hidden first argument that makes vault this init.
pub const COMMAND: &str = "__sandbox-init";

struct Args {
    signals: OwnedFd,
    relay: Option<(u16, PathBuf)>,
    /// The sandbox shares the machine's network (where abstract sockets live).
    host_network: bool,
    arg0: OsString,
    program: OsString,
    args: Vec<OsString>,
}

fn parse(mut argv: impl Iterator<Item = OsString>) -> Option<Args> {
    let (mut signals, mut relay, mut arg0, mut host_network) = (None, None, None, false);
    loop {
        let flag = argv.next()?;
        match flag.to_str()? {
            "--signals" => {
                let fd: i32 = argv.next()?.to_str()?.parse().ok()?;
                // SAFETY: vault outside made this descriptor for this process alone, and
                // nothing else here owns it.
                signals = Some(unsafe { OwnedFd::from_raw_fd(fd) });
            }
            "--relay" => {
                let value = argv.next()?;
                let (port, path) = value.to_str()?.split_once('=')?;
                relay = Some((port.parse().ok()?, PathBuf::from(path)));
            }
            "--arg0" => arg0 = Some(argv.next()?),
            "--host-network" => host_network = true,
            "--" => break,
            _ => return None,
        }
    }
    let program = argv.next()?;
    Some(Args {
        signals: signals?,
        relay,
        host_network,
        arg0: arg0.unwrap_or_else(|| program.clone()),
        program,
        args: argv.collect(),
    })
}

/// Runs as the init; returns the exit status for the sandbox (the command's, 128+N for a
/// signal, 127/126 when it cannot be started).
#[cfg(target_os = "linux")]
pub fn main(argv: impl Iterator<Item = OsString>) -> u8 {
    use std::os::unix::process::CommandExt;

    let Some(args) = parse(argv) else {
        eprintln!("vault: {COMMAND} is started by vault run --sandbox, not by hand");
        return 2;
    };
    // The command must not inherit the signal pipe.
    let _ = rustix::io::fcntl_setfd(&args.signals, rustix::io::FdFlags::CLOEXEC);
    if let Some((port, socket)) = args.relay {
        match std::net::TcpListener::bind(("127.0.0.1", port)) {
            Ok(listener) => {
                let _ = rustix::io::fcntl_setfd(&listener, rustix::io::FdFlags::CLOEXEC);
                spawn_small(move || relay(listener, socket));
            }
            Err(e) => {
                eprintln!("vault: cannot listen on the proxy's port in the sandbox: {e}");
                return 1;
            }
        }
    }
    // Nothing of this process's own (another program may have left descriptors open to
    // vault) passes to the command, nor the person's kernel session keyring; and the
    // command cannot ptrace this process to stop it.
    close_other_descriptors(&args.signals);
    // SAFETY: keyctl(JOIN_SESSION_KEYRING, NULL) and prctl(SET_DUMPABLE, 0) touch no memory
    // of ours.
    unsafe {
        libc::syscall(libc::SYS_keyctl, 1, std::ptr::null::<libc::c_char>());
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    if !keep_out_of_abstract_sockets() && args.host_network {
        eprintln!(
            "vault: warning: this kernel cannot keep the machine's abstract unix sockets (a \
             D-Bus session bus, X11) from the sandboxed command on the machine's network \
             (Landlock scoping needs Linux 6.12); use --network proxy or none"
        );
    }
    let child = match std::process::Command::new(&args.program)
        .arg0(&args.arg0)
        .args(&args.args)
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            let name = args.arg0.to_string_lossy();
            return match e.kind() {
                io::ErrorKind::NotFound => {
                    eprintln!("vault: command not found in the sandbox: {name}");
                    127
                }
                _ => {
                    eprintln!("vault: cannot execute {name} in the sandbox: {e}");
                    126
                }
            };
        }
    };
    let pid = child.id() as i32;
    let signals = args.signals;
    spawn_small(move || pass_on_signals(signals, pid));
    loop {
        let mut status = 0;
        // SAFETY: waitpid only writes the status of a child it reaps into `status`.
        let reaped = unsafe { libc::waitpid(-1, &mut status, 0) };
        if reaped == pid {
            // The others die with this process: it is PID 1 of the namespace.
            return if libc::WIFEXITED(status) {
                libc::WEXITSTATUS(status) as u8
            } else if libc::WIFSIGNALED(status) {
                128u8.saturating_add(libc::WTERMSIG(status) as u8)
            } else {
                1
            };
        }
        if reaped == -1 && io::Error::last_os_error().raw_os_error() != Some(libc::EINTR) {
            return 1;
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn main(_argv: impl Iterator<Item = OsString>) -> u8 {
    eprintln!("vault: the sandbox is Linux only");
    2
}

/// Landlock's scope for abstract unix sockets: the command (and all it starts) can connect
/// to none made outside the sandbox. Whether the kernel enforces it.
#[cfg(target_os = "linux")]
fn keep_out_of_abstract_sockets() -> bool {
    use landlock::{Ruleset, RulesetAttr, RulesetStatus, Scope};
    Ruleset::default()
        .scope(Scope::AbstractUnixSocket)
        .and_then(|ruleset| ruleset.create())
        .and_then(|ruleset| ruleset.restrict_self())
        .is_ok_and(|status| status.ruleset == RulesetStatus::FullyEnforced)
}

/// Closes every descriptor but the standard three, `keep`, and what this process opened
/// itself since (the relay's listener is opened close-on-exec).
#[cfg(target_os = "linux")]
fn close_other_descriptors(keep: &OwnedFd) {
    use std::os::fd::AsRawFd;
    let keep = keep.as_raw_fd();
    let Ok(dir) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    let open: Vec<i32> = dir
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    for fd in open.into_iter().filter(|&fd| fd > 2 && fd != keep) {
        // Close-on-exec rather than closed: the listing's own descriptor is among them, and
        // so may be the relay's listener (already close-on-exec).
        // SAFETY: fcntl on a descriptor number touches no memory; a stale number fails.
        unsafe {
            libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        }
    }
}

fn spawn_small(f: impl FnOnce() + Send + 'static) {
    let _ = std::thread::Builder::new().stack_size(64 * 1024).spawn(f);
}

/// Each byte vault writes is a signal for the command; the end of the pipe (vault gone)
/// ends the relay (bubblewrap then ends the sandbox).
#[cfg(target_os = "linux")]
fn pass_on_signals(fd: OwnedFd, pid: i32) {
    let mut pipe = std::fs::File::from(fd);
    let mut byte = [0u8; 1];
    while let Ok(1) = pipe.read(&mut byte) {
        // SAFETY: kill with a valid signal number has no memory effects.
        unsafe {
            libc::kill(pid, i32::from(byte[0]));
        }
    }
}

/// The proxy's port inside: each connection is carried to the proxy's unix socket.
fn relay(listener: std::net::TcpListener, socket: PathBuf) {
    for client in listener.incoming().flatten() {
        let Ok(proxy) = std::os::unix::net::UnixStream::connect(&socket) else {
            continue;
        };
        let (Ok(client_back), Ok(proxy_back)) = (client.try_clone(), proxy.try_clone()) else {
            continue;
        };
        spawn_small(move || {
            let _ = io::copy(&mut &client, &mut &proxy);
            let _ = proxy.shutdown(std::net::Shutdown::Write);
        });
        spawn_small(move || {
            let _ = io::copy(&mut &proxy_back, &mut &client_back);
            let _ = client_back.shutdown(std::net::Shutdown::Write);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_arguments_are_read_as_vault_writes_them() {
        let argv = [
            "--signals",
            "0",
            "--relay",
            "8765=/tmp/s",
            "--arg0",
            "py",
            "--",
            "/usr/bin/python3",
            "-c",
            "x",
        ]
        .map(OsString::from);
        let args = parse(argv.into_iter()).unwrap();
        assert_eq!(args.relay, Some((8765, PathBuf::from("/tmp/s"))));
        assert_eq!(args.arg0, "py");
        assert_eq!(args.program, "/usr/bin/python3");
        assert_eq!(args.args, ["-c", "x"]);
        // Not to close the test's stdin when dropped.
        std::mem::forget(args.signals);
        assert!(parse(["--bogus"].map(OsString::from).into_iter()).is_none());
    }
}
