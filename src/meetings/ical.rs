//! Our own small RFC 5545 writing layer. The `ical` crate's generator does not escape TEXT
//! values, folds by characters instead of octets and writes no UTC DTSTAMP, so calendars are
//! written here: CRLF line ends, folding at 75 octets without splitting a UTF-8 character,
//! TEXT escaping of `\ ; ,` and newlines, instants in UTC. Parsing stays with `ical`.

use chrono::NaiveDateTime;

/// Escapes a TEXT value (RFC 5545 3.3.11).
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// Undoes `escape_text`: `ical` unfolds lines but leaves TEXT escaped.
pub fn unescape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Folds one content line: no physical line over 75 octets, continuation lines start with a
/// space, and a UTF-8 character is never split. Ends with CRLF.
pub fn fold(line: &str) -> String {
    const LIMIT: usize = 75;
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > LIMIT {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
    out
}

/// An instant in UTC, as DTSTART/DTEND/DTSTAMP take it: 20270309T090000Z.
pub fn utc(instant: NaiveDateTime) -> String {
    instant.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A person in ORGANIZER or ATTENDEE: the name is a parameter, so it is quoted and its quotes
/// removed (a parameter value cannot escape them).
pub fn cal_address(name: &str, email: &str) -> String {
    let name: String = name
        .chars()
        .filter(|c| !matches!(c, '"' | '\r' | '\n'))
        .collect();
    format!("CN=\"{name}\":mailto:{email}")
}

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
    pub attendees: Vec<(String, String)>,
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
        for (name, email) in &e.attendees {
            line(format!(
                "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;{}",
                cal_address(name, email)
            ));
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
