//! What the benchmarks share: running the real binary on a vault, timed, with the child's
//! own peak memory; medians; milliseconds.
#![allow(dead_code)]

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary on `path`, returning wall time and the child's own peak RSS in KiB.
pub fn run_vault(path: &Path, key: &str, args: &[&str]) -> (Duration, u64) {
    run_vault_with(path, key, args, &[])
}

/// `run_vault` with more environment variables.
// The child is reaped by wait4 below, which clippy cannot see.
#[allow(clippy::zombie_processes)]
pub fn run_vault_with(
    path: &Path,
    key: &str,
    args: &[&str],
    envs: &[(&str, &Path)],
) -> (Duration, u64) {
    let started = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_vault"))
        .args(args)
        .env_clear()
        .envs(envs.iter().copied())
        .env("VAULT_FILE", path)
        .env("VAULT_IDENTITY", key)
        .env("VAULT_NO_KEYRING", "1")
        .env("HOME", path.parent().expect("dir"))
        .env("BENCH_VALUE", "sk-new-value")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn vault");
    let (status, rss) = wait_with_rusage(child.id());
    let took = started.elapsed();
    assert!(status.success(), "vault {args:?} failed: {status:?}");
    (took, rss)
}

/// `wait4`, which reports the peak RSS of exactly this child (std's wait does not).
fn wait_with_rusage(pid: u32) -> (std::process::ExitStatus, u64) {
    let mut status = 0;
    // SAFETY: rusage is plain data that wait4 fills in; pid is our own unreaped child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let ret = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(ret, pid as libc::pid_t, "wait4 failed");
    (
        std::process::ExitStatus::from_raw(status),
        usage.ru_maxrss as u64,
    )
}

pub fn median(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..runs).map(|_| f()).collect();
    times.sort();
    times[runs / 2]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
