//! Password hashing with Argon2id (the crate's defaults: m=19 MiB, t=2, p=1).

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use std::sync::LazyLock;

use crate::error::Error;

pub const MIN_LENGTH: usize = 12;

/// Passwords that the first guesses of any attacker include, long enough to pass the length
/// rule (the rest of a common-password list is issue 12's still).
const COMMON: &[&str] = &[
    "123456789012",
    "1234567890123",
    "password1234",
    "password12345",
    "passwordpassword",
    "qwertyuiop12",
    "qwertyuiopasdf",
    "iloveyou1234",
    "welcome12345",
    "letmein12345",
    "administrator",
    "changeme1234",
];

/// Why a new password will not do, or `Ok`: at least 12 characters, not only spaces, not one
/// character repeated, not a well-known one. The one rule for every form that sets one.
pub fn check(candidate: &str) -> Result<(), String> {
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
    if COMMON.contains(&candidate.to_lowercase().as_str()) {
        return Err("this password is among the first an attacker tries".into());
    }
    Ok(())
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
        ] {
            assert!(check(easy).is_err(), "{easy:?}");
        }
        assert!(check("a long admin password").is_ok());
    }
}

pub fn hash(password: &str) -> Result<String, Error> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("password hashing failed: {e}")))
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
    let matches = Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok();
    matches && real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_then_verify() {
        let h = hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", Some(&h)));
        assert!(!verify("wrong horse battery", Some(&h)));
        assert!(!verify("correct horse battery", None));
    }
}
