//! Link settings for the `roundtable` binary.
//!
//! Packed relative relocations (`-z pack-relative-relocs`, DT_RELR). The binary is
//! position-independent, so the loader fixes up some 87,000 pointers in its read-only data
//! at every start (time-zone tables, string tables, vtables). As plain RELA entries they
//! took 2 MB of the file, all read at start and so counted in the server's resident memory
//! for as long as it runs; packed, a few KB (README, "Performance"). The loader must know
//! the packed form: glibc 2.36 or later, which the linker then records as a requirement. So
//! it is asked for only when building for the machine it builds on, and that machine's
//! glibc is recent enough; anywhere else the binary links as before.

use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if for_this_machine() && glibc_reads_packed_relocations() {
        println!("cargo::rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

fn for_this_machine() -> bool {
    let var = |name| std::env::var(name).unwrap_or_default();
    var("TARGET") == var("HOST")
        && var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
}

/// Whether the glibc here is 2.36 or later (`getconf GNU_LIBC_VERSION`: "glibc 2.36").
fn glibc_reads_packed_relocations() -> bool {
    let Ok(out) = Command::new("getconf").arg("GNU_LIBC_VERSION").output() else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut numbers = text
        .trim()
        .trim_start_matches("glibc ")
        .split('.')
        .map(|n| n.parse::<u32>().unwrap_or(0));
    let major = numbers.next().unwrap_or(0);
    let minor = numbers.next().unwrap_or(0);
    (major, minor) >= (2, 36)
}
