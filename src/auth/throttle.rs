//! Sign-in throttling: after a few failures each further attempt for the same account, or
//! from the same address, waits a little longer, up to a ceiling under a minute. Nothing is
//! ever locked, so nobody can lock a member out by guessing; the delays alone bound how many
//! guesses an attacker gets. The rules are pure; `load`, `note_failure` and `clear` keep the
//! counts. The same table also counts other limited actions (`take`).

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::model::ThrottleRow;
use crate::config::Budget;
use crate::db::DbConn;
use crate::db::schema::login_throttle;
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Too many recent failures: wait this many seconds.
    Wait {
        seconds: i64,
    },
}

fn delta(d: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// The delay after the given number of failures: none for the free ones, then doubling from
/// `first_delay` up to `max_delay`.
pub fn delay_after(failures: i32, budget: &Budget) -> TimeDelta {
    let over = failures - budget.free;
    if over < 0 {
        return TimeDelta::zero();
    }
    let doubled = budget
        .first_delay
        .checked_mul(1u32.checked_shl(over.unsigned_abs()).unwrap_or(u32::MAX))
        .unwrap_or(budget.max_delay);
    delta(doubled.min(budget.max_delay))
}

/// Failures still remembered at `now`.
fn remembered(row: Option<&ThrottleRow>, budget: &Budget, now: NaiveDateTime) -> i32 {
    row.filter(|r| now - r.last_failure_at < delta(budget.forget_after))
        .map(|r| r.failures)
        .unwrap_or(0)
}

pub fn decide(row: Option<&ThrottleRow>, budget: &Budget, now: NaiveDateTime) -> Decision {
    let Some(row) = row else {
        return Decision::Allow;
    };
    let ready_at = row.last_failure_at + delay_after(remembered(Some(row), budget, now), budget);
    if ready_at > now {
        let seconds = ((ready_at - now).num_milliseconds() + 999) / 1000;
        return Decision::Wait { seconds };
    }
    Decision::Allow
}

/// The row after one more failure.
pub fn after_failure(
    key: &str,
    row: Option<ThrottleRow>,
    budget: &Budget,
    now: NaiveDateTime,
) -> ThrottleRow {
    ThrottleRow {
        throttle_key: key.to_owned(),
        failures: remembered(row.as_ref(), budget, now).saturating_add(1),
        last_failure_at: now,
    }
}

/// The longer of two waits.
pub fn worst(a: Decision, b: Decision) -> Decision {
    match (&a, &b) {
        (Decision::Wait { seconds: x }, Decision::Wait { seconds: y }) if y > x => b,
        (Decision::Allow, _) => b,
        _ => a,
    }
}

/// The message a person sees; identical whether or not the email exists.
pub fn refusal(decision: &Decision) -> Option<Error> {
    match decision {
        Decision::Allow => None,
        Decision::Wait { seconds } => Some(Error::Throttled(format!(
            "too many failed sign-in attempts: wait {seconds} second{} before trying again",
            if *seconds == 1 { "" } else { "s" }
        ))),
    }
}

pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

pub fn address_key(address: &str) -> String {
    format!("address:{address}")
}

pub fn load(conn: &mut DbConn, key: &str) -> Result<Option<ThrottleRow>, Error> {
    Ok(login_throttle::table
        .find(key)
        .select(ThrottleRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn note_failure(
    conn: &mut DbConn,
    key: &str,
    budget: &Budget,
    now: NaiveDateTime,
) -> Result<(), Error> {
    let row = after_failure(key, load(conn, key)?, budget, now);
    save(conn, &row)
}

fn save(conn: &mut DbConn, row: &ThrottleRow) -> Result<(), Error> {
    // An upsert is the one statement whose spelling each backend needs on its own connection.
    let upsert = diesel::insert_into(login_throttle::table)
        .values(row)
        .on_conflict(login_throttle::throttle_key)
        .do_update()
        .set(row);
    match conn {
        DbConn::Sqlite(c) => upsert.execute(c)?,
        DbConn::Postgres(c) => upsert.execute(c)?,
    };
    Ok(())
}

/// How many times a limited action (such as a public application from one address) was
/// used within the last `window`.
pub fn uses(
    conn: &mut DbConn,
    key: &str,
    window: std::time::Duration,
    now: NaiveDateTime,
) -> Result<i32, Error> {
    Ok(remembered(
        load(conn, key)?.as_ref(),
        &window_budget(window),
        now,
    ))
}

/// Counts one use of a limited action; uses older than `window` are forgotten.
pub fn count_use(
    conn: &mut DbConn,
    key: &str,
    window: std::time::Duration,
    now: NaiveDateTime,
) -> Result<(), Error> {
    crate::db::write_tx(conn, |conn| {
        let row = after_failure(key, load(conn, key)?, &window_budget(window), now);
        save(conn, &row)
    })
}

/// A fixed window: counts live as long as uses keep coming within it.
fn window_budget(window: std::time::Duration) -> Budget {
    Budget {
        free: i32::MAX,
        first_delay: window,
        max_delay: window,
        forget_after: window,
    }
}

pub fn clear(conn: &mut DbConn, key: &str) -> Result<(), Error> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ThrottlePolicy;

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0)
            .expect("valid instant")
            .naive_utc()
    }

    fn account() -> Budget {
        ThrottlePolicy::default().account
    }

    fn fail_at(times: &[i64]) -> ThrottleRow {
        let mut row = None;
        for t in times {
            row = Some(after_failure("k", row, &account(), at(*t)));
        }
        row.expect("at least one failure")
    }

    #[test]
    fn the_first_failures_cost_nothing() {
        let row = fail_at(&[0, 0]);
        assert_eq!(decide(Some(&row), &account(), at(0)), Decision::Allow);
    }

    #[test]
    fn each_further_failure_doubles_the_wait() {
        let row = fail_at(&[0, 0, 0]);
        assert_eq!(
            decide(Some(&row), &account(), at(0)),
            Decision::Wait { seconds: 1 }
        );
        assert_eq!(decide(Some(&row), &account(), at(1)), Decision::Allow);
        let row = fail_at(&[0, 0, 0, 1, 2]);
        assert_eq!(
            decide(Some(&row), &account(), at(2)),
            Decision::Wait { seconds: 4 }
        );
    }

    #[test]
    fn the_right_password_always_gets_through_within_a_minute() {
        for policy in [
            ThrottlePolicy::default().account,
            ThrottlePolicy::default().address,
        ] {
            let row = ThrottleRow {
                throttle_key: "k".into(),
                failures: i32::MAX,
                last_failure_at: at(0),
            };
            let Decision::Wait { seconds } = decide(Some(&row), &policy, at(0)) else {
                panic!("a wait after many failures");
            };
            assert!(seconds <= 60, "{seconds} s");
            assert_eq!(decide(Some(&row), &policy, at(60)), Decision::Allow);
        }
    }

    /// ASVS 2.2.1: an attacker who tries again the moment each wait ends, for one hour,
    /// gets at most 100 guesses at one account.
    #[test]
    fn at_most_a_hundred_guesses_per_account_per_hour() {
        let budget = account();
        let (mut row, mut now, mut guesses) = (None, 0i64, 0);
        while now < 3600 {
            match decide(row.as_ref(), &budget, at(now)) {
                Decision::Allow => {
                    guesses += 1;
                    row = Some(after_failure("k", row, &budget, at(now)));
                }
                Decision::Wait { seconds } => now += seconds,
            }
        }
        assert!(guesses <= 100, "{guesses} guesses in an hour");
        assert!(
            guesses >= 50,
            "the budget is not needlessly tight: {guesses}"
        );
    }

    #[test]
    fn old_failures_are_forgotten() {
        let row = fail_at(&[0, 0, 0, 0]);
        let next = after_failure("k", Some(row.clone()), &account(), at(3600));
        assert_eq!(next.failures, 1);
        assert_eq!(decide(Some(&row), &account(), at(3600)), Decision::Allow);
    }

    #[test]
    fn worst_prefers_the_longer_wait() {
        let long = Decision::Wait { seconds: 30 };
        assert_eq!(worst(Decision::Allow, long.clone()), long);
        assert_eq!(worst(long.clone(), Decision::Wait { seconds: 3 }), long);
        assert_eq!(worst(Decision::Wait { seconds: 3 }, long.clone()), long);
        assert_eq!(worst(Decision::Allow, Decision::Allow), Decision::Allow);
    }
}
