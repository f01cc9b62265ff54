//! The rules of evaluations, without the database: the kinds of cycle, the report's stages
//! and the steps between them, the period compared with, and how an indicator's change is
//! read.

use chrono::{Datelike, Duration, Months, NaiveDate};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Annual,
    MidTerm,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Annual, Kind::MidTerm];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Annual => "annual",
            Kind::MidTerm => "mid_term",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Kind::Annual => "Annual review",
            Kind::MidTerm => "Mid-term review",
        }
    }
}

/// Where the report is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// The evaluators write; the secretariat and the evaluators read.
    Draft,
    /// Shared with the members for comment.
    Shared,
    /// Discussed at the plenary chosen (an agenda item links to it).
    Discussed,
    /// Adopted: the indicators are frozen as they were.
    Adopted,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Draft,
        Status::Shared,
        Status::Discussed,
        Status::Adopted,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Shared => "shared",
            Status::Discussed => "discussed",
            Status::Adopted => "adopted",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "draft, with the evaluators",
            Status::Shared => "shared with the members for comment",
            Status::Discussed => "discussed at the plenary",
            Status::Adopted => "adopted",
        }
    }
    /// The report's text may still change.
    pub fn report_open(self) -> bool {
        matches!(self, Status::Draft | Status::Shared)
    }
}

/// The report moves one stage at a time, forward only (a shared draft may go back to the
/// evaluators once, before the plenary discusses it).
pub fn check_transition(from: Status, to: Status) -> Result<(), String> {
    use Status::*;
    if matches!(
        (from, to),
        (Draft, Shared) | (Shared, Draft) | (Shared, Discussed) | (Discussed, Adopted)
    ) {
        Ok(())
    } else {
        Err(format!(
            "a report that is {} cannot become {}",
            from.label(),
            to.label()
        ))
    }
}

/// The period compared with, ending the day before this one starts: as many whole months
/// when the period is whole months (a quarter before a quarter, a year before a year),
/// otherwise as many days.
pub fn previous_period(from: NaiveDate, until: NaiveDate) -> (NaiveDate, NaiveDate) {
    let previous_until = from - Duration::days(1);
    let whole_months = from.day() == 1 && until.succ_opt().is_some_and(|d| d.day() == 1);
    if whole_months {
        let months = (until.year() * 12 + until.month0() as i32)
            - (from.year() * 12 + from.month0() as i32)
            + 1;
        if let Some(start) = from.checked_sub_months(Months::new(months.unsigned_abs())) {
            return (start, previous_until);
        }
    }
    (previous_until - (until - from), previous_until)
}

/// A period is a few days to a few years, its start not after its end.
pub fn check_period(from: NaiveDate, until: NaiveDate) -> Result<(), String> {
    if from > until {
        return Err("the period ends before it starts".into());
    }
    if (until - from).num_days() > 366 * 10 {
        return Err("a period may be at most ten years".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn the_report_moves_forward_one_stage_at_a_time() {
        use Status::*;
        let allowed = [
            (Draft, Shared),
            (Shared, Draft),
            (Shared, Discussed),
            (Discussed, Adopted),
        ];
        for from in Status::ALL {
            for to in Status::ALL {
                assert_eq!(
                    check_transition(from, to).is_ok(),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
        assert!(!Adopted.report_open() && !Discussed.report_open() && Draft.report_open());
    }

    #[test]
    fn the_previous_period_has_the_same_length_and_ends_the_day_before() {
        assert_eq!(
            previous_period(day(2026, 1, 1), day(2026, 12, 31)),
            (day(2025, 1, 1), day(2025, 12, 31))
        );
        assert_eq!(
            previous_period(day(2026, 7, 1), day(2026, 9, 30)),
            (day(2026, 4, 1), day(2026, 6, 30))
        );
        assert_eq!(
            previous_period(day(2026, 3, 1), day(2026, 3, 31)),
            (day(2026, 2, 1), day(2026, 2, 28)),
            "a month before a month"
        );
        assert_eq!(
            previous_period(day(2026, 3, 10), day(2026, 3, 19)),
            (day(2026, 2, 28), day(2026, 3, 9)),
            "ten days before ten days"
        );
        assert!(check_period(day(2026, 2, 1), day(2026, 1, 1)).is_err());
        assert!(check_period(day(2016, 1, 1), day(2025, 12, 31)).is_ok());
        assert!(check_period(day(2000, 1, 1), day(2025, 12, 31)).is_err());
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
        }
    }
}
