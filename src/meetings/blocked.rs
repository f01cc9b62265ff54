//! Calendars to plan around: an uploaded .ics file (public holidays, partner events) becomes
//! blocked dates. Parsed with the `ical` crate after our own line check, which names the line
//! of a malformed file; all-day events block their days (DTEND exclusive), timed events the
//! days they touch in the coalition's zone, recurrences are expanded (a plain yearly rule
//! blocks its day every year), cancelled events and occurrences block nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufReader;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use ical::parser::ical::component::IcalEvent;
use ical::property::Property;

use super::ical::unescape_text;
use super::windows_zones;

/// A blocked day and what blocks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockedDay {
    pub day: NaiveDate,
    pub yearly: bool,
    pub label: String,
}

/// What a file gives.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub events: usize,
    pub days: Vec<BlockedDay>,
    /// Things that were read with an assumption (an unknown time zone, an unreadable rule).
    pub warnings: Vec<String>,
}

/// A file that cannot be imported, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for FileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Longest span one event may block; longer ones (a "whole year" placeholder) are cut.
const MAX_SPAN_DAYS: i64 = 62;

/// Checks the line structure; returns, for each VEVENT in order, the line numbers of its
/// properties by name (for error messages after `ical` has parsed).
fn check_lines(text: &str) -> Result<Vec<HashMap<String, usize>>, FileError> {
    let mut logical: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = line.strip_prefix([' ', '\t']) {
            match logical.last_mut() {
                Some((_, previous)) => previous.push_str(rest),
                None => {
                    return Err(FileError {
                        line: index + 1,
                        message: "the file starts with a continuation line".into(),
                    });
                }
            }
        } else if !line.trim().is_empty() {
            logical.push((index + 1, line.to_owned()));
        }
    }
    let mut stack: Vec<String> = Vec::new();
    let mut events = Vec::new();
    for (number, line) in &logical {
        let Some((head, value)) = line.split_once(':') else {
            return Err(FileError {
                line: *number,
                message: format!("{:?} is not a calendar line (NAME:value)", truncate(line)),
            });
        };
        let name = head.split(';').next().unwrap_or("").to_uppercase();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(FileError {
                line: *number,
                message: format!("{:?} is not a property name", truncate(&name)),
            });
        }
        match name.as_str() {
            "BEGIN" => {
                let component = value.trim().to_uppercase();
                if stack.is_empty() && component != "VCALENDAR" {
                    return Err(FileError {
                        line: *number,
                        message: "a calendar file starts with BEGIN:VCALENDAR".into(),
                    });
                }
                if component == "VEVENT" {
                    events.push(HashMap::new());
                }
                stack.push(component);
            }
            "END" => {
                let component = value.trim().to_uppercase();
                match stack.pop() {
                    Some(open) if open == component => {}
                    Some(open) => {
                        return Err(FileError {
                            line: *number,
                            message: format!("END:{component} closes BEGIN:{open}"),
                        });
                    }
                    None => {
                        return Err(FileError {
                            line: *number,
                            message: format!("END:{component} without BEGIN"),
                        });
                    }
                }
            }
            _ => {
                if stack.is_empty() {
                    return Err(FileError {
                        line: *number,
                        message: "a property outside BEGIN:VCALENDAR … END:VCALENDAR".into(),
                    });
                }
                if stack.last().is_some_and(|c| c == "VEVENT")
                    && let Some(current) = events.last_mut()
                {
                    current.entry(name).or_insert(*number);
                }
            }
        }
    }
    if let Some(open) = stack.last() {
        let last = logical.last().map_or(1, |(n, _)| *n);
        return Err(FileError {
            line: last,
            message: format!("BEGIN:{open} is never closed"),
        });
    }
    if logical.is_empty() {
        return Err(FileError {
            line: 1,
            message: "the file is empty".into(),
        });
    }
    Ok(events)
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

fn prop<'a>(event: &'a IcalEvent, name: &str) -> Option<&'a Property> {
    event
        .properties
        .iter()
        .find(|p| p.name.eq_ignore_ascii_case(name))
}

fn param<'a>(p: &'a Property, name: &str) -> Option<&'a str> {
    p.params
        .as_ref()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.first())
        .map(String::as_str)
}

/// A DATE or DATE-TIME value: an all-day date, or an instant in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Day(NaiveDate),
    Instant(NaiveDateTime),
}

struct Reader<'a> {
    zone: Tz,
    warnings: &'a mut Vec<String>,
    unknown_zones: HashSet<String>,
}

impl Reader<'_> {
    fn when(&mut self, p: &Property) -> Result<When, String> {
        let value = p.value.as_deref().unwrap_or("").trim();
        // EXDATE and RDATE may list several; callers split first.
        if param(p, "VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE")) || value.len() == 8 {
            return NaiveDate::parse_from_str(value, "%Y%m%d")
                .map(When::Day)
                .map_err(|_| format!("{value:?} is not a date (YYYYMMDD)"));
        }
        self.instant(value, param(p, "TZID"))
    }

    fn instant(&mut self, value: &str, tzid: Option<&str>) -> Result<When, String> {
        if let Some(v) = value.strip_suffix('Z') {
            let t = NaiveDateTime::parse_from_str(v, "%Y%m%dT%H%M%S")
                .map_err(|_| format!("{value:?} is not a date-time"))?;
            return Ok(When::Instant(t));
        }
        let local = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S")
            .map_err(|_| format!("{value:?} is not a date-time"))?;
        let zone = match tzid {
            Some(id) => windows_zones::resolve(id).unwrap_or_else(|| {
                if self.unknown_zones.insert(id.to_owned()) {
                    self.warnings.push(format!(
                        "unknown time zone {id:?}: read as the coalition's zone"
                    ));
                }
                self.zone
            }),
            None => self.zone,
        };
        Ok(When::Instant(
            zone.from_local_datetime(&local)
                .earliest()
                .map_or(local, |t| t.naive_utc()),
        ))
    }

    fn local_day(&self, w: When) -> NaiveDate {
        match w {
            When::Day(d) => d,
            When::Instant(t) => self.zone.from_utc_datetime(&t).date_naive(),
        }
    }

    /// The days an occurrence from `start` to `end` covers (end exclusive).
    fn days(&self, start: When, end: Option<When>) -> Vec<NaiveDate> {
        let first = self.local_day(start);
        let last = match (start, end) {
            (When::Day(_), Some(When::Day(e))) if e > first => e - Duration::days(1),
            (When::Instant(_), Some(When::Instant(e))) => {
                // An event ending at midnight does not touch the next day.
                let e_local = self.zone.from_utc_datetime(&e).naive_local();
                let d = if e_local.time() == chrono::NaiveTime::MIN {
                    e_local.date() - Duration::days(1)
                } else {
                    e_local.date()
                };
                d.max(first)
            }
            _ => first,
        };
        let last = last.min(first + Duration::days(MAX_SPAN_DAYS - 1));
        first.iter_days().take_while(|d| *d <= last).collect()
    }
}

/// Reads a calendar file into blocked days between `from` and `until` (recurrences are
/// expanded over that window; plain yearly rules block every year).
pub fn parse(text: &str, zone: Tz, from: NaiveDate, until: NaiveDate) -> Result<Parsed, FileError> {
    let lines = check_lines(text)?;
    let mut parser = ical::IcalParser::new(BufReader::new(text.as_bytes()));
    let calendar = match parser.next() {
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            return Err(FileError {
                line: 1,
                message: format!("the calendar cannot be read: {e}"),
            });
        }
        None => {
            return Err(FileError {
                line: 1,
                message: "the file holds no calendar".into(),
            });
        }
    };
    let mut warnings = Vec::new();
    let mut reader = Reader {
        zone,
        warnings: &mut warnings,
        unknown_zones: HashSet::new(),
    };
    let line_of =
        |i: usize, name: &str| lines.get(i).and_then(|m| m.get(name)).copied().unwrap_or(1);

    // Occurrences moved or cancelled by an override leave the master's series.
    let mut excluded: HashMap<String, HashSet<NaiveDate>> = HashMap::new();
    for (i, event) in calendar.events.iter().enumerate() {
        if let (Some(uid), Some(rid)) = (
            prop(event, "UID").and_then(|p| p.value.clone()),
            prop(event, "RECURRENCE-ID"),
        ) {
            let w = reader.when(rid).map_err(|m| FileError {
                line: line_of(i, "RECURRENCE-ID"),
                message: m,
            })?;
            excluded.entry(uid).or_default().insert(reader.local_day(w));
        }
    }

    let mut by_day: BTreeMap<(NaiveDate, bool), String> = BTreeMap::new();
    let mut events = 0;
    for (i, event) in calendar.events.iter().enumerate() {
        events += 1;
        let cancelled = prop(event, "STATUS")
            .and_then(|p| p.value.as_deref())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("CANCELLED"));
        if cancelled {
            continue;
        }
        let label = prop(event, "SUMMARY")
            .and_then(|p| p.value.as_deref())
            .map(unescape_text)
            .unwrap_or_else(|| "(no title)".into());
        let start_prop = prop(event, "DTSTART").ok_or_else(|| FileError {
            line: line_of(i, "BEGIN").max(1),
            message: "an event without DTSTART".into(),
        })?;
        let start = reader.when(start_prop).map_err(|m| FileError {
            line: line_of(i, "DTSTART"),
            message: m,
        })?;
        let end = match prop(event, "DTEND") {
            Some(p) => Some(reader.when(p).map_err(|m| FileError {
                line: line_of(i, "DTEND"),
                message: m,
            })?),
            None => None,
        };
        let span = end.map(|e| match (start, e) {
            (When::Day(a), When::Day(b)) => b - a,
            (When::Instant(a), When::Instant(b)) => b - a,
            _ => Duration::zero(),
        });
        let uid = prop(event, "UID")
            .and_then(|p| p.value.clone())
            .unwrap_or_default();
        let rrule = prop(event, "RRULE").and_then(|p| p.value.clone());
        let is_override = prop(event, "RECURRENCE-ID").is_some();
        let mut exdates: HashSet<NaiveDate> = excluded.get(&uid).cloned().unwrap_or_default();
        for p in event
            .properties
            .iter()
            .filter(|p| p.name.eq_ignore_ascii_case("EXDATE"))
        {
            for v in p.value.as_deref().unwrap_or("").split(',') {
                let single = Property {
                    name: p.name.clone(),
                    params: p.params.clone(),
                    value: Some(v.trim().to_owned()),
                };
                let w = reader.when(&single).map_err(|m| FileError {
                    line: line_of(i, "EXDATE"),
                    message: m,
                })?;
                exdates.insert(reader.local_day(w));
            }
        }
        match rrule.filter(|_| !is_override) {
            Some(rule) if plain_yearly(&rule) => {
                for day in reader.days(start, end) {
                    by_day.entry((day, true)).or_insert_with(|| label.clone());
                }
            }
            Some(rule) => {
                let occurrences = expand(&rule, start, &reader, from, until).unwrap_or_else(|e| {
                    reader.warnings.push(format!("line {}: recurrence {rule:?} not understood ({e}); only the first date is blocked", line_of(i, "RRULE")));
                    vec![start]
                });
                for occurrence in occurrences {
                    let occurrence_end = span.map(|s| match occurrence {
                        When::Day(d) => When::Day(d + s),
                        When::Instant(t) => When::Instant(t + s),
                    });
                    if exdates.contains(&reader.local_day(occurrence)) {
                        continue;
                    }
                    for day in reader.days(occurrence, occurrence_end) {
                        if day >= from && day <= until {
                            by_day.entry((day, false)).or_insert_with(|| label.clone());
                        }
                    }
                }
            }
            None => {
                for day in reader.days(start, end) {
                    by_day.entry((day, false)).or_insert_with(|| label.clone());
                }
            }
        }
    }
    let days = by_day
        .into_iter()
        .map(|((day, yearly), label)| BlockedDay { day, yearly, label })
        .collect();
    Ok(Parsed {
        events,
        days,
        warnings,
    })
}

/// FREQ=YEARLY with no limit and no BY-rule beyond the start date's own month and day.
fn plain_yearly(rule: &str) -> bool {
    let parts: Vec<(String, String)> = rule
        .split(';')
        .filter_map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.trim().to_uppercase(), v.trim().to_uppercase()))
        })
        .collect();
    parts.iter().any(|(k, v)| k == "FREQ" && v == "YEARLY")
        && parts.iter().all(|(k, v)| {
            matches!(k.as_str(), "FREQ" | "BYMONTH" | "BYMONTHDAY" | "WKST")
                || (k == "INTERVAL" && v == "1")
        })
}

/// The most occurrences one rule may step through (those before the window included): a
/// daily rule from 1601, as Outlook writes, is about 155,000; anything past this is a file
/// that would keep the server busy for nothing.
const MAX_STEPS: usize = 250_000;

/// A calendar to plan around blocks days: a rule more frequent than daily says nothing more
/// than its first day, and stepping through its occurrences could take hours.
fn finer_than_daily(rule: &str) -> bool {
    rule.split(';').any(|part| {
        part.split_once('=').is_some_and(|(k, v)| {
            k.eq_ignore_ascii_case("FREQ")
                && ["SECONDLY", "MINUTELY", "HOURLY"]
                    .iter()
                    .any(|f| v.eq_ignore_ascii_case(f))
        })
    })
}

fn expand(
    rule: &str,
    start: When,
    reader: &Reader<'_>,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<When>, String> {
    let tz = rrule::Tz::Tz(reader.zone);
    let (dt_start, all_day) = match start {
        When::Day(d) => (
            rrule::Tz::Tz(chrono_tz::UTC).from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN)),
            true,
        ),
        When::Instant(t) => (tz.from_utc_datetime(&t), false),
    };
    // A floating or dated UNTIL against a zoned start is a common exporter slip: read it as UTC.
    let rule = normalise_until(rule);
    // A series that ends before it starts has just its first occurrence (RFC 5545 3.8.5.3:
    // DTSTART always counts as the first one).
    let until_value = rule.split(';').find_map(|p| {
        p.strip_prefix("UNTIL=")
            .or_else(|| p.strip_prefix("until="))
    });
    if let Some(u) = until_value
        && let Ok(u) = NaiveDateTime::parse_from_str(u.trim_end_matches('Z'), "%Y%m%dT%H%M%S")
        && u < dt_start.naive_utc()
    {
        return Ok(vec![start]);
    }
    if finer_than_daily(&rule) {
        return Err(
            "it repeats more often than daily, which a calendar of days to avoid cannot use".into(),
        );
    }
    let parsed: rrule::RRule<rrule::Unvalidated> = format!("RRULE:{rule}")
        .parse()
        .map_err(|e: rrule::RRuleError| e.to_string())?;
    let set = parsed.build(dt_start).map_err(|e| e.to_string())?;
    let after = rrule::Tz::Tz(chrono_tz::UTC)
        .from_utc_datetime(&(from - Duration::days(1)).and_time(chrono::NaiveTime::MIN));
    let before = rrule::Tz::Tz(chrono_tz::UTC)
        .from_utc_datetime(&(until + Duration::days(1)).and_time(chrono::NaiveTime::MIN));
    // Stepped through by hand, so that the occurrences before the window count too (the
    // crate's own limit counts only those it returns).
    let mut dates = Vec::new();
    for (step, d) in set.into_iter().enumerate() {
        if step >= MAX_STEPS {
            return Err(format!(
                "it has more than {MAX_STEPS} occurrences before the planning window ends"
            ));
        }
        if d >= before {
            break;
        }
        if d > after {
            dates.push(if all_day {
                When::Day(d.naive_utc().date())
            } else {
                When::Instant(d.naive_utc())
            });
        }
    }
    Ok(dates)
}

fn normalise_until(rule: &str) -> String {
    rule.split(';')
        .map(|part| match part.split_once('=') {
            Some((k, v)) if k.eq_ignore_ascii_case("UNTIL") && v.len() == 8 => {
                format!("UNTIL={v}T235959Z")
            }
            Some((k, v)) if k.eq_ignore_ascii_case("UNTIL") && !v.ends_with('Z') => {
                format!("UNTIL={v}Z")
            }
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The window imports expand recurrences over: last year to three years ahead.
pub fn window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1).unwrap_or(today);
    let until = NaiveDate::from_ymd_opt(today.year() + 3, 12, 31).unwrap_or(today);
    (from, until)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn vienna() -> Tz {
        "Europe/Vienna".parse().expect("zone")
    }

    fn parse_str(text: &str) -> Result<Parsed, FileError> {
        parse(text, vienna(), day(2025, 1, 1), day(2029, 12, 31))
    }

    const OUTLOOK: &str = "BEGIN:VCALENDAR\r\nPRODID:-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN\r\nVERSION:2.0\r\nMETHOD:PUBLISH\r\n\
BEGIN:VTIMEZONE\r\nTZID:W. Europe Standard Time\r\nBEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n\
TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n\
TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n\
BEGIN:VEVENT\r\nUID:040000008200E00074C5B7101A82E008000000001\r\nSUMMARY:Partner conference\\, day one\r\n\
DTSTART;TZID=W. Europe Standard Time:20270615T233000\r\nDTEND;TZID=W. Europe Standard Time:20270616T010000\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:cancelled-1\r\nSUMMARY:Called off\r\nSTATUS:CANCELLED\r\nDTSTART;VALUE=DATE:20270701\r\nDTEND;VALUE=DATE:20270702\r\nEND:VEVENT\r\n\
END:VCALENDAR\r\n";

    /// A rule every second since 1970, or every day since 1601, is read at once: the first
    /// is refused with a message (its first date still blocked), the second expanded.
    #[test]
    fn recurrences_cannot_keep_the_server_busy() {
        let text = "BEGIN:VCALENDAR\nVERSION:2.0\n\
BEGIN:VEVENT\nUID:s\nSUMMARY:Every second\nDTSTART:19700101T000000Z\nRRULE:FREQ=SECONDLY\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:m\nSUMMARY:Every minute\nDTSTART:20200101T000000Z\nRRULE:FREQ=MINUTELY;INTERVAL=1\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:d\nSUMMARY:Every day\nDTSTART;VALUE=DATE:16010101\nRRULE:FREQ=DAILY\nEND:VEVENT\n\
END:VCALENDAR\n";
        let parsed = parse_str(text).expect("parses");
        let refused: Vec<&String> = parsed
            .warnings
            .iter()
            .filter(|w| w.contains("more often than daily"))
            .collect();
        assert_eq!(refused.len(), 2, "{:?}", parsed.warnings);
        let every_day = parsed
            .days
            .iter()
            .filter(|d| d.label == "Every day")
            .count();
        assert_eq!(every_day, 5 * 365 + 1, "every day of 2025-2029 is blocked");
        // Past the step budget, a clear refusal instead of hours of work.
        let quarter_hours = "FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,15,30,45";
        let mut warnings = Vec::new();
        let reader = Reader {
            zone: vienna(),
            warnings: &mut warnings,
            unknown_zones: HashSet::new(),
        };
        let start = When::Instant(day(1601, 1, 1).and_time(chrono::NaiveTime::MIN));
        let answer = expand(
            quarter_hours,
            start,
            &reader,
            day(2025, 1, 1),
            day(2029, 12, 31),
        );
        assert!(answer.is_err_and(|e| e.contains("occurrences")));
    }

    #[test]
    fn outlook_windows_zones_and_cancelled_events() {
        let parsed = parse_str(OUTLOOK).expect("parses");
        assert_eq!(parsed.events, 2);
        assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
        let days: Vec<NaiveDate> = parsed.days.iter().map(|d| d.day).collect();
        // 23:30 Berlin time to 01:00 next day blocks both days; the cancelled event nothing.
        assert_eq!(days, [day(2027, 6, 15), day(2027, 6, 16)]);
        assert_eq!(parsed.days[0].label, "Partner conference, day one");
    }

    #[test]
    fn all_day_events_end_exclusive_and_yearly_rules_block_every_year() {
        let text = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nSUMMARY:Conference\nDTSTART;VALUE=DATE:20270310\nDTEND;VALUE=DATE:20270312\nEND:VEVENT\n\
BEGIN:VEVENT\nUID:b\nSUMMARY:National Day\nDTSTART;VALUE=DATE:20201026\nRRULE:FREQ=YEARLY\nEND:VEVENT\nEND:VCALENDAR\n";
        let parsed = parse_str(text).expect("parses");
        let single: Vec<NaiveDate> = parsed
            .days
            .iter()
            .filter(|d| !d.yearly)
            .map(|d| d.day)
            .collect();
        assert_eq!(single, [day(2027, 3, 10), day(2027, 3, 11)]);
        let yearly: Vec<&BlockedDay> = parsed.days.iter().filter(|d| d.yearly).collect();
        assert_eq!(yearly.len(), 1);
        assert_eq!((yearly[0].day.month(), yearly[0].day.day()), (10, 26));
    }

    #[test]
    fn weekly_rules_expand_with_exceptions_and_overrides() {
        let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:w\r\nSUMMARY:Weekly call\r\n\
DTSTART;TZID=Europe/Vienna:20270104T100000\r\nDTEND;TZID=Europe/Vienna:20270104T110000\r\nRRULE:FREQ=WEEKLY;COUNT=4\r\n\
EXDATE;TZID=Europe/Vienna:20270111T100000\r\nEND:VEVENT\r\n\
BEGIN:VEVENT\r\nUID:w\r\nSUMMARY:Weekly call (moved)\r\nRECURRENCE-ID;TZID=Europe/Vienna:20270118T100000\r\n\
DTSTART;TZID=Europe/Vienna:20270120T100000\r\nDTEND;TZID=Europe/Vienna:20270120T110000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let parsed = parse_str(text).expect("parses");
        let days: Vec<NaiveDate> = parsed.days.iter().map(|d| d.day).collect();
        assert_eq!(days, [day(2027, 1, 4), day(2027, 1, 20), day(2027, 1, 25)]);
    }

    #[test]
    fn a_malformed_file_names_its_line() {
        let broken = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nthis line is not ical\nEND:VEVENT\nEND:VCALENDAR\n";
        assert_eq!(parse_str(broken).map(|_| ()).expect_err("refused").line, 5);
        let unclosed =
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART;VALUE=DATE:20270101\nEND:VCALENDAR\n";
        let e = parse_str(unclosed).map(|_| ()).expect_err("refused");
        assert_eq!(e.line, 5);
        assert!(e.message.contains("closes BEGIN:VEVENT"), "{e}");
        let bad_date = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nSUMMARY:s\nDTSTART;VALUE=DATE:2027-01-01\nEND:VEVENT\nEND:VCALENDAR\n";
        let e = parse_str(bad_date).map(|_| ()).expect_err("refused");
        assert_eq!(e.line, 5, "{e}");
        assert!(parse_str("").is_err());
        assert!(parse_str("hello").is_err());
    }
}

/// Property tests: whatever a calendar file holds, reading it ends with days or a line-numbered
/// refusal, never a panic, and within the rule-stepping budget.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const BASE: &str = "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:a\nSUMMARY:Holiday\nDTSTART;VALUE=DATE:20270101\nDTEND;VALUE=DATE:20270102\nRRULE:FREQ=YEARLY\nEND:VEVENT\nEND:VCALENDAR\n";

    /// Lines an attacker or a careless export might put anywhere.
    fn hostile_line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("RRULE:FREQ=SECONDLY".to_owned()),
            Just("RRULE:FREQ=DAILY;COUNT=4000000000".to_owned()),
            Just("RRULE:FREQ=DAILY;INTERVAL=0".to_owned()),
            Just("RRULE:FREQ=MONTHLY;BYMONTHDAY=31;BYSETPOS=-1".to_owned()),
            Just("DTSTART:16010101T000000".to_owned()),
            Just("DTSTART;TZID=Nowhere/Zone:20270101T100000".to_owned()),
            Just("DTSTART;VALUE=DATE:99991231".to_owned()),
            Just("DTEND;VALUE=DATE:00010101".to_owned()),
            Just("EXDATE:garbage".to_owned()),
            Just("BEGIN:VEVENT".to_owned()),
            Just("END:VEVENT".to_owned()),
            Just("END:VCALENDAR".to_owned()),
            Just(" folded continuation".to_owned()),
            "[A-Z;=:\\-]{0,20}",
            "\\PC{0,40}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn any_calendar_reads_or_is_refused_by_line(
            edits in proptest::collection::vec((0usize..12, hostile_line()), 0..6)
        ) {
            let mut lines: Vec<String> = BASE.lines().map(str::to_owned).collect();
            for (at, line) in edits {
                let at = at.min(lines.len());
                lines.insert(at, line);
            }
            let text = lines.join("\r\n");
            let zone: Tz = "Europe/Brussels".parse().expect("zone");
            let from = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
            let until = NaiveDate::from_ymd_opt(2028, 12, 31).expect("date");
            match parse(&text, zone, from, until) {
                Ok(parsed) => prop_assert!(parsed.days.iter().all(|d| d.yearly || (d.day >= from && d.day <= until))),
                Err(e) => prop_assert!(e.line >= 1 && e.line <= lines.len() + 1, "line {}", e.line),
            }
        }
    }
}
