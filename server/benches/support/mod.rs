//! What the benches share: reaping a child with its peak RSS, and this process's own peak.

use std::process::Child;
// turbojpeg re-exports libc: wait4 without another dependency.
use turbojpeg::libc;

/// Waits for `child` to end with `wait4`, which also reports its peak RSS (KB), rather than
/// `Child::wait`; panics, naming `what`, unless it exited with status 0.
pub fn reap(child: &Child, what: &dyn std::fmt::Debug) -> i64 {
    let pid = libc::pid_t::try_from(child.id()).expect("process ids fit pid_t");
    let mut status = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we spawned.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let succeeded = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    assert!(waited == pid && succeeded, "{what:?} failed: {status}");
    usage.ru_maxrss
}

/// The peak RSS of this process's own memory (`VmHWM`), without its children.
pub fn own_peak_rss_kb() -> i64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
