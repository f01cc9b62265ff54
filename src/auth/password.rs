//! Password hashing with Argon2id, at most one hash per core at once.

use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use parking_lot::{Condvar, Mutex};
use std::sync::LazyLock;

use crate::error::Error;

pub const MIN_LENGTH: usize = 12;

/// The 30,000 most common passwords (see the file's head), lower-cased, read once.
static COMMON: LazyLock<std::collections::HashSet<String>> = LazyLock::new(|| {
    include_str!("common-passwords.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(str::to_lowercase)
        .collect()
});

/// The least zxcvbn score a new password needs: 3 is "safely unguessable", under 10^10
/// guesses being unlikely to find it (an offline attack on a slow hash).
const MIN_STRENGTH: u8 = 3;

/// Why a new password will not do, or `Ok` (ASVS 2.1): at least 12 characters, not only
/// spaces, not one character repeated, not among the 30,000 most common, and hard enough to
/// guess by zxcvbn's estimate (which knows words, names, dates, keyboard walks and
/// substitutions). `context` holds what an attacker knows of the person (name, email); a
/// password built from it counts as weaker. The one rule for every form that sets one.
pub fn check_with(candidate: &str, context: &[&str]) -> Result<(), String> {
    let length = candidate.chars().count();
    if length < MIN_LENGTH {
        return Err(format!("use at least {MIN_LENGTH} characters"));
    }
    if candidate.trim().is_empty() {
        return Err("a password of spaces only is too easy to guess".into());
    }
    let mut chars = candidate.chars();
    if let Some(first) = chars.next()
        && chars.all(|c| c == first)
    {
        return Err("one character repeated is too easy to guess".into());
    }
    if COMMON.contains(&candidate.to_lowercase()) {
        return Err("this password is among the first an attacker tries".into());
    }
    // zxcvbn's work grows with the length; what it would find in a long passphrase is
    // found in its first 100 characters too.
    let estimated: String = candidate.chars().take(100).collect();
    if u8::from(zxcvbn::zxcvbn(&estimated, context).score()) < MIN_STRENGTH {
        return Err(
            "this password is too easy to guess: add a word or two that do not belong together"
                .into(),
        );
    }
    Ok(())
}

/// `check_with` knowing nothing of the person.
pub fn check(candidate: &str) -> Result<(), String> {
    check_with(candidate, &[])
}

/// `check` as a `validator` rule, for the forms.
pub fn validate(candidate: &str) -> Result<(), validator::ValidationError> {
    check(candidate).map_err(|m| validator::ValidationError::new("password").with_message(m.into()))
}

#[cfg(test)]
mod rules {
    use super::check;

    #[test]
    fn easy_passwords_are_refused() {
        for easy in [
            "short",
            "          ",
            "            ",
            "aaaaaaaaaaaa",
            "Password1234",
            "123qweasdzxc",
            "1qaz2wsx3edc",
            "qwertyuiopasdfgh",
            "abcdefghijklmnop",
            "passwordpassword",
            "football2026!",
        ] {
            assert!(check(easy).is_err(), "{easy:?}");
        }
    }

    #[test]
    fn the_common_list_is_shipped_whole() {
        assert!(super::COMMON.len() > 29_000);
        assert!(super::COMMON.contains("sonyericsson"));
        assert!(check("SonyEricsson").is_err(), "in any case");
    }

    #[test]
    fn passphrases_pass_and_what_is_known_of_the_person_counts() {
        for good in [
            "a long admin password",
            "correct horse battery staple",
            "rosa's good password",
            "three unrelated words",
        ] {
            assert_eq!(check(good), Ok(()), "{good:?}");
        }
        assert!(
            super::check_with("ada.lovelace@example.org", &["ada.lovelace@example.org"]).is_err()
        );
    }
}

/// Argon2id with m = 7 MiB, t = 5, p = 1: one of the settings OWASP's password storage
/// cheat sheet gives as equally strong (beside 19 MiB with t = 2, the crate's default), and
/// the one that holds least memory while it runs: a server on a small machine may be asked
/// for several sign-ins at once. Hashes made with other settings still verify (the settings
/// are stored in the hash) and are made anew at the next sign-in (`outdated`).
const MEMORY_KIB: u32 = 7 * 1024;
const PASSES: u32 = 5;

fn hasher() -> Result<Argon2<'static>, Error> {
    let params = Params::new(MEMORY_KIB, PASSES, 1, None)
        .map_err(|e| Error::Internal(format!("password hashing settings: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    one_per_core(|| {
        hasher()?
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
    })
}

/// True when `password` matches `stored`. With no stored hash (an unknown email, or a person
/// who has not set a password yet) a dummy hash is still checked, so the answer takes as long
/// and reveals nothing.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: LazyLock<String> =
        LazyLock::new(|| hash("no password is stored here").unwrap_or_default());
    let (candidate, real) = match stored {
        Some(s) => (s, true),
        None => (DUMMY.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(candidate) else {
        return false;
    };
    // The settings come from the stored hash, whatever `hasher` says today.
    let matches = one_per_core(|| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    });
    matches && real
}

/// Whether a stored hash was made with other settings than `hash` uses now.
pub fn outdated(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return true;
    };
    let settings = Params::try_from(&parsed).ok();
    parsed.algorithm != Algorithm::Argon2id.ident()
        || settings
            .is_none_or(|p| p.m_cost() != MEMORY_KIB || p.t_cost() != PASSES || p.p_cost() != 1)
}

/// Runs `work` when fewer hashes than there are cores are running. Each holds its memory
/// (`MEMORY_KIB`) for its whole run, and more at once than there are cores would only queue
/// inside the CPU: a burst of sign-ins (or of guesses) then costs the same few blocks of
/// memory however many arrive, and each waits its turn.
fn one_per_core<T>(work: impl FnOnce() -> T) -> T {
    struct Slots {
        free: Mutex<usize>,
        freed: Condvar,
    }
    struct Taken<'a>(&'a Slots);
    impl Drop for Taken<'_> {
        fn drop(&mut self) {
            *self.0.free.lock() += 1;
            self.0.freed.notify_one();
        }
    }
    static SLOTS: LazyLock<Slots> = LazyLock::new(|| Slots {
        free: Mutex::new(std::thread::available_parallelism().map_or(2, usize::from)),
        freed: Condvar::new(),
    });
    let slots = &*SLOTS;
    let mut free = slots.free.lock();
    while *free == 0 {
        slots.freed.wait(&mut free);
    }
    *free -= 1;
    drop(free);
    let _taken = Taken(slots);
    work()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_settings_still_verify_and_are_outdated() {
        // A hash made with the crate's default (19 MiB, t = 2), as before this version.
        let salt = SaltString::generate(&mut OsRng);
        let older = Argon2::default()
            .hash_password(b"correct horse battery", &salt)
            .expect("hash")
            .to_string();
        assert!(older.contains("m=19456,t=2"), "{older}");
        assert!(verify("correct horse battery", Some(&older)));
        assert!(outdated(&older));
        let current = hash("correct horse battery").expect("hash");
        assert!(current.contains("m=7168,t=5,p=1"), "{current}");
        assert!(!outdated(&current));
        assert!(outdated("not a hash"));
    }

    #[test]
    fn many_at_once_all_finish() {
        let made: Vec<String> = std::thread::scope(|s| {
            let running: Vec<_> = (0..6)
                .map(|i| s.spawn(move || hash(&format!("password number {i}")).expect("hash")))
                .collect();
            running
                .into_iter()
                .map(|t| t.join().expect("a hashing thread"))
                .collect()
        });
        for (i, h) in made.iter().enumerate() {
            assert!(verify(&format!("password number {i}"), Some(h)));
        }
    }

    #[test]
    fn hash_then_verify() {
        let h = hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&h)));
        assert!(!verify("wrong horse battery", Some(&h)));
        assert!(!verify("correct horse battery", None));
    }
}
