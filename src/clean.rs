//! Clean data: what a name, a text or a web address must be before it is stored, and what
//! makes two names the same. Names are kept in Unicode NFC with single spaces; characters
//! nobody types on purpose (controls, zero-width and other invisible format characters,
//! bidirectional overrides) are refused, because they make look-alike names and reorder what
//! a reader sees. Two names are the same when their UTS #39 skeletons match, so "Legal Aid
//! Network" in Cyrillic look-alikes, or with a zero-width space, is the existing one.

use unicode_normalization::UnicodeNormalization;

pub use roundtable_templates::limits;

/// The same limits as `u64`, the type `validator`'s `length(max = ...)` takes.
pub mod max {
    use super::limits;
    pub const NAME: u64 = limits::NAME as u64;
    pub const LINE: u64 = limits::LINE as u64;
    pub const NOTE: u64 = limits::NOTE as u64;
}

/// Comments one person may write in an hour (on statements, and on minutes): enough for
/// anyone reading and answering, not for a flood that buries the others.
pub const COMMENTS_PER_HOUR: i64 = 20;

/// The refusal once a person has written `COMMENTS_PER_HOUR` comments in the last hour.
pub fn comment_rate(written_in_the_last_hour: i64) -> Result<(), String> {
    if written_in_the_last_hour >= COMMENTS_PER_HOUR {
        return Err(format!(
            "you have written {COMMENTS_PER_HOUR} comments in the last hour; please wait a while before the next"
        ));
    }
    Ok(())
}

/// A character that must not be in a name: controls (NUL included), bidirectional controls,
/// zero-width and other default-ignorable format characters. The zero-width (non-)joiner is
/// let through between two letters of scripts that need it (Persian, the Indic scripts).
fn invisible_at(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    if matches!(c, '\u{200C}' | '\u{200D}') {
        let letter = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|c| c.is_alphabetic() && !c.is_ascii())
        };
        return !(letter(i.checked_sub(1)) && letter(Some(i + 1)));
    }
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
            | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E0FFF}')
}

/// The first character a name may not hold; `in_text` lets line breaks, tabs and the
/// zero-width characters of emoji sequences through, as free text needs them.
fn first_invisible(text: &str, in_text: bool) -> Option<char> {
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .filter(|&i| !(in_text && matches!(chars[i], '\n' | '\r' | '\t' | '\u{200B}'..='\u{200D}')))
        .find(|&i| invisible_at(&chars, i))
        .map(|i| chars[i])
}

fn invisible_message(what: &str, c: char) -> String {
    format!(
        "{what} contains an invisible or control character (U+{:04X}); type it again without it",
        u32::from(c)
    )
}

/// A name as stored: NFC, single spaces, no invisible characters, 1 to `limits::NAME`
/// characters. `what` begins the message ("the organisation's name").
pub fn name(raw: &str, what: &str) -> Result<String, String> {
    let optional = optional_name(raw, what)?;
    if optional.is_empty() {
        return Err(format!("give {what}"));
    }
    Ok(optional)
}

/// As `name`, but may be empty (a short name).
pub fn optional_name(raw: &str, what: &str) -> Result<String, String> {
    let normal: String = raw.nfc().collect();
    if let Some(c) = first_invisible(&normal, false) {
        return Err(invisible_message(what, c));
    }
    let cleaned = normal.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.chars().count() > limits::NAME {
        return Err(format!("keep {what} under {} characters", limits::NAME));
    }
    Ok(cleaned)
}

/// Free text (a comment, a description): NFC, trimmed, line breaks and tabs kept, other
/// controls and bidirectional overrides refused, at most `max` characters.
pub fn text(raw: &str, what: &str, max: usize) -> Result<String, String> {
    let normal: String = raw.trim().nfc().collect();
    if let Some(c) = first_invisible(&normal, true) {
        return Err(invisible_message(what, c));
    }
    if normal.chars().count() > max {
        return Err(format!("keep {what} under {} characters", thousands(max)));
    }
    Ok(normal)
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A web address people may follow: empty, or `http`/`https` with a host. Anything else
/// (`javascript:`, `data:`, a bare word) would be a link that runs or goes nowhere.
pub fn web_address(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(String::new());
    }
    if raw.chars().count() > limits::LINE {
        return Err(format!(
            "keep the address under {} characters",
            limits::LINE
        ));
    }
    match url::Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
            Ok(raw.to_owned())
        }
        _ => Err(format!(
            "{raw:?} is not a web address: it must start with https:// (or http://)"
        )),
    }
}

/// What makes two names the same: the UTS #39 skeleton of the lower-cased NFKC name, spaces
/// collapsed. "Café" in NFC and NFD, "LEGAL AID" and a Cyrillic look-alike of "Legal Aid"
/// have one key.
pub fn name_key(name: &str) -> String {
    let folded: String = name.nfkc().collect::<String>().to_lowercase();
    let skeleton: String = unicode_security::skeleton(&folded).collect();
    skeleton.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_nfc_with_single_spaces() {
        let nfd = "Cafe\u{301}   Collective ";
        assert_eq!(name(nfd, "the name"), Ok("Café Collective".into()));
        assert_eq!(name("   ", "the name"), Err("give the name".into()));
    }

    #[test]
    fn invisible_and_control_characters_are_refused() {
        for bad in [
            "Legal\u{200B} Aid Network",
            "\u{200B}",
            "Evil\u{202E}gnp.exe",
            "Nul\u{0}Byte",
            "Soft\u{AD}hyphen",
            "Line\nbreak",
        ] {
            let refused = name(bad, "the name").expect_err(bad);
            assert!(
                refused.contains("invisible or control character"),
                "{refused}"
            );
        }
    }

    #[test]
    fn joiners_are_kept_where_a_script_needs_them() {
        // Persian: "mi-khaham" with a zero-width non-joiner between two letters.
        assert!(name("می\u{200C}خواهم", "the name").is_ok());
        assert!(
            name("Legal\u{200C}Aid", "the name").is_err(),
            "not between Latin letters"
        );
    }

    #[test]
    fn look_alikes_and_decompositions_share_a_key() {
        let latin = name_key("Legal Aid Network");
        assert_eq!(name_key("LEGAL AID  network"), latin);
        assert_eq!(name_key("Lеgal Аid Nеtwork"), latin, "Cyrillic е and А");
        assert_eq!(
            name_key("Café Collective"),
            name_key("Cafe\u{301} Collective")
        );
        assert_ne!(
            name_key("Legal Aid Network"),
            name_key("Legal Aid Networks")
        );
    }

    #[test]
    fn only_http_and_https_addresses_are_links() {
        assert_eq!(
            web_address(" https://example.org/x "),
            Ok("https://example.org/x".into())
        );
        assert_eq!(web_address(""), Ok(String::new()));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "example.org",
            "ftp://x.org",
            "https://",
        ] {
            assert!(web_address(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_keeps_line_breaks_and_refuses_overrides_and_length() {
        assert_eq!(text(" a\nb\tc ", "the comment", 10), Ok("a\nb\tc".into()));
        assert!(text("a\u{202E}b", "the comment", 10).is_err());
        assert!(text("a\u{0}b", "the comment", 10).is_err());
        assert!(text("family 👨\u{200D}👩\u{200D}👧 \u{202E}", "the comment", 20).is_err());
        assert!(text("family 👨\u{200D}👩\u{200D}👧", "the comment", 20).is_ok());
        let long = "x".repeat(11);
        assert_eq!(
            text(&long, "the comment", 10),
            Err("keep the comment under 10 characters".into())
        );
        assert_eq!(thousands(100_000), "100,000");
    }
}

/// Property tests: a cleaned name holds nothing invisible, cleaning it again changes nothing,
/// and its key is the key of the original.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn cleaned_names_are_stable_and_visible(raw in "(\\PC|\\u{200B}|\\u{202E}|\\u{0}| ){0,60}") {
            if let Ok(cleaned) = name(&raw, "the name") {
                prop_assert!(first_invisible(&cleaned, false).is_none());
                prop_assert!(cleaned.chars().count() <= limits::NAME);
                prop_assert_eq!(name(&cleaned, "the name"), Ok(cleaned.clone()));
                prop_assert_eq!(name_key(&cleaned), name_key(&raw));
            }
        }

        #[test]
        fn only_web_links_pass(raw in "\\PC{0,40}") {
            if let Ok(link) = web_address(&raw)
                && !link.is_empty()
            {
                prop_assert!(link.starts_with("http://") || link.starts_with("https://")
                    || link.to_ascii_lowercase().starts_with("http"), "{link}");
            }
        }
    }
}
