//! The pure decisions of meetings: the status machine, plenary dates of a year around blocked
//! days, quorum, the venue rotation, wall-clock times in a time zone.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Planned,
    AgendaPublished,
    Held,
    MinutesApproved,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Planned,
        Status::AgendaPublished,
        Status::Held,
        Status::MinutesApproved,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::AgendaPublished => "agenda_published",
            Status::Held => "held",
            Status::MinutesApproved => "minutes_approved",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Planned => "Planned",
            Status::AgendaPublished => "Agenda published",
            Status::Held => "Held",
            Status::MinutesApproved => "Minutes approved",
            Status::Cancelled => "Cancelled",
        }
    }
}

/// planned -> agenda published -> held -> minutes approved; planned or agenda published ->
/// cancelled. A held meeting can no longer be cancelled; nothing comes back from cancelled.
pub fn check_transition(from: Status, to: Status) -> Result<(), String> {
    use Status::*;
    let ok = matches!(
        (from, to),
        (Planned, AgendaPublished)
            | (AgendaPublished, AgendaPublished)
            | (AgendaPublished, Held)
            | (Planned, Held)
            | (Held, MinutesApproved)
            | (Planned | AgendaPublished, Cancelled)
    );
    if ok {
        Ok(())
    } else {
        Err(format!(
            "a meeting that is {} cannot become {}",
            from.label().to_lowercase(),
            to.label().to_lowercase()
        ))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plenary,
    WorkingGroup,
    AdHoc,
    Extraordinary,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Plenary,
        Kind::WorkingGroup,
        Kind::AdHoc,
        Kind::Extraordinary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Plenary => "plenary",
            Kind::WorkingGroup => "working_group",
            Kind::AdHoc => "ad_hoc",
            Kind::Extraordinary => "extraordinary",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Plenary => "Plenary",
            Kind::WorkingGroup => "Working group",
            Kind::AdHoc => "Ad-hoc",
            Kind::Extraordinary => "Extraordinary",
        }
    }
}

/// Days to plan around: single dates, and month-days that recur every year.
#[derive(Debug, Clone, Default)]
pub struct Blocked {
    pub days: HashSet<NaiveDate>,
    pub yearly: HashSet<(u32, u32)>,
}

impl Blocked {
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.days.contains(&day) || self.yearly.contains(&(day.month(), day.day()))
    }
}

/// The `week`-th `weekday` of a month (week -1: the last one).
pub fn nth_weekday(year: i32, month: u32, weekday: Weekday, week: i32) -> Option<NaiveDate> {
    if week == -1 {
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        }?;
        let mut d = next.pred_opt()?;
        while d.weekday() != weekday {
            d = d.pred_opt()?;
        }
        return Some(d);
    }
    let n = u8::try_from(week).ok().filter(|n| (1..=5).contains(n))?;
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n)
}

/// A working day: Monday to Friday and not blocked.
pub fn is_working_day(day: NaiveDate, blocked: &Blocked) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !blocked.contains(day)
}

/// A plenary date as proposed, with why it moved if it did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedDate {
    pub rule_date: NaiveDate,
    pub date: NaiveDate,
    pub moved_because: Option<String>,
}

/// The year's plenary dates by the rule, each moved to the next working day if it falls on a
/// blocked day.
pub fn plenary_dates(
    year: i32,
    months: &[u32],
    weekday: Weekday,
    week: i32,
    blocked: &Blocked,
    label_of: impl Fn(NaiveDate) -> Option<String>,
) -> Vec<ProposedDate> {
    let mut out = Vec::new();
    for &month in months {
        let Some(rule_date) = nth_weekday(year, month, weekday, week) else {
            continue;
        };
        let mut date = rule_date;
        let mut reasons = Vec::new();
        while !is_working_day(date, blocked) {
            if let Some(label) = label_of(date) {
                reasons.push(format!("{date} is blocked ({label})"));
            }
            date += Duration::days(1);
        }
        let moved_because = (date != rule_date).then(|| reasons.join("; "));
        out.push(ProposedDate {
            rule_date,
            date,
            moved_because,
        });
    }
    out
}

/// Parses "3,6,9,12".
pub fn parse_months(text: &str) -> Result<Vec<u32>, String> {
    let mut months = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let m: u32 = part
            .parse()
            .map_err(|_| format!("{part:?} is not a month number"))?;
        if !(1..=12).contains(&m) {
            return Err(format!("{m} is not a month (1 to 12)"));
        }
        if !months.contains(&m) {
            months.push(m);
        }
    }
    if months.is_empty() {
        return Err("name at least one month".into());
    }
    months.sort_unstable();
    Ok(months)
}

pub fn parse_time(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("{text:?} is not a time (HH:MM)"))
}

/// The UTC instant of a wall-clock time in a zone. A time skipped by a clock change moves an
/// hour later; an ambiguous one takes the first.
pub fn to_utc(date: NaiveDate, time: NaiveTime, tz: Tz) -> NaiveDateTime {
    let local = date.and_time(time);
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => t.naive_utc(),
        chrono::LocalResult::Ambiguous(first, _) => first.naive_utc(),
        chrono::LocalResult::None => tz
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map_or(local, |t| t.naive_utc()),
    }
}

/// Whether the clocks skip this wall-clock time in the zone (the hour lost in spring). The
/// end of the gap itself (03:00 in Brussels) exists.
pub fn skipped(date: NaiveDate, time: NaiveTime, tz: Tz) -> bool {
    matches!(
        tz.from_local_datetime(&date.and_time(time)),
        chrono::LocalResult::None
    )
}

/// Whether this wall-clock time happens twice in the zone (the hour repeated in autumn).
pub fn repeated(date: NaiveDate, time: NaiveTime, tz: Tz) -> bool {
    matches!(
        tz.from_local_datetime(&date.and_time(time)),
        chrono::LocalResult::Ambiguous(..)
    )
}

/// Wall-clock time of a UTC instant in a zone.
pub fn local(utc: NaiveDateTime, tz: Tz) -> NaiveDateTime {
    tz.from_utc_datetime(&utc).naive_local()
}

/// Quorum: strictly more than `percent` of the full members present.
pub fn quorum_reached(present_full: usize, full_members: usize, percent: i32) -> bool {
    full_members > 0
        && present_full * 100 > full_members * usize::try_from(percent.clamp(0, 100)).unwrap_or(50)
}

/// How many present full members a quorum needs.
pub fn quorum_needed(full_members: usize, percent: i32) -> usize {
    let percent = usize::try_from(percent.clamp(0, 100)).unwrap_or(50);
    full_members * percent / 100 + 1
}

/// The next venue in rotation: the member premises (or neutral venue, when neutral comes first)
/// used least recently, by name on a tie.
pub fn next_venue(
    choices: &[(i64, String, Option<NaiveDate>)],
) -> Option<&(i64, String, Option<NaiveDate>)> {
    choices
        .iter()
        .min_by(|a, b| a.2.cmp(&b.2).then(a.1.cmp(&b.1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn the_status_machine() {
        use Status::*;
        assert!(check_transition(Planned, AgendaPublished).is_ok());
        assert!(check_transition(AgendaPublished, Held).is_ok());
        assert!(check_transition(Held, MinutesApproved).is_ok());
        assert!(check_transition(Planned, Cancelled).is_ok());
        assert!(check_transition(Held, Cancelled).is_err());
        assert!(check_transition(Cancelled, Planned).is_err());
        assert!(check_transition(MinutesApproved, Held).is_err());
        assert!(check_transition(Planned, MinutesApproved).is_err());
    }

    #[test]
    fn second_tuesdays_and_last_fridays() {
        assert_eq!(nth_weekday(2027, 3, Weekday::Tue, 2), Some(day(2027, 3, 9)));
        assert_eq!(
            nth_weekday(2027, 12, Weekday::Tue, 2),
            Some(day(2027, 12, 14))
        );
        assert_eq!(
            nth_weekday(2027, 4, Weekday::Fri, -1),
            Some(day(2027, 4, 30))
        );
        assert_eq!(nth_weekday(2027, 2, Weekday::Mon, 5), None);
    }

    #[test]
    fn a_blocked_plenary_moves_to_the_next_working_day_and_says_why() {
        let mut blocked = Blocked::default();
        blocked.days.insert(day(2027, 6, 8));
        blocked.yearly.insert((12, 14));
        let dates = plenary_dates(2027, &[3, 6, 12], Weekday::Tue, 2, &blocked, |d| {
            Some(format!("holiday {d}"))
        });
        assert_eq!(dates[0].date, day(2027, 3, 9));
        assert_eq!(dates[0].moved_because, None);
        assert_eq!(dates[1].date, day(2027, 6, 9));
        assert_eq!(
            dates[1].moved_because.as_deref(),
            Some("2027-06-08 is blocked (holiday 2027-06-08)")
        );
        assert_eq!(
            dates[2].date,
            day(2027, 12, 15),
            "a yearly blocked day blocks every year"
        );
    }

    #[test]
    fn a_friday_that_is_blocked_moves_past_the_weekend() {
        let mut blocked = Blocked::default();
        blocked.days.insert(day(2027, 4, 30));
        let dates = plenary_dates(2027, &[4], Weekday::Fri, -1, &blocked, |_| None);
        assert_eq!(dates[0].date, day(2027, 5, 3));
    }

    #[test]
    fn ten_o_clock_in_brussels_across_daylight_saving() {
        let tz: Tz = "Europe/Brussels".parse().expect("zone");
        let ten = NaiveTime::from_hms_opt(10, 0, 0).expect("time");
        // March 9 2027: still winter time (UTC+1); November 9 2027: winter time again; June: UTC+2.
        assert_eq!(
            to_utc(day(2027, 3, 9), ten, tz),
            day(2027, 3, 9).and_hms_opt(9, 0, 0).expect("t")
        );
        assert_eq!(
            to_utc(day(2027, 3, 30), ten, tz),
            day(2027, 3, 30).and_hms_opt(8, 0, 0).expect("t")
        );
        assert_eq!(
            to_utc(day(2027, 11, 9), ten, tz),
            day(2027, 11, 9).and_hms_opt(9, 0, 0).expect("t")
        );
        assert_eq!(
            local(day(2027, 6, 8).and_hms_opt(8, 0, 0).expect("t"), tz),
            day(2027, 6, 8).and_hms_opt(10, 0, 0).expect("t")
        );
        // 02:30 on the spring-forward night does not exist: it moves an hour later.
        let skipped = NaiveTime::from_hms_opt(2, 30, 0).expect("time");
        assert_eq!(
            to_utc(day(2027, 3, 28), skipped, tz),
            day(2027, 3, 28).and_hms_opt(1, 30, 0).expect("t")
        );
    }

    #[test]
    fn quorum_is_more_than_half_by_default() {
        assert!(!quorum_reached(6, 12, 50));
        assert!(quorum_reached(7, 12, 50));
        assert!(quorum_reached(7, 13, 50));
        assert!(!quorum_reached(6, 13, 50));
        assert_eq!(quorum_needed(12, 50), 7);
        assert_eq!(quorum_needed(13, 50), 7);
        assert!(!quorum_reached(0, 0, 50));
    }

    #[test]
    fn months_parse() {
        assert_eq!(parse_months("12, 3,6,9"), Ok(vec![3, 6, 9, 12]));
        assert!(parse_months("13").is_err());
        assert!(parse_months("").is_err());
    }

    #[test]
    fn venue_rotation_takes_the_least_recently_used() {
        let choices = vec![
            (1, "Union hall".to_owned(), Some(day(2026, 3, 1))),
            (2, "Council chamber".to_owned(), None),
            (3, "Agency".to_owned(), Some(day(2025, 12, 1))),
        ];
        assert_eq!(next_venue(&choices).map(|c| c.0), Some(2));
        let used: Vec<_> = choices.into_iter().filter(|c| c.0 != 2).collect();
        assert_eq!(next_venue(&used).map(|c| c.0), Some(3));
    }
}
