//! Our own small RFC 5545 writing layer. The `ical` crate's generator does not escape TEXT
//! values, folds by characters instead of octets and writes no UTC DTSTAMP, so calendars are
//! written here: CRLF line ends, folding at 75 octets without splitting a UTF-8 character,
//! TEXT escaping of `\ ; ,` and newlines, instants in UTC. Parsing stays with `ical`.

use chrono::NaiveDateTime;

pub use crate::icalendar::{cal_address, escape_text, fold, unescape_text, utc};

/// One VEVENT.
#[derive(Debug, Clone)]
pub struct Event {
    pub uid: String,
    pub sequence: i32,
    pub stamp: NaiveDateTime,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub summary: String,
    pub description: String,
    pub location: String,
    pub url: Option<String>,
    pub cancelled: bool,
    pub organizer: Option<(String, String)>,
}

/// A calendar: with `method` (REQUEST, CANCEL) for an iTIP invitation, without for a feed.
pub fn calendar(name: &str, method: Option<&str>, events: &[Event]) -> String {
    let mut out = String::new();
    let mut line = |l: String| out.push_str(&fold(&l));
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Roundtable//Roundtable coalition calendar//EN".into());
    line("CALSCALE:GREGORIAN".into());
    if let Some(m) = method {
        line(format!("METHOD:{m}"));
    }
    line(format!("X-WR-CALNAME:{}", escape_text(name)));
    for e in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", e.uid));
        line(format!("SEQUENCE:{}", e.sequence));
        line(format!("DTSTAMP:{}", utc(e.stamp)));
        line(format!("DTSTART:{}", utc(e.starts_at)));
        line(format!("DTEND:{}", utc(e.ends_at)));
        line(format!("SUMMARY:{}", escape_text(&e.summary)));
        if !e.description.is_empty() {
            line(format!("DESCRIPTION:{}", escape_text(&e.description)));
        }
        if !e.location.is_empty() {
            line(format!("LOCATION:{}", escape_text(&e.location)));
        }
        if let Some(url) = &e.url {
            line(format!("URL:{url}"));
        }
        line(format!(
            "STATUS:{}",
            if e.cancelled {
                "CANCELLED"
            } else {
                "CONFIRMED"
            }
        ));
        if let Some((name, email)) = &e.organizer {
            line(format!("ORGANIZER;{}", cal_address(name, email)));
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_escaping_round_trips() {
        let text = "Agenda; part 1, part 2\\3\nline two\r\nline three";
        let escaped = escape_text(text);
        assert_eq!(
            escaped,
            "Agenda\\; part 1\\, part 2\\\\3\\nline two\\nline three"
        );
        assert_eq!(unescape_text(&escaped), text.replace("\r\n", "\n"));
    }

    #[test]
    fn folding_never_splits_a_character_nor_exceeds_75_octets() {
        for text in [
            "Συνάντηση ολομέλειας για την καταπολέμηση της εμπορίας ανθρώπων και της καταναγκαστικής εργασίας",
            "Ședința plenară a coaliției împotriva traficului de persoane și a muncii forțate în România",
            "Plenarsitzung: Maßnahmen gegen Menschenhandel zur Ausbeutung der Arbeitskraft – Überblick über Straßen",
        ] {
            let folded = fold(&format!("SUMMARY:{}", escape_text(text)));
            for physical in folded.split("\r\n").filter(|l| !l.is_empty()) {
                assert!(
                    physical.len() <= 75,
                    "{} octets: {physical}",
                    physical.len()
                );
            }
            let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
            assert_eq!(unescape_text(unfolded.trim_start_matches("SUMMARY:")), text);
        }
    }

    #[test]
    fn a_short_line_is_not_folded() {
        assert_eq!(fold("VERSION:2.0"), "VERSION:2.0\r\n");
        let exactly = "X".repeat(75);
        assert_eq!(fold(&exactly), format!("{exactly}\r\n"));
        assert!(fold(&"X".repeat(76)).contains("\r\n X"));
    }
}
