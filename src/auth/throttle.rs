//! Sign-in throttling: after repeated failures an account and an address are first slowed,
//! then locked for a while. The rules are pure; `check` and `note_failure` keep the counts.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::model::ThrottleRow;
use crate::config::ThrottlePolicy;
use crate::db::DbConn;
use crate::db::schema::login_throttle;
use crate::error::Error;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Too many recent failures: wait this many seconds after the last one.
    Wait {
        seconds: i64,
    },
    /// Locked until this instant.
    Locked {
        until: NaiveDateTime,
    },
}

fn delta(d: std::time::Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

pub fn decide(row: Option<&ThrottleRow>, policy: &ThrottlePolicy, now: NaiveDateTime) -> Decision {
    let Some(row) = row else {
        return Decision::Allow;
    };
    if let Some(until) = row.locked_until {
        if until > now {
            return Decision::Locked { until };
        }
        // A lock that has run out lifts completely.
        return Decision::Allow;
    }
    let ready_at = row.last_failure_at + delta(policy.delay);
    if row.failures >= policy.slow_after && ready_at > now {
        let seconds = (ready_at - now).num_seconds().max(1);
        return Decision::Wait { seconds };
    }
    Decision::Allow
}

/// The row after one more failure. Counts start again after a lock has run out, and after a
/// quiet spell as long as a lock.
pub fn after_failure(
    key: &str,
    row: Option<ThrottleRow>,
    policy: &ThrottlePolicy,
    now: NaiveDateTime,
) -> ThrottleRow {
    let previous = row
        .filter(|r| r.locked_until.is_none_or(|until| until > now))
        .filter(|r| now - r.last_failure_at < delta(policy.lock_for))
        .map(|r| r.failures)
        .unwrap_or(0);
    let failures = previous.saturating_add(1);
    ThrottleRow {
        throttle_key: key.to_owned(),
        failures,
        last_failure_at: now,
        locked_until: (failures >= policy.lock_after).then(|| now + delta(policy.lock_for)),
    }
}

/// The more severe of two decisions.
pub fn worst(a: Decision, b: Decision) -> Decision {
    fn rank(d: &Decision) -> u8 {
        match d {
            Decision::Allow => 0,
            Decision::Wait { .. } => 1,
            Decision::Locked { .. } => 2,
        }
    }
    if rank(&b) > rank(&a) { b } else { a }
}

/// The message a person sees; identical whether or not the email exists.
pub fn refusal(decision: &Decision, now: NaiveDateTime) -> Option<Error> {
    match decision {
        Decision::Allow => None,
        Decision::Wait { seconds } => Some(Error::Throttled(format!(
            "too many failed sign-in attempts: wait {seconds} seconds before trying again"
        ))),
        Decision::Locked { until } => {
            let minutes = ((*until - now).num_seconds() + 59) / 60;
            Some(Error::Throttled(format!(
                "too many failed sign-in attempts: sign-in is locked for {} more minute{}. Try again later, or ask the administrator to reset your password",
                minutes.max(1),
                if minutes > 1 { "s" } else { "" }
            )))
        }
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
    policy: &ThrottlePolicy,
    now: NaiveDateTime,
) -> Result<(), Error> {
    let row = after_failure(key, load(conn, key)?, policy, now);
    // An upsert is the one statement whose spelling each backend needs on its own connection.
    let upsert = diesel::insert_into(login_throttle::table)
        .values(&row)
        .on_conflict(login_throttle::throttle_key)
        .do_update()
        .set(&row);
    match conn {
        DbConn::Sqlite(c) => upsert.execute(c)?,
        DbConn::Postgres(c) => upsert.execute(c)?,
    };
    Ok(())
}

pub fn clear(conn: &mut DbConn, key: &str) -> Result<(), Error> {
    diesel::delete(login_throttle::table.find(key)).execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy {
            slow_after: 3,
            delay: Duration::from_secs(5),
            lock_after: 5,
            lock_for: Duration::from_secs(600),
        }
    }

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0)
            .expect("valid instant")
            .naive_utc()
    }

    fn fail_n(n: i64) -> ThrottleRow {
        let mut row = None;
        for i in 0..n {
            row = Some(after_failure("k", row, &policy(), at(i * 10)));
        }
        row.expect("at least one failure")
    }

    #[test]
    fn a_few_failures_are_allowed() {
        let row = fail_n(2);
        assert_eq!(decide(Some(&row), &policy(), at(11)), Decision::Allow);
    }

    #[test]
    fn slowed_after_three_failures_until_the_delay_passes() {
        let row = fail_n(3); // last failure at 20
        assert_eq!(
            decide(Some(&row), &policy(), at(22)),
            Decision::Wait { seconds: 3 }
        );
        assert_eq!(decide(Some(&row), &policy(), at(25)), Decision::Allow);
    }

    #[test]
    fn locked_after_five_and_lifted_after_the_lock() {
        let row = fail_n(5); // last failure at 40
        assert_eq!(
            decide(Some(&row), &policy(), at(100)),
            Decision::Locked { until: at(640) }
        );
        assert_eq!(decide(Some(&row), &policy(), at(640)), Decision::Allow);
        let next = after_failure("k", Some(row), &policy(), at(700));
        assert_eq!(next.failures, 1, "counting starts again after a lock");
    }

    #[test]
    fn old_failures_are_forgotten() {
        let row = fail_n(4);
        let next = after_failure("k", Some(row), &policy(), at(10_000));
        assert_eq!(next.failures, 1);
    }

    #[test]
    fn worst_prefers_the_lock() {
        let lock = Decision::Locked { until: at(1) };
        assert_eq!(worst(Decision::Allow, lock.clone()), lock);
        assert_eq!(worst(lock.clone(), Decision::Wait { seconds: 3 }), lock);
    }
}
