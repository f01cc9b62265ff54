//! The time the service runs on. It reads the system clock; a test moves it forward instead
//! of sleeping. "Today" is the coalition's date in its own time zone, not the UTC date: a
//! deadline "until 30 June inclusive" ends at midnight where the coalition lives.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Default)]
pub struct Clock {
    /// How far this clock runs ahead of the system clock, in milliseconds.
    ahead_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::milliseconds(self.ahead_ms.load(Ordering::Relaxed))
    }

    /// The date in `zone` now.
    pub fn today(&self, zone: Tz) -> NaiveDate {
        date_in(self.now(), zone)
    }

    /// Moves the clock forward (tests: a session's idle limit, a deadline passing).
    pub fn advance(&self, by: TimeDelta) {
        self.ahead_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}

/// The date an instant falls on in `zone`.
pub fn date_in(at: DateTime<Utc>, zone: Tz) -> NaiveDate {
    at.with_timezone(&zone).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_date_where_the_coalition_is() {
        let late = DateTime::parse_from_rfc3339("2026-06-30T23:30:00Z")
            .expect("instant")
            .with_timezone(&Utc);
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        // Half past one in the morning in Brussels: already the first of July there.
        assert_eq!(
            date_in(late, chrono_tz::Europe::Brussels),
            day("2026-07-01")
        );
        assert_eq!(
            date_in(late, chrono_tz::America::New_York),
            day("2026-06-30")
        );
        assert_eq!(date_in(late, chrono_tz::UTC), day("2026-06-30"));
    }

    #[test]
    fn a_moved_clock_stays_moved_in_every_copy() {
        let clock = Clock::default();
        let copy = clock.clone();
        let before = copy.now();
        clock.advance(TimeDelta::days(3));
        let moved = copy.now() - before;
        assert!(moved >= TimeDelta::days(3) && moved < TimeDelta::days(3) + TimeDelta::minutes(1));
    }
}
