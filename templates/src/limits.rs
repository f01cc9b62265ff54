//! How long each text field may be: one table that the forms show (`maxlength`, so a browser
//! stops typing there) and the service enforces (every form field is checked against it before
//! any handler runs, and the services check their own fields with the same numbers). A field
//! name means one thing everywhere, with one limit.

/// Names of organisations, people, groups, venues, guests; titles; labels.
pub const NAME: usize = 200;
/// Short names, telephone numbers, tiers, currencies.
pub const SHORT: usize = 50;
/// Web addresses, postal addresses.
pub const LINE: usize = 1_000;
/// Reasons, notes, comments, criteria, motivations, mandates, descriptions.
pub const NOTE: usize = 5_000;
/// Documents: minutes, statement texts, the memorandum.
pub const DOCUMENT: usize = 100_000;
/// An email address (RFC 5321's path limit).
pub const EMAIL: usize = 254;
/// A password (long passphrases are welcome; Argon2 takes any length, but not a megabyte).
pub const PASSWORD: usize = 1_000;

/// The limit of a form field, by its name.
pub fn for_field(name: &str) -> usize {
    match name {
        "body" | "confidential_body" | "proposed_text" => DOCUMENT,
        "reason" | "note" | "notes" | "text" | "motivation" | "mandate" | "description"
        | "context_note" | "media_reason" => NOTE,
        "website" | "online_url" | "address" => LINE,
        "short_name" | "phone" | "tier" | "fee_tier" | "currency" => SHORT,
        "email" | "primary_email" | "contact_email" => EMAIL,
        "password" | "password_confirm" | "current_password" | "new_password" => PASSWORD,
        _ => NAME,
    }
}

/// A comment (on minutes or a statement): shorter than the documents that share its field.
pub const COMMENT: usize = 4_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_long_names_are_short_and_the_rest_is_a_name() {
        assert_eq!(for_field("body"), DOCUMENT);
        assert_eq!(for_field("name"), NAME);
        assert_eq!(for_field("website"), LINE);
        assert_eq!(for_field("anything_else"), NAME);
    }
}
