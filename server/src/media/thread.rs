//! Where photos are made, so that making them never takes the cores that answer requests:
//! each worker hands its decoding and encoding to its own OS thread, which lowers its own
//! scheduling priority (`WORKER_NICE`) before its first photo. tokio's shared blocking pool
//! is not used: its threads also run file serving and uploads, and a thread's priority
//! cannot be raised again without privileges.

use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use tokio::sync::oneshot;

type Task = Box<dyn FnOnce() + Send>;

/// One dedicated, lower-priority thread that runs blocking work handed to it, one at a time.
/// The thread ends when this handle is dropped.
pub struct PhotoThread {
    tasks: mpsc::Sender<Task>,
}

impl PhotoThread {
    /// Starts the thread; it sets its own nice value to `nice` (Linux, per thread) first.
    pub fn start(nice: i32) -> io::Result<PhotoThread> {
        let (tasks, queue) = mpsc::channel::<Task>();
        std::thread::Builder::new()
            .name("photo-worker".into())
            .spawn(move || {
                lower_own_priority(nice);
                while let Ok(task) = queue.recv() {
                    // A panic fails only this task: its reply is dropped unsent.
                    let _ = catch_unwind(AssertUnwindSafe(task));
                }
            })?;
        Ok(PhotoThread { tasks })
    }

    /// Runs `work` on the thread and waits for it without blocking the async runtime.
    /// `None` when the work panicked.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (reply, answer) = oneshot::channel();
        let task: Task = Box::new(move || {
            let _ = reply.send(work());
        });
        self.tasks.send(task).ok()?;
        answer.await.ok()
    }
}

#[cfg(target_os = "linux")]
fn lower_own_priority(nice: i32) {
    // On Linux PRIO_PROCESS with a thread id sets that thread's nice value alone.
    // SAFETY: gettid takes nothing and touches no memory of ours.
    let tid = unsafe { libc::gettid() };
    // Thread ids are positive.
    let Ok(tid) = libc::id_t::try_from(tid) else {
        return;
    };
    // SAFETY: setpriority takes plain integers and touches no memory of ours.
    let result = unsafe { libc::setpriority(libc::PRIO_PROCESS, tid, nice) };
    if result != 0 {
        tracing::warn!(nice, error = %io::Error::last_os_error(), "could not lower the photo worker's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_own_priority(nice: i32) {
    tracing::warn!(
        nice,
        "per-thread priority is only set on Linux; photo workers run at normal priority"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// This thread's nice value, read from the kernel's own record (field 19 of its stat).
    fn own_nice() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("stat");
        let after_name = &stat[stat.rfind(')').expect("name") + 1..];
        // Fields from the 3rd on; the nice value is the 19th.
        after_name
            .split_whitespace()
            .nth(16)
            .expect("nice")
            .parse()
            .expect("number")
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_photo_thread_runs_at_the_configured_nice_value() {
        let before = own_nice();
        let thread = PhotoThread::start(before + 7).expect("thread");
        assert_eq!(thread.run(own_nice).await, Some(before + 7));
        assert_eq!(own_nice(), before, "the calling thread keeps its priority");
    }

    #[tokio::test]
    async fn a_panic_fails_only_its_task() {
        let thread = PhotoThread::start(0).expect("thread");
        assert_eq!(thread.run(|| -> u8 { panic!("bad photo") }).await, None);
        assert_eq!(thread.run(|| 2 + 2).await, Some(4));
    }
}
