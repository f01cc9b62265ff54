//! Writing iCalendar text (RFC 5545): CRLF line ends, folding at 75 octets without
//! splitting a UTF-8 character, TEXT escaping of `\ ; ,` and newlines, instants in UTC, and
//! the one ATTENDEE of a personal invitation. Foundation: meetings write calendars with it,
//! and the mail worker names each invitation's recipient with it when the mail leaves.

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

/// The ATTENDEE line (folded, with CRLF) naming the person an invitation is for.
pub fn attendee(name: &str, email: &str) -> String {
    fold(&format!(
        "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;{}",
        cal_address(name, email)
    ))
}

/// The invitation `ics` as the copy for one recipient: each event names them, and only
/// them, as its ATTENDEE (RFC 5546 lets an organizer send each attendee their own copy; a
/// list of everyone's address would show associates and guests every member's address).
pub fn addressed_to(ics: &str, name: &str, email: &str) -> String {
    let line = attendee(name, email);
    let mut out = String::with_capacity(ics.len() + line.len());
    for physical in ics.split_inclusive("\r\n") {
        if physical == "END:VEVENT\r\n" {
            out.push_str(&line);
        }
        out.push_str(physical);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_event_names_the_one_recipient() {
        let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let mine = addressed_to(ics, "Ana \"the\" Lima", "ana@example.org");
        assert_eq!(
            mine,
            "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN=\"Ana the L\r\n ima\":mailto:ana@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        assert_eq!(
            addressed_to("no event\r\n", "A", "a@example.org"),
            "no event\r\n"
        );
    }
}
