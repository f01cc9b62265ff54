//! The records behind the indicators, for the evaluators: what each indicator counted,
//! record by record. Only what is counted is shown: no agenda item or minute text, no
//! complaint, no one organisation's fees, no applicant's name or reason. A fixed number of
//! queries per area, whatever the period's length.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{count_star, min};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{
    action_items, agenda_versions, applications, approval_rounds, attendance, mail_reminders,
    meetings, membership_events, minutes, organisations, secretariat_terms, statement_positions,
    statements, working_groups,
};
use crate::error::Error;

/// The areas of records behind the indicators an evaluator may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Meetings,
    Statements,
    Membership,
    Groups,
    Secretariat,
}

impl Area {
    pub const ALL: [Area; 5] = [
        Area::Meetings,
        Area::Statements,
        Area::Membership,
        Area::Groups,
        Area::Secretariat,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Area::Meetings => "meetings",
            Area::Statements => "statements",
            Area::Membership => "membership",
            Area::Groups => "groups",
            Area::Secretariat => "secretariat",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Area::Meetings => "Meetings and attendance",
            Area::Statements => "Statements and their rounds",
            Area::Membership => "Membership",
            Area::Groups => "Working groups",
            Area::Secretariat => "Secretariat terms",
        }
    }

    pub fn parse(slug: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.slug() == slug)
    }

    /// The area whose records an indicator counts; none for fees (totals only), complaints
    /// (statistics only) and mail (the recipients are people).
    pub fn of_indicator(key: &str) -> Option<Area> {
        match key.split('.').next()? {
            "meetings" | "actions" | "attendance" => Some(Area::Meetings),
            "statements" => Some(Area::Statements),
            "members" => Some(Area::Membership),
            "groups" => Some(Area::Groups),
            "secretariat" => Some(Area::Secretariat),
            _ => None,
        }
    }
}

/// A table of records: its caption, its column heads and its rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub caption: String,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

/// The records of `area` in the period from `from` to `until` (inclusive).
pub fn tables(
    conn: &mut DbConn,
    area: Area,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Table>, Error> {
    let (start, end) = super::indicators::bounds(from, until);
    match area {
        Area::Meetings => meetings_tables(conn, start, end),
        Area::Statements => statements_tables(conn, start, end),
        Area::Membership => membership_tables(conn, from, until, start, end),
        Area::Groups => groups_tables(conn, from, until, start, end),
        Area::Secretariat => secretariat_tables(conn, from, until),
    }
}

fn day(t: NaiveDateTime) -> String {
    t.date().to_string()
}

fn days_between(a: NaiveDateTime, b: NaiveDateTime) -> String {
    format!("{:.0}", (b - a).num_seconds() as f64 / 86_400.0)
}

/// Counts by (record, status), as a map to look up from.
fn by_status(rows: Vec<(i64, String, i64)>) -> HashMap<(i64, String), i64> {
    rows.into_iter().map(|(id, s, n)| ((id, s), n)).collect()
}

fn of(map: &HashMap<(i64, String), i64>, id: i64, status: &str) -> i64 {
    map.get(&(id, status.to_owned())).copied().unwrap_or(0)
}

fn total(map: &HashMap<(i64, String), i64>, id: i64) -> i64 {
    map.iter()
        .filter(|((i, _), _)| *i == id)
        .map(|(_, n)| n)
        .sum()
}

type MeetingRow = (
    i64,
    String,
    String,
    NaiveDateTime,
    String,
    Option<i32>,
    i32,
    Option<String>,
);

fn meetings_tables(
    conn: &mut DbConn,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<Vec<Table>, Error> {
    let in_period = meetings::starts_at
        .ge(start)
        .and(meetings::starts_at.lt(end));
    let list: Vec<MeetingRow> = meetings::table
        .left_join(working_groups::table)
        .filter(in_period)
        .order(meetings::starts_at)
        .select((
            meetings::id,
            meetings::title,
            meetings::kind,
            meetings::starts_at,
            meetings::status,
            meetings::plan_year,
            meetings::times_moved,
            working_groups::name.nullable(),
        ))
        .load(conn)?;
    let agendas: HashMap<i64, Option<NaiveDateTime>> = agenda_versions::table
        .inner_join(meetings::table)
        .filter(in_period)
        .group_by(agenda_versions::meeting_id)
        .select((
            agenda_versions::meeting_id,
            min(agenda_versions::published_at),
        ))
        .load(conn)?
        .into_iter()
        .collect();
    let approved: HashMap<i64, Option<NaiveDateTime>> = minutes::table
        .inner_join(meetings::table)
        .filter(in_period)
        .select((minutes::meeting_id, minutes::approved_at))
        .load(conn)?
        .into_iter()
        .collect();
    let present = by_status(
        attendance::table
            .inner_join(meetings::table)
            .filter(in_period)
            .group_by((attendance::meeting_id, attendance::status))
            .select((attendance::meeting_id, attendance::status, count_star()))
            .load(conn)?,
    );
    let actions = by_status(
        action_items::table
            .inner_join(meetings::table)
            .filter(in_period)
            .group_by((action_items::meeting_id, action_items::status))
            .select((action_items::meeting_id, action_items::status, count_star()))
            .load(conn)?,
    );
    let rows = list
        .into_iter()
        .map(|(id, title, kind, at, status, plan_year, moved, group)| {
            let kind = crate::meetings::rules::Kind::parse(&kind)
                .map(|k| k.label().to_owned())
                .unwrap_or(kind);
            let status = crate::meetings::rules::Status::parse(&status)
                .map(|s| s.label().to_owned())
                .unwrap_or(status);
            let agenda = agendas.get(&id).copied().flatten();
            let minutes = approved.get(&id).copied().flatten();
            let recorded = total(&present, id);
            vec![
                day(at),
                title,
                match group {
                    Some(g) => format!("{kind} ({g})"),
                    None => kind,
                },
                status,
                if plan_year.is_some() { "yes" } else { "no" }.to_owned(),
                moved.to_string(),
                agenda.map(day).unwrap_or_default(),
                agenda.map(|a| days_between(a, at)).unwrap_or_default(),
                minutes.map(day).unwrap_or_default(),
                if recorded == 0 {
                    String::new()
                } else {
                    format!("{} of {recorded}", of(&present, id, "present"))
                },
                format!("{} of {}", of(&actions, id, "done"), total(&actions, id)),
            ]
        })
        .collect();
    Ok(vec![Table {
        caption: "Meetings dated in the period".into(),
        header: vec![
            "Date",
            "Meeting",
            "Kind",
            "Status",
            "From the year plan",
            "Times moved",
            "Agenda first sent",
            "Days before",
            "Minutes approved",
            "Present",
            "Action items done",
        ],
        rows,
    }])
}

type RoundRow = (
    i64,
    String,
    NaiveDateTime,
    String,
    Option<NaiveDateTime>,
    NaiveDate,
);

fn statements_tables(
    conn: &mut DbConn,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<Vec<Table>, Error> {
    let in_period = approval_rounds::opened_at
        .ge(start)
        .and(approval_rounds::opened_at.lt(end));
    let rounds: Vec<RoundRow> = approval_rounds::table
        .inner_join(statements::table.on(statements::id.eq(approval_rounds::statement_id)))
        .filter(in_period)
        .order(approval_rounds::opened_at)
        .select((
            approval_rounds::id,
            statements::title,
            approval_rounds::opened_at,
            approval_rounds::status,
            approval_rounds::adopted_at,
            approval_rounds::deadline,
        ))
        .load(conn)?;
    let positions = by_status(
        statement_positions::table
            .inner_join(approval_rounds::table)
            .filter(in_period)
            .group_by((statement_positions::round_id, statement_positions::position))
            .select((
                statement_positions::round_id,
                statement_positions::position,
                count_star(),
            ))
            .load(conn)?,
    );
    let published: Vec<(String, Option<NaiveDateTime>)> = statements::table
        .filter(statements::published_at.ge(start))
        .filter(statements::published_at.lt(end))
        .order(statements::published_at)
        .select((statements::title, statements::published_at))
        .load(conn)?;
    let round_rows = rounds
        .into_iter()
        .map(|(id, title, opened, status, adopted, deadline)| {
            vec![
                title,
                day(opened),
                deadline.to_string(),
                status,
                adopted.map(day).unwrap_or_default(),
                adopted.map(|a| days_between(opened, a)).unwrap_or_default(),
                of(&positions, id, "approve").to_string(),
                of(&positions, id, "object").to_string(),
                of(&positions, id, "abstain").to_string(),
            ]
        })
        .collect();
    Ok(vec![
        Table {
            caption: "Approval rounds opened in the period".into(),
            header: vec![
                "Statement",
                "Opened",
                "Deadline",
                "Round",
                "Adopted",
                "Days to adoption",
                "Approvals",
                "Objections",
                "Abstentions",
            ],
            rows: round_rows,
        },
        Table {
            caption: "Statements published in the period".into(),
            header: vec!["Statement", "Published"],
            rows: published
                .into_iter()
                .map(|(title, at)| vec![title, at.map(day).unwrap_or_default()])
                .collect(),
        },
    ])
}

fn membership_tables(
    conn: &mut DbConn,
    from: NaiveDate,
    until: NaiveDate,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<Vec<Table>, Error> {
    let events: Vec<(NaiveDate, String, Option<String>, String)> = membership_events::table
        .inner_join(organisations::table)
        .filter(membership_events::effective_on.ge(from))
        .filter(membership_events::effective_on.le(until))
        .order((membership_events::effective_on, organisations::name))
        .select((
            membership_events::effective_on,
            organisations::name,
            membership_events::from_status,
            membership_events::to_status,
        ))
        .load(conn)?;
    let decided: Vec<(NaiveDateTime, Option<NaiveDateTime>, Option<String>)> = applications::table
        .filter(applications::decided_at.ge(start))
        .filter(applications::decided_at.lt(end))
        .order(applications::decided_at)
        .select((
            applications::submitted_at,
            applications::decided_at,
            applications::decision,
        ))
        .load(conn)?;
    Ok(vec![
        Table {
            caption: "Changes of membership that took effect in the period".into(),
            header: vec!["Effective", "Organisation", "From", "To"],
            rows: events
                .into_iter()
                .map(|(on, name, from, to)| {
                    vec![on.to_string(), name, from.unwrap_or_default(), to]
                })
                .collect(),
        },
        Table {
            // Applicants are not named: one refused may not want it known.
            caption: "Applications decided in the period (applicants not named)".into(),
            header: vec!["Submitted", "Decided", "Decision", "Days to decide"],
            rows: decided
                .into_iter()
                .filter_map(|(submitted, decided, decision)| {
                    let decided = decided?;
                    Some(vec![
                        day(submitted),
                        day(decided),
                        decision.unwrap_or_default(),
                        days_between(submitted, decided),
                    ])
                })
                .collect(),
        },
    ])
}

fn groups_tables(
    conn: &mut DbConn,
    from: NaiveDate,
    until: NaiveDate,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<Vec<Table>, Error> {
    let groups: Vec<(i64, String, NaiveDate, Option<NaiveDate>)> = working_groups::table
        .filter(working_groups::started_on.le(until))
        .filter(
            working_groups::closed_on
                .is_null()
                .or(working_groups::closed_on.ge(from)),
        )
        .order(working_groups::name)
        .select((
            working_groups::id,
            working_groups::name,
            working_groups::started_on,
            working_groups::closed_on,
        ))
        .load(conn)?;
    let held: HashMap<Option<i64>, i64> = meetings::table
        .filter(meetings::group_id.is_not_null())
        .filter(meetings::starts_at.ge(start))
        .filter(meetings::starts_at.lt(end))
        .filter(meetings::status.eq_any(["held", "minutes_approved"]))
        .group_by(meetings::group_id)
        .select((meetings::group_id, count_star()))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(vec![Table {
        caption: "Working groups active in the period".into(),
        header: vec!["Working group", "Started", "Closed", "Meetings held"],
        rows: groups
            .into_iter()
            .map(|(id, name, started, closed)| {
                vec![
                    name,
                    started.to_string(),
                    closed.map(|c| c.to_string()).unwrap_or_default(),
                    held.get(&Some(id)).copied().unwrap_or(0).to_string(),
                ]
            })
            .collect(),
    }])
}

type TermRow = (i64, NaiveDate, NaiveDate, Option<i64>, Option<i64>);

fn secretariat_tables(
    conn: &mut DbConn,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Table>, Error> {
    let terms: Vec<TermRow> = secretariat_terms::table
        .filter(secretariat_terms::starts_on.le(until))
        .filter(secretariat_terms::ends_on.gt(from))
        .order(secretariat_terms::starts_on)
        .select((
            secretariat_terms::id,
            secretariat_terms::starts_on,
            secretariat_terms::ends_on,
            secretariat_terms::civil_society_org,
            secretariat_terms::governmental_org,
        ))
        .load(conn)?;
    let ids: Vec<i64> = terms.iter().map(|t| t.0).collect();
    let announced: HashMap<i64, NaiveDateTime> = mail_reminders::table
        .filter(mail_reminders::kind.eq(crate::secretariat::notices::HANDOVER))
        .filter(mail_reminders::subject_id.eq_any(&ids))
        .select((mail_reminders::subject_id, mail_reminders::sent_at))
        .load(conn)?
        .into_iter()
        .collect();
    let holders: Vec<i64> = terms.iter().flat_map(|t| [t.3, t.4]).flatten().collect();
    let names = crate::membership::organisations::names(conn, &holders)?;
    let name = |id: Option<i64>| {
        id.and_then(|i| names.get(&i).cloned())
            .unwrap_or_else(|| "(none)".into())
    };
    Ok(vec![Table {
        caption: "Secretariat terms that ran in the period".into(),
        header: vec![
            "From",
            "Until",
            "Civil society",
            "Governmental",
            "Hand-over notice sent",
        ],
        rows: terms
            .into_iter()
            .map(|(id, starts, ends, civil, governmental)| {
                vec![
                    starts.to_string(),
                    (ends - chrono::Duration::days(1)).to_string(),
                    name(civil),
                    name(governmental),
                    announced.get(&id).copied().map(day).unwrap_or_default(),
                ]
            })
            .collect(),
    }])
}
