//! The mail lane: a thread of its own where mails are composed and handed to the transport,
//! at the lowest CPU priority the system has (`SCHED_IDLE` on Linux). The kernel runs it on a
//! core no page wants, and a page that wakes up takes the core from it at once, so a fan-out
//! to hundreds of members does not slow the pages down (a lower `nice` did not do that: it
//! changes a thread's share, not who runs first when a page arrives).
//!
//! The database stays out of it: the worker claims and records at normal priority, so no
//! write lock is ever held by a thread that waits for an idle core. When every core is busy
//! for long, mail waits in the outbox; nothing is lost, and a conversation an SMTP server
//! gave up on is a temporary failure, tried again.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::Handle;

/// Runs `work` on the lane and waits for it. `Err` says why it did not finish (the lane's
/// thread could not start, or the work panicked), in words for the delivery's record.
pub async fn run<F>(work: F) -> Result<F::Output, String>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    match lane() {
        Some(handle) => handle
            .spawn(work)
            .await
            .map_err(|e| format!("the mail lane stopped: {e}")),
        None => Err("the mail lane could not start".into()),
    }
}

/// The lane, started on first use and kept for the life of the process.
fn lane() -> Option<&'static Handle> {
    static LANE: OnceLock<Option<Handle>> = OnceLock::new();
    LANE.get_or_init(|| match start() {
        Ok(handle) => Some(handle),
        Err(e) => {
            tracing::error!("the mail lane could not start: {e}");
            None
        }
    })
    .as_ref()
}

fn start() -> std::io::Result<Handle> {
    // Timers and sockets for lettre; a thread of its own, so one runtime is enough.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let handle = runtime.handle().clone();
    std::thread::Builder::new()
        .name("mail-lane".into())
        .spawn(move || {
            lowest_priority();
            runtime.block_on(std::future::pending::<()>());
        })?;
    Ok(handle)
}

/// Lowers the calling thread for good (an unprivileged thread cannot raise itself again).
/// Threads it starts afterwards (a name look-up, say) inherit the policy.
#[cfg(target_os = "linux")]
pub(crate) fn lowest_priority() {
    use thread_priority::ThreadPriority;
    use thread_priority::unix::{
        NormalThreadSchedulePolicy, ThreadSchedulePolicy, set_thread_priority_and_policy,
        thread_native_id,
    };
    let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
    if let Err(e) = set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle) {
        tracing::warn!("this thread stays at normal priority: {e:?}");
    }
}

/// Elsewhere the lane runs at normal priority.
#[cfg(not(target_os = "linux"))]
pub(crate) fn lowest_priority() {}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn work_runs_on_the_lane_thread() {
        let name = run(async { std::thread::current().name().map(str::to_owned) })
            .await
            .expect("the lane runs");
        assert_eq!(name.as_deref(), Some("mail-lane"));
    }

    #[cfg(target_os = "linux")]
    #[actix_web::test]
    async fn the_lane_runs_at_idle_priority() {
        use thread_priority::unix::{
            NormalThreadSchedulePolicy, ThreadSchedulePolicy, thread_schedule_policy,
        };
        let policy = run(async { thread_schedule_policy() })
            .await
            .expect("the lane runs")
            .expect("the lane's policy");
        assert_eq!(
            policy,
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle)
        );
        let here = thread_schedule_policy().expect("this thread's policy");
        assert_ne!(here, policy, "only the lane is lowered");
    }

    #[actix_web::test]
    async fn a_panic_on_the_lane_is_an_error_and_the_lane_goes_on() {
        let stopped: Result<(), String> = run(async { panic!("composing failed") }).await;
        let why = stopped.expect_err("a panic is not a result");
        assert!(why.contains("the mail lane stopped"), "{why}");
        assert_eq!(run(async { 2 + 2 }).await, Ok(4));
    }
}
