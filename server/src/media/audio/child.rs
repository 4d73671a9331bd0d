//! Running ffmpeg and ffprobe as children under limits: the kernel caps their address space and
//! CPU time (`prlimit` from util-linux sets the limits and then executes the program, so no
//! `unsafe` `pre_exec` is needed), this module caps their wall time, and a child whose handle
//! is dropped (a timeout, a caller that stopped reading) is killed. A child sees an empty
//! environment, no standard input, may write no file, and its standard error is kept only in
//! its last `STDERR_TAIL` bytes.

use super::error::AudioError;
use super::limits::ChildLimits;
use std::ffi::OsString;
use std::future::Future;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Stdio;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::{Child, ChildStdout, Command};
use tokio::task::JoinHandle;

const STDERR_TAIL: usize = 64 * 1024;

/// How a child ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    Success {
        stderr: String,
    },
    /// A non-zero exit or a crash: the input could not be read or decoded (or, near the memory
    /// limit, an allocation failed).
    Failed {
        stderr: String,
    },
    /// Killed by the kernel at its CPU-time limit.
    OverCpu,
}

/// A started child: read `stdout`, then `wait`.
#[derive(Debug)]
pub struct Running {
    process: Process,
    pub stdout: ChildStdout,
}

/// A started child whose standard output goes to another child: only `wait`.
#[derive(Debug)]
pub struct Process {
    program: &'static str,
    child: Child,
    stderr: JoinHandle<Vec<u8>>,
}

/// The niceness of every decoding child (the default `WORKER_NICE`).
const CHILD_NICE: &str = "10";

/// Starts `program` (found on `PATH`) with `args` under `limits`.
pub fn spawn(
    program: &'static str,
    args: Vec<OsString>,
    limits: &ChildLimits,
) -> Result<Running, AudioError> {
    start(program, args, limits, Stdio::null())
}

/// Starts `feeder` with its standard output piped straight into `consumer`'s standard input,
/// both under `limits`: the two run at once, on two cores when there are two.
pub fn spawn_pipeline(
    feeder: (&'static str, Vec<OsString>),
    consumer: (&'static str, Vec<OsString>),
    limits: &ChildLimits,
) -> Result<(Process, Running), AudioError> {
    let (reader, writer) = std::io::pipe().map_err(|source| AudioError::Spawn {
        program: feeder.0,
        source,
    })?;
    let mut feeding = command(feeder.0, feeder.1, limits)?;
    feeding.stdin(Stdio::null()).stdout(writer);
    // Only the child keeps the pipe's writing end, so the consumer sees the end of its input
    // when the feeder exits.
    let (feeding, _) = launch(feeder.0, feeding)?;
    let consuming = start(consumer.0, consumer.1, limits, Stdio::from(reader))?;
    Ok((feeding, consuming))
}

fn start(
    program: &'static str,
    args: Vec<OsString>,
    limits: &ChildLimits,
    stdin: Stdio,
) -> Result<Running, AudioError> {
    let mut command = command(program, args, limits)?;
    command.stdin(stdin).stdout(Stdio::piped());
    let (process, stdout) = launch(program, command)?;
    Ok(Running {
        process,
        stdout: stdout.ok_or_else(|| no_pipe(program))?,
    })
}

/// The command that runs `program` niced, under `prlimit`, with an empty environment and its
/// standard error piped.
fn command(
    program: &'static str,
    args: Vec<OsString>,
    limits: &ChildLimits,
) -> Result<Command, AudioError> {
    let spawn_error = |source| AudioError::Spawn { program, source };
    let path = locate(program).map_err(spawn_error)?;
    // Niced like the photo workers' threads, so decoding never takes cores from readers.
    let mut command = Command::new(locate("nice").map_err(spawn_error)?);
    command
        .args(["-n", CHILD_NICE])
        .arg(locate("prlimit").map_err(spawn_error)?)
        .arg(format!("--as={}", limits.memory_bytes))
        .arg(format!("--cpu={}", limits.cpu_seconds))
        .arg("--core=0")
        .arg("--fsize=0")
        .arg("--")
        .arg(path)
        .args(args)
        .env_clear()
        .env("LC_ALL", "C")
        // One malloc arena per thread would reserve 64 MB of address space each.
        .env("MALLOC_ARENA_MAX", "2")
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    Ok(command)
}

/// Spawns `command` (consumed, so the parent keeps no copy of a pipe handed to the child),
/// with its standard output when that was piped to us.
fn launch(
    program: &'static str,
    mut command: Command,
) -> Result<(Process, Option<ChildStdout>), AudioError> {
    let mut child = command
        .spawn()
        .map_err(|source| AudioError::Spawn { program, source })?;
    drop(command);
    let stderr = child.stderr.take().ok_or_else(|| no_pipe(program))?;
    let stdout = child.stdout.take();
    let process = Process {
        program,
        child,
        stderr: tokio::spawn(tail(stderr)),
    };
    Ok((process, stdout))
}

fn no_pipe(program: &'static str) -> AudioError {
    AudioError::Output {
        program,
        detail: "no pipe".into(),
    }
}

impl Running {
    /// Waits for the child to end (its standard output read to the end or not needed).
    pub async fn wait(self) -> Result<Exit, AudioError> {
        self.process.wait().await
    }
}

impl Process {
    /// Waits for the child to end.
    pub async fn wait(mut self) -> Result<Exit, AudioError> {
        let status = self.child.wait().await?;
        let stderr = self.stderr.await.map_err(|e| AudioError::Output {
            program: self.program,
            detail: e.to_string(),
        })?;
        let stderr = String::from_utf8_lossy(&stderr).into_owned();
        Ok(match status.signal() {
            Some(libc::SIGKILL | libc::SIGXCPU) => Exit::OverCpu,
            _ if status.success() => Exit::Success { stderr },
            _ => Exit::Failed { stderr },
        })
    }
}

/// Runs `work` (reading a child and waiting for it) within the child's wall time; when it runs
/// out, `work` is dropped and with it the child, which is killed.
pub async fn within<T>(
    program: &'static str,
    limits: &ChildLimits,
    work: impl Future<Output = Result<T, AudioError>>,
) -> Result<T, AudioError> {
    tokio::time::timeout(limits.wall, work)
        .await
        .map_err(|_| AudioError::TimedOut {
            program,
            seconds: limits.wall.as_secs(),
        })?
}

/// Reads a stream to its end, keeping its last `STDERR_TAIL` bytes.
async fn tail(mut stream: impl AsyncRead + Unpin) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buffer = [0u8; 8192];
    while let Ok(read @ 1..) = stream.read(&mut buffer).await {
        kept.extend_from_slice(&buffer[..read]);
        if kept.len() > 2 * STDERR_TAIL {
            kept.drain(..kept.len() - STDERR_TAIL);
        }
    }
    let cut = kept.len().saturating_sub(STDERR_TAIL);
    kept.split_off(cut)
}

/// The program's path on `PATH`, so that a missing ffmpeg is a server fault rather than
/// `prlimit` failing like a file that cannot be read.
fn locate(program: &str) -> std::io::Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| OsString::from("/usr/bin:/bin"));
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, program.to_owned()))
}
