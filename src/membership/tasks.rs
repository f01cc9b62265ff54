//! What membership asks of a person, for their dashboard.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Date, Integer, Nullable};

use crate::auth::{Actor, Role};
use crate::db::DbConn;
use crate::error::Error;
use crate::task::Task;

/// What the dashboard needs to know of membership, in one query: the current memorandum,
/// applications waiting, fees due, members yet to sign, and whether the person's own
/// organisation (`$1`) signed.
#[derive(QueryableByName)]
struct Facts {
    #[diesel(sql_type = Nullable<BigInt>)]
    version_id: Option<i64>,
    #[diesel(sql_type = Nullable<Integer>)]
    version_no: Option<i32>,
    #[diesel(sql_type = Nullable<Date>)]
    adopted_on: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    waiting: i64,
    #[diesel(sql_type = BigInt)]
    fees_due: i64,
    #[diesel(sql_type = BigInt)]
    unsigned: i64,
    #[diesel(sql_type = BigInt)]
    own_signed: i64,
}

const FACTS: &str = "\
SELECT v.id AS version_id, v.version_no AS version_no, v.adopted_on AS adopted_on, \
 (SELECT COUNT(*) FROM applications a WHERE a.decision IS NULL) AS waiting, \
 (SELECT COUNT(*) FROM fee_ledger f WHERE f.status = 'due') AS fees_due, \
 (SELECT COUNT(*) FROM organisations o WHERE o.status IN ('full', 'associate') \
   AND NOT EXISTS (SELECT 1 FROM mou_signatures s \
     WHERE s.organisation_id = o.id AND s.mou_version_id = v.id)) AS unsigned, \
 (SELECT COUNT(*) FROM mou_signatures s \
   WHERE s.mou_version_id = v.id AND s.organisation_id = $1) AS own_signed \
FROM (SELECT 1 AS one) x \
LEFT JOIN (SELECT id, version_no, adopted_on FROM mou_versions \
  ORDER BY version_no DESC LIMIT 1) v ON 1 = 1";

fn plural(n: i64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn for_actor(conn: &mut DbConn, actor: &Actor, fees_enabled: bool) -> Result<Vec<Task>, Error> {
    let mut tasks = Vec::new();
    let secretariat = actor.has(&Role::Secretariat);
    let representing = actor.roles.iter().find_map(|r| match r {
        Role::Representative { organisation_id } => Some(*organisation_id),
        _ => None,
    });
    if !secretariat && representing.is_none() {
        return Ok(tasks);
    }
    let facts: Facts = diesel::sql_query(FACTS)
        .bind::<BigInt, _>(representing.unwrap_or(-1))
        .get_result(conn)?;
    let version = match (facts.version_id, facts.version_no, facts.adopted_on) {
        (Some(_), Some(no), Some(adopted)) => Some((no, adopted)),
        _ => None,
    };
    if secretariat {
        if facts.waiting > 0 {
            tasks.push(Task {
                title: format!(
                    "{} application{} to decide",
                    facts.waiting,
                    plural(facts.waiting)
                ),
                detail:
                    "Organisations are waiting for the coalition's decision on their admission."
                        .into(),
                href: "/admission".into(),
            });
        }
        if fees_enabled && facts.fees_due > 0 {
            tasks.push(Task {
                title: format!(
                    "{} fee{} outstanding",
                    facts.fees_due,
                    plural(facts.fees_due)
                ),
                detail: "Record payments or waivers on the fees page.".into(),
                href: "/fees".into(),
            });
        }
        if let Some((no, adopted)) = version
            && facts.unsigned > 0
        {
            tasks.push(Task {
                title: format!(
                    "{} member{} yet to sign the memorandum",
                    facts.unsigned,
                    plural(facts.unsigned)
                ),
                detail: format!("Version {no} of {adopted}."),
                href: "/memorandum".into(),
            });
        }
    }
    if let (Some(organisation_id), Some((no, adopted))) = (representing, version)
        && facts.own_signed == 0
    {
        tasks.push(Task {
            title: "Your organisation has not signed the memorandum".into(),
            detail: format!("Version {no} of {adopted} awaits its signature."),
            href: format!("/organisations/{organisation_id}"),
        });
    }
    Ok(tasks)
}
