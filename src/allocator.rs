//! Few allocator arenas. glibc's `malloc` gives each thread that allocates an arena of its
//! own, up to eight per core, and keeps in each what was freed there for that thread's next
//! use. The service's threads (two HTTP workers, a blocking thread per database connection,
//! the pool's, the mail lane, the scheduler) each held their own, sixteen in all: under the
//! page benchmark on the large coalition the server's peak was 73 MB with them and 51 MB
//! with one arena per core (README, "Performance"): as many arenas as threads can run at
//! once. The price: threads that allocate at the same moment wait for each other more.
//!
//! Large blocks given back. glibc serves a block of 128 KiB or more from its own `mmap` and
//! unmaps it when freed, but the first time such a block is freed it raises that threshold
//! to the block's size (up to 32 MiB), and the next blocks of that size come from an arena
//! and stay there. A sign-in's password hash takes 7 MiB (Argon2id, `auth::password`): from
//! the second sign-in on, each arena kept one, 14 MB of the 46 MB the page benchmark's
//! server held after its sign-ins. With the threshold fixed at 1 MiB, every block that
//! large is unmapped when freed, and glibc no longer moves it; a page's rendering (a few
//! hundred KB at most) still comes from the arenas.
//!
//! Both are read by glibc when the process starts (`MALLOC_ARENA_MAX`,
//! `MALLOC_MMAP_THRESHOLD_`), and setting them from inside takes `mallopt` (unsafe code,
//! which this crate forbids). So the program starts itself again, once, at the very
//! beginning, with the variables set: the same process (`exec` keeps its id, which is what
//! systemd and the benchmark watch), the same arguments.

use std::ffi::OsString;

/// The variables glibc reads.
const ARENA_MAX: &str = "MALLOC_ARENA_MAX";
const MMAP_THRESHOLD: &str = "MALLOC_MMAP_THRESHOLD_";

/// Blocks of this many bytes or more are mapped on their own and given back when freed.
pub const MMAP_THRESHOLD_BYTES: usize = 1 << 20;

/// Whether the arenas are still to be settled: on glibc, unless the variable, or a glibc
/// tunable (which an operator may have chosen), is set already. `var` reads the environment.
pub fn unsettled(var: impl Fn(&str) -> Option<OsString>) -> bool {
    cfg!(all(target_os = "linux", target_env = "gnu"))
        && var(ARENA_MAX).is_none()
        && var("GLIBC_TUNABLES").is_none()
}

/// The variables to start again with: one arena per core, and the fixed threshold unless
/// the operator chose one.
pub fn variables(
    var: impl Fn(&str) -> Option<OsString>,
    cores: usize,
) -> Vec<(&'static str, String)> {
    let mut out = vec![(ARENA_MAX, cores.to_string())];
    if var(MMAP_THRESHOLD).is_none() {
        out.push((MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES.to_string()));
    }
    out
}

/// Starts this program again with few arenas and a fixed threshold, when they are
/// unsettled. Returns only when it did not: settled already, not glibc, or the program could
/// not be started again (then it goes on as it is, with glibc's defaults).
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
        let variables = variables(|name| std::env::var_os(name), cores);
        let failure = again.args(args).envs(variables).exec();
        eprintln!("note: running with glibc's default allocator settings ({failure})");
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

    #[test]
    fn one_arena_per_core_and_large_blocks_given_back_unless_the_operator_chose() {
        let none = |_: &str| None;
        assert_eq!(
            variables(none, 2),
            [
                ("MALLOC_ARENA_MAX", "2".to_owned()),
                ("MALLOC_MMAP_THRESHOLD_", "1048576".to_owned())
            ]
        );
        let chosen = |v: &str| (v == "MALLOC_MMAP_THRESHOLD_").then(|| OsString::from("65536"));
        assert_eq!(variables(chosen, 4), [("MALLOC_ARENA_MAX", "4".to_owned())]);
    }
}
