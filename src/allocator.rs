//! Few allocator arenas. glibc's `malloc` gives each thread that allocates an arena of its
//! own, up to eight per core, and keeps in each what was freed there for that thread's next
//! use. The service's threads (two HTTP workers, a blocking thread per database connection,
//! the pool's, the mail lane, the scheduler) each held their own, sixteen in all: under the
//! page benchmark on the large coalition the server's peak was 73 MB with them and 51 MB
//! with one arena per core (README, "Performance"): as many arenas as threads can run at
//! once. The price: threads that allocate at the same moment wait for each other more.
//!
//! The number is read by glibc when the process starts, from `MALLOC_ARENA_MAX`, and setting
//! it from inside takes `mallopt` (unsafe code, which this crate forbids). So the program
//! starts itself again, once, at the very beginning, with the variable set: the same process
//! (`exec` keeps its id, which is what systemd and the benchmark watch), the same arguments.

use std::ffi::OsString;

/// The variable glibc reads.
const ARENA_MAX: &str = "MALLOC_ARENA_MAX";

/// Whether the arenas are still to be settled: on glibc, unless the variable, or a glibc
/// tunable (which an operator may have chosen), is set already. `var` reads the environment.
pub fn unsettled(var: impl Fn(&str) -> Option<OsString>) -> bool {
    cfg!(all(target_os = "linux", target_env = "gnu"))
        && var(ARENA_MAX).is_none()
        && var("GLIBC_TUNABLES").is_none()
}

/// Starts this program again with few arenas, when they are unsettled. Returns only when it
/// did not: settled already, not glibc, or the program could not be started again (then it
/// goes on as it is, with glibc's default).
pub fn settle() {
    if !unsettled(|name| std::env::var_os(name)) {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let Ok(program) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let mut again = std::process::Command::new(program);
        if let Some(name) = args.next() {
            again.arg0(name);
        }
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        let failure = again.args(args).env(ARENA_MAX, cores.to_string()).exec();
        eprintln!("note: running with glibc's default allocator arenas ({failure})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arenas_are_settled_once_and_an_operators_choice_stands() {
        let none = |_: &str| None;
        let with = |name: &'static str| move |v: &str| (v == name).then(|| OsString::from("4"));
        let glibc = cfg!(all(target_os = "linux", target_env = "gnu"));
        assert_eq!(unsettled(none), glibc);
        assert!(
            !unsettled(with("MALLOC_ARENA_MAX")),
            "started again already"
        );
        assert!(
            !unsettled(with("GLIBC_TUNABLES")),
            "the operator's tunables"
        );
        assert!(unsettled(with("MALLOC_TOP_PAD_")) == glibc);
    }
}
