//! A statement's text as it is signed: normalised, hashed, and compared word by word.

use sha2::{Digest, Sha256};
use similar::{ChangeTag, TextDiff};
use unicode_normalization::UnicodeNormalization;

/// The form a text is stored and hashed in: Unicode NFC, LF line endings, no spaces or tabs
/// at the end of a line. Browsers send textareas with CRLF and editors leave trailing blanks;
/// neither may make the "same" text hash differently, while any other change must.
pub fn normalise(text: &str) -> String {
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    let nfc: String = unified.nfc().collect();
    nfc.split('\n')
        .map(|line| line.trim_end_matches([' ', '\t']))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The SHA-256 of the normalised text, in lowercase hex: what every position, authorisation
/// and receipt is bound to.
pub fn content_hash(text: &str) -> String {
    hex::encode(Sha256::digest(normalise(text).as_bytes()))
}

/// A piece of a word-level comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Same(String),
    Removed(String),
    Added(String),
}

/// The word-level differences from `old` to `new`, neighbouring pieces of a kind merged.
pub fn word_diff(old: &str, new: &str) -> Vec<Piece> {
    let diff = TextDiff::from_words(old, new);
    let mut pieces: Vec<Piece> = Vec::new();
    for change in diff.iter_all_changes() {
        let text = change.value().to_owned();
        match (pieces.last_mut(), change.tag()) {
            (Some(Piece::Same(s)), ChangeTag::Equal)
            | (Some(Piece::Removed(s)), ChangeTag::Delete)
            | (Some(Piece::Added(s)), ChangeTag::Insert) => s.push_str(&text),
            (_, ChangeTag::Equal) => pieces.push(Piece::Same(text)),
            (_, ChangeTag::Delete) => pieces.push(Piece::Removed(text)),
            (_, ChangeTag::Insert) => pieces.push(Piece::Added(text)),
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "We, the undersigned,\ncall for decent work.\n\nSigned: all";

    #[test]
    fn line_endings_and_trailing_blanks_do_not_change_the_hash() {
        let base = content_hash(TEXT);
        assert_eq!(base.len(), 64);
        assert_eq!(content_hash(&TEXT.replace('\n', "\r\n")), base);
        assert_eq!(content_hash(&TEXT.replace('\n', "\r")), base);
        assert_eq!(content_hash(&TEXT.replace(",\n", ",  \t\n")), base);
        assert_eq!(
            content_hash(&TEXT.replace("\n\n", " \r\n   \r\n")),
            base,
            "a line of spaces is an empty line"
        );
    }

    #[test]
    fn unicode_composition_does_not_change_the_hash() {
        // "é" precomposed (U+00E9) and as "e" + combining acute (U+0301).
        assert_eq!(
            content_hash("Caf\u{e9} workers"),
            content_hash("Cafe\u{301} workers")
        );
    }

    #[test]
    fn any_other_change_does() {
        let base = content_hash(TEXT);
        for changed in [
            TEXT.replace("decent", "Decent"),
            TEXT.replace("work.", "work"),
            TEXT.replace("We,", " We,"),
            TEXT.replace("\n\n", "\n"),
            format!("{TEXT}\n"),
            TEXT.replace("all", "all\u{a0}"),
            TEXT.replace("undersigned", "under\u{200b}signed"),
        ] {
            assert_ne!(content_hash(&changed), base, "{changed:?}");
        }
    }

    #[test]
    fn the_diff_names_the_words_that_changed() {
        let pieces = word_diff("call for decent work now", "call for fair and decent work");
        let added: String = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Added(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        let removed: String = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Removed(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(added.trim(), "fair and");
        assert_eq!(removed.trim(), "now");
        let rebuilt: String = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Same(s) | Piece::Added(s) => Some(s.as_str()),
                Piece::Removed(_) => None,
            })
            .collect();
        assert_eq!(rebuilt, "call for fair and decent work");
    }
}

/// Property tests: normalising is idempotent, and the hash does not see line endings or
/// trailing blanks but sees every other change.
#[cfg(test)]
mod properties {
    use super::{content_hash, normalise};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn normalising_twice_changes_nothing(text in "(\\PC|\\r|\\n|\\t| ){0,80}") {
            let once = normalise(&text);
            prop_assert_eq!(normalise(&once), once.clone());
            prop_assert_eq!(content_hash(&text), content_hash(&once));
        }

        #[test]
        fn line_endings_never_change_the_hash(lines in proptest::collection::vec("[a-zA-Zé ,.]{0,20}", 1..8)) {
            let lf = lines.join("\n");
            prop_assert_eq!(content_hash(&lf), content_hash(&lines.join("\r\n")));
            prop_assert_eq!(content_hash(&lf), content_hash(&lines.join(" \t\r\n")));
        }

        #[test]
        fn a_changed_word_changes_the_hash(words in proptest::collection::vec("[a-z]{1,8}", 1..10), extra in "[a-z]{1,8}") {
            let text = words.join(" ");
            let changed = format!("{text} {extra}");
            prop_assert_ne!(content_hash(&text), content_hash(&changed));
        }
    }
}
