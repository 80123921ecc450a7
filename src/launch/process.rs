//! The child process: started with exactly the planned environment, stdin and the terminal
//! inherited, signals forwarded, output masked where asked, and its exit status passed on.

use std::ffi::{OsStr, OsString};
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::env::EnvValue;
use super::mask::{Secrets, pump};

/// The signals a parent that stays in between must pass on.
#[cfg(unix)]
pub const FORWARDED: [i32; 7] = [
    signal_hook::consts::SIGINT,
    signal_hook::consts::SIGTERM,
    signal_hook::consts::SIGHUP,
    signal_hook::consts::SIGQUIT,
    signal_hook::consts::SIGUSR1,
    signal_hook::consts::SIGUSR2,
    signal_hook::consts::SIGWINCH,
];

/// How long output from processes the command left behind is still passed on after it exits.
pub const LEFTOVER_OUTPUT: Duration = Duration::from_secs(2);

/// Where a program is looked for when the child has no PATH (what execvp uses).
const DEFAULT_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// What to start.
pub struct Launch<'d> {
    pub program: OsString,
    pub args: Vec<OsString>,
    pub env: Vec<(OsString, EnvValue<'d>)>,
    pub mask_stdout: bool,
    pub mask_stderr: bool,
    /// Start the child in a process group of its own: right when no terminal is involved, so
    /// that a signal sent to vault's group reaches the child once, through vault, not twice.
    pub own_process_group: bool,
    /// The program is bubblewrap, starting the command in a sandbox.
    pub sandbox: Option<Contained>,
}

/// How vault talks to a sandbox it started: bubblewrap passes no signal on, so each goes to
/// the init inside as a byte on a pipe; bubblewrap reports on another whether the sandbox
/// was set up (its `exit-code` comes only once the command started).
pub struct Contained {
    pub signals: std::fs::File,
    pub status: std::fs::File,
    /// The ends the child inherits, closed here once it has them.
    pub child_ends: Vec<std::os::fd::OwnedFd>,
    pub bwrap: PathBuf,
}

impl Contained {
    /// The pipes for a sandboxed run, and the descriptor numbers the child gets: (signals'
    /// read end, status's write end).
    #[cfg(unix)]
    pub fn new(bwrap: PathBuf) -> io::Result<(Self, i32, i32)> {
        use std::os::fd::AsRawFd;
        let (signal_read, signal_write) = rustix::pipe::pipe()?;
        let (status_read, status_write) = rustix::pipe::pipe()?;
        // vault's own ends stay out of the child; the others are inherited across exec.
        for own in [&signal_write, &status_read] {
            rustix::io::fcntl_setfd(own, rustix::io::FdFlags::CLOEXEC)?;
        }
        let numbers = (signal_read.as_raw_fd(), status_write.as_raw_fd());
        Ok((
            Self {
                signals: std::fs::File::from(signal_write),
                status: std::fs::File::from(status_read),
                child_ends: vec![signal_read, status_write],
                bwrap,
            },
            numbers.0,
            numbers.1,
        ))
    }

    /// Passes a signal on to the command inside.
    fn forward(&mut self, signal: i32) {
        use std::io::Write;
        if let Ok(byte) = u8::try_from(signal)
            && let Err(e) = self.signals.write_all(&[byte])
        {
            log::debug!("forwarding signal {signal} into the sandbox: {e}");
        }
    }

    /// Whether the sandbox was set up and the command started (bubblewrap has reported its
    /// exit code), read once bubblewrap has exited.
    fn command_started(&mut self) -> bool {
        use std::io::Read;
        let mut report = String::new();
        let _ = (&self.status).take(64 * 1024).read_to_string(&mut report);
        report.contains("\"exit-code\"")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("command not found: {name}{}", here_hint(.name))]
    NotFound { name: String },
    #[error(
        "cannot execute {0}: it is not executable (make it so with chmod +x {0}, or run it \
         through its interpreter, such as: sh {0})"
    )]
    NotExecutable(String),
    #[error("cannot execute {0}: the interpreter its #! line names was not found")]
    BadInterpreter(String),
    #[error(
        "cannot start {0}: its arguments and environment are larger than this system allows \
         (on Linux one value may be at most 128 KiB; is an attached value that large?)"
    )]
    TooBig(String),
    #[error("cannot start {0}")]
    Spawn(String, #[source] io::Error),
    #[error("cannot forward signals to the command")]
    Signals(#[source] io::Error),
    #[error("waiting for the command failed")]
    Wait(#[source] io::Error),
    #[error(transparent)]
    Sandbox(crate::sandbox::SandboxError),
}

impl LaunchError {
    /// The exit status a shell would give for this failure.
    pub fn exit_code(&self) -> u8 {
        match self {
            LaunchError::NotFound { .. } => 127,
            LaunchError::NotExecutable(_) | LaunchError::BadInterpreter(_) => 126,
            _ => 1,
        }
    }
}

/// A file of that name in the current directory is not found by a bare name, as in a shell.
fn here_hint(name: &str) -> String {
    if !name.contains('/') && Path::new(name).is_file() {
        format!(" (to run the file of that name in this directory, give its path: ./{name})")
    } else {
        String::new()
    }
}

/// A started child.
pub struct Running {
    child: Child,
    pumps: Vec<JoinHandle<io::Result<()>>>,
    #[cfg(unix)]
    signals: signal_hook::iterator::SignalsInfo<signal_hook::iterator::exfiltrator::WithOrigin>,
    #[cfg(unix)]
    own_process_group: bool,
    sandbox: Option<Contained>,
}

impl Running {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the child, forwarding signals meanwhile, then for its output to be passed
    /// on; returns its status. One loop does both: SIGCHLD says when to look for the status,
    /// so no extra thread is needed.
    pub fn wait(mut self) -> Result<ExitStatus, LaunchError> {
        #[cfg(unix)]
        let status = 'waiting: loop {
            if let Some(status) = self.child.try_wait().map_err(LaunchError::Wait)? {
                break 'waiting status;
            }
            for origin in self.signals.wait() {
                // In its own group the child gets no signal but through vault; in vault's
                // group it already got what the terminal raised.
                let forward_it = origin.signal != signal_hook::consts::SIGCHLD
                    && (self.own_process_group || sent_by_a_process(&origin));
                if forward_it {
                    match &mut self.sandbox {
                        Some(sandbox) => sandbox.forward(origin.signal),
                        None => forward(self.child.id(), origin.signal),
                    }
                }
            }
        };
        #[cfg(not(unix))]
        let status = self.child.wait().map_err(LaunchError::Wait)?;
        self.finish_output();
        if let Some(sandbox) = &mut self.sandbox
            && !sandbox.command_started()
        {
            return Err(LaunchError::Sandbox(crate::sandbox::bwrap::diagnose(
                &sandbox.bwrap,
            )));
        }
        Ok(status)
    }

    /// Passes on what the command wrote before it exited. Processes it left behind may keep
    /// the output open: their output is passed on for a short while, and a signal asking
    /// vault to stop ends the wait at once (otherwise nothing would stop it).
    fn finish_output(&mut self) {
        let deadline = Instant::now() + LEFTOVER_OUTPUT;
        while self.pumps.iter().any(|p| !p.is_finished()) {
            #[cfg(unix)]
            if self.signals.pending().any(|o| is_a_stop(o.signal)) {
                break;
            }
            if Instant::now() >= deadline {
                log::info!("the command left processes that still hold its output; not waiting");
                break;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        for pump in self.pumps.drain(..) {
            if !pump.is_finished() {
                continue; // ended with the process; its output is not shown, never unmasked
            }
            // A reader that stopped (the terminal went away) does not change the status.
            if let Ok(Err(e)) = pump.join() {
                log::debug!("output pump: {e}");
            }
        }
    }
}

#[cfg(unix)]
fn is_a_stop(signal: i32) -> bool {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
    [SIGINT, SIGTERM, SIGHUP, SIGQUIT].contains(&signal)
}

/// Starts the child. `secrets` are masked in the streams that `launch` says to mask; `None`
/// when nothing is masked. Once this returns, nothing borrowed from the vault is needed any
/// more: the caller can drop it.
pub fn start(
    mut launch: Launch<'_>,
    secrets: Option<Arc<Secrets>>,
) -> Result<Running, LaunchError> {
    let name = launch.program.to_string_lossy().into_owned();
    let mut command = command_for(&launch)?;
    command.args(&launch.args).stdin(Stdio::inherit());
    super::env::apply(&mut command, &launch.env);
    let secrets = secrets.filter(|s| !s.is_empty());
    let piped = |masked: bool| {
        if masked && secrets.is_some() {
            Stdio::piped()
        } else {
            Stdio::inherit()
        }
    };
    command.stdout(piped(launch.mask_stdout));
    command.stderr(piped(launch.mask_stderr));
    #[cfg(unix)]
    if launch.own_process_group {
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
    }

    // Handlers are in place before the child exists, so nothing sent in between is lost
    // (SIGCHLD included); the child gets default dispositions back at exec. A signal that
    // was ignored when vault started (nohup, a background job) stays ignored, for the child
    // too: it is not watched, so not forwarded.
    #[cfg(unix)]
    let signals = {
        let mut watched: Vec<i32> = FORWARDED.into_iter().filter(|&s| !is_ignored(s)).collect();
        watched.push(signal_hook::consts::SIGCHLD);
        signal_hook::iterator::SignalsInfo::<signal_hook::iterator::exfiltrator::WithOrigin>::new(
            watched,
        )
        .map_err(LaunchError::Signals)?
    };

    let program_exists = command_exists(&command);
    let mut child = command.spawn().map_err(|e| match e.kind() {
        // The program itself was found: what is missing is its #! interpreter.
        io::ErrorKind::NotFound if program_exists => LaunchError::BadInterpreter(name.clone()),
        io::ErrorKind::NotFound => LaunchError::NotFound { name: name.clone() },
        io::ErrorKind::PermissionDenied => LaunchError::NotExecutable(name.clone()),
        io::ErrorKind::ArgumentListTooLong => LaunchError::TooBig(name.clone()),
        _ if e.raw_os_error() == Some(8) => LaunchError::NotExecutable(name.clone()), // ENOEXEC
        _ => LaunchError::Spawn(name.clone(), e),
    })?;
    // The sandbox has its ends of the pipes now; vault's copies would keep them open.
    if let Some(sandbox) = &mut launch.sandbox {
        sandbox.child_ends.clear();
    }

    let mut pumps = Vec::new();
    if let Some(secrets) = secrets {
        // The pumps only copy: small stacks keep a run's start cheap.
        let spawn_pump = |f: Box<dyn FnOnce() -> io::Result<()> + Send>| {
            std::thread::Builder::new()
                .name("mask".into())
                .stack_size(128 * 1024)
                .spawn(f)
                .map_err(|e| LaunchError::Spawn(name.clone(), e))
        };
        if let Some(out) = child.stdout.take() {
            let secrets = Arc::clone(&secrets);
            pumps.push(spawn_pump(Box::new(move || {
                pump(&secrets, out, io::stdout())
            }))?);
        }
        if let Some(err) = child.stderr.take() {
            pumps.push(spawn_pump(Box::new(move || {
                pump(&secrets, err, io::stderr())
            }))?);
        }
    }
    Ok(Running {
        child,
        pumps,
        #[cfg(unix)]
        signals,
        #[cfg(unix)]
        own_process_group: launch.own_process_group,
        sandbox: launch.sandbox,
    })
}

/// The command for the program, found as a shell would on the child's own PATH. Spawning the
/// resolved path also lets std use posix_spawn (a vfork) rather than fork and its own search,
/// which it must do when the child's environment differs from ours.
#[cfg(unix)]
fn command_for(launch: &Launch<'_>) -> Result<Command, LaunchError> {
    let child_path = super::env::child_path(&launch.env);
    let program = resolve_program(&launch.program, child_path.as_deref())?;
    let mut command = Command::new(program);
    // argv[0] as typed, as a shell passes it (busybox-style tools look at it).
    std::os::unix::process::CommandExt::arg0(&mut command, &launch.program);
    Ok(command)
}

/// Elsewhere std's own lookup knows the platform's rules (Path, PATHEXT).
#[cfg(not(unix))]
fn command_for(launch: &Launch<'_>) -> Result<Command, LaunchError> {
    Ok(Command::new(&launch.program))
}

fn command_exists(command: &Command) -> bool {
    Path::new(command.get_program()).is_file()
}

/// Finds a program as execvp does: a name with a slash is used as it is; a bare name is looked
/// up in each PATH directory (an empty entry meaning the current directory), taking the first
/// file this user may execute.
#[cfg(unix)]
pub fn resolve_program(program: &OsStr, path: Option<&OsStr>) -> Result<PathBuf, LaunchError> {
    let name = program.to_string_lossy().into_owned();
    if program.is_empty() {
        return Err(LaunchError::NotFound { name });
    }
    if program.to_string_lossy().contains('/') {
        return Ok(PathBuf::from(program));
    }
    let path = path.unwrap_or(OsStr::new(DEFAULT_PATH));
    let mut found_but_not_executable = false;
    for dir in std::env::split_paths(path) {
        let candidate = if dir.as_os_str().is_empty() {
            PathBuf::from(".").join(program)
        } else {
            dir.join(program)
        };
        if !candidate.is_file() {
            continue;
        }
        match rustix::fs::access(&candidate, rustix::fs::Access::EXEC_OK) {
            Ok(()) => return Ok(candidate),
            Err(_) => found_but_not_executable = true,
        }
    }
    Err(if found_but_not_executable {
        LaunchError::NotExecutable(name)
    } else {
        LaunchError::NotFound { name }
    })
}

/// Whether `signal` is ignored now (as `nohup` and background shell jobs leave some).
#[cfg(unix)]
fn is_ignored(signal: i32) -> bool {
    // SAFETY: with a null new action, sigaction only reads the current one into `current`,
    // a plain C struct that zeroed memory initialises validly.
    unsafe {
        let mut current: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut current) == 0
            && current.sa_sigaction == libc::SIG_IGN
    }
}

/// A signal some process sent (kill, a supervisor, a CI runner) is passed on. One the kernel
/// raised for the terminal (Ctrl-C, window resize, hang-up) already went to the whole
/// foreground process group, the child included: passing it on would deliver it twice.
#[cfg(unix)]
fn sent_by_a_process(origin: &signal_hook::low_level::siginfo::Origin) -> bool {
    use signal_hook::low_level::siginfo::Cause;
    !matches!(origin.cause, Cause::Kernel)
}

/// Sends `signal` to process `pid` (a child of vault's), as vault forwards signals.
#[cfg(unix)]
pub fn signal(pid: u32, signal: i32) {
    forward(pid, signal);
}

#[cfg(unix)]
fn forward(pid: u32, signal: i32) {
    let (Some(pid), Some(signal)) = (
        i32::try_from(pid)
            .ok()
            .and_then(rustix::process::Pid::from_raw),
        rustix::process::Signal::from_named_raw(signal),
    ) else {
        return;
    };
    if let Err(e) = rustix::process::kill_process(pid, signal) {
        log::debug!("forwarding signal {signal:?}: {e}");
    }
}

/// The status vault exits with: the child's code, or 128 + N when a signal N ended it.
pub fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from((128 + signal) & 0xff).unwrap_or(1);
        }
    }
    1
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_on_the_child_s_path() {
        let dir = tempfile::tempdir().unwrap();
        let (first, second) = (dir.path().join("first"), dir.path().join("second"));
        std::fs::create_dir(&first).unwrap();
        std::fs::create_dir(&second).unwrap();
        // Not executable in the first directory, executable in the second: the second wins,
        // as in a shell.
        std::fs::write(first.join("tool"), "#!/bin/sh\n").unwrap();
        std::fs::write(second.join("tool"), "#!/bin/sh\n").unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(second.join("tool"), std::fs::Permissions::from_mode(0o755))
            .unwrap();
        let path = std::env::join_paths([&first, &second]).unwrap();
        assert_eq!(
            resolve_program(OsStr::new("tool"), Some(&path)).unwrap(),
            second.join("tool")
        );
        let only_first = std::env::join_paths([&first]).unwrap();
        assert!(matches!(
            resolve_program(OsStr::new("tool"), Some(&only_first)),
            Err(LaunchError::NotExecutable(_))
        ));
        assert!(matches!(
            resolve_program(OsStr::new("nope"), Some(&path)),
            Err(LaunchError::NotFound { .. })
        ));
        assert_eq!(
            resolve_program(OsStr::new("./x"), None).unwrap(),
            PathBuf::from("./x")
        );
        // No PATH at all: the usual directories, not the current one.
        assert_eq!(
            resolve_program(OsStr::new("sh"), None)
                .unwrap()
                .parent()
                .map(|p| p.is_absolute()),
            Some(true)
        );
    }
}
