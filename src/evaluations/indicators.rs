//! Indicators drawn from the coalition's own records for a period: meetings, agendas,
//! minutes, action items, attendance, statements, authorisations, membership, the
//! memorandum, fees (totals only), working groups, the secretariat, complaints (through
//! their suppressed statistics) and mail. Each states its definition and where its records
//! are. A fixed number of aggregate queries, whatever the period's length: ten years of a
//! large coalition are counted in the database, not loaded.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::DbConn;
use crate::db::schema::{
    action_items, agenda_versions, applications, approval_rounds, attendance, fee_ledger,
    mail_reminders, meetings, membership_events, minutes, mou_signatures, mou_versions,
    organisations, outbox_deliveries, secretariat_terms, sectors, statement_authorisations,
    statement_positions, statements, working_groups,
};
use crate::error::Error;

/// One figure of the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub key: String,
    pub area: String,
    pub label: String,
    /// What is counted, in words.
    pub definition: String,
    /// None: nothing to measure (no case in the period), or suppressed.
    pub value: Option<f64>,
    /// count, percent, days or money.
    pub unit: String,
    /// Where the records it counts can be read (by whoever may read them).
    pub link: Option<String>,
}

struct Builder(Vec<Indicator>);

/// A plenary as counted: its status, the year plan it came from, the times it was moved.
type Plenary = (String, Option<i32>, i32);

impl Builder {
    /// `what`: the key, the area, the label and the definition.
    fn add(&mut self, what: [&str; 4], value: Option<f64>, unit: &str, link: Option<&str>) {
        let [key, area, label, definition] = what;
        self.0.push(Indicator {
            key: key.into(),
            area: area.into(),
            label: label.into(),
            definition: definition.into(),
            value: value.map(|v| (v * 10.0).round() / 10.0),
            unit: unit.into(),
            link: link.map(str::to_owned),
        });
    }
    fn count(&mut self, what: [&str; 4], n: i64, link: Option<&str>) {
        self.add(what, Some(n as f64), "count", link);
    }
}

fn share(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

fn mean_days(pairs: &[(NaiveDateTime, NaiveDateTime)]) -> Option<f64> {
    if pairs.is_empty() {
        return None;
    }
    let total: i64 = pairs.iter().map(|(a, b)| (*b - *a).num_seconds()).sum();
    Some(total as f64 / pairs.len() as f64 / 86_400.0)
}

/// The (start, end) pairs of what has ended, from rows whose end may be missing.
fn finished(
    rows: &[(NaiveDateTime, Option<NaiveDateTime>)],
) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    rows.iter().filter_map(|(a, b)| Some((*a, (*b)?))).collect()
}

/// The period's first instant and the instant after its last day.
pub(crate) fn bounds(from: NaiveDate, until: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default();
    let end = until
        .succ_opt()
        .unwrap_or(until)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default();
    (start, end)
}

/// Every indicator of the period from `from` to `until` (inclusive).
pub fn compute(
    conn: &mut DbConn,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<Indicator>, Error> {
    let (start, end) = bounds(from, until);
    let mut b = Builder(Vec::new());
    meetings_part(conn, &mut b, start, end)?;
    attendance_part(conn, &mut b, start, end)?;
    // Today's full members: what participation and the memorandum's share are counted
    // against.
    let full: i64 = organisations::table
        .filter(organisations::status.eq("full"))
        .count()
        .get_result(conn)?;
    statements_part(conn, &mut b, start, end, full)?;
    membership_part(conn, &mut b, (from, until), (start, end), full)?;
    groups_and_secretariat(conn, &mut b, from, until, start, end)?;
    let complaints = crate::complaints::stats::statistics(conn, from, until)?;
    b.add(["complaints.filed", "Complaints", "Complaints filed", "Complaints filed in the period (fewer than three are not shown, so that no case can be pointed at)."], complaints.filed.map(|n| n as f64), "count", None);
    b.add(["complaints.within_limits", "Complaints", "Steps taken within their time limits", "The share of the procedure's steps with a time limit that were taken by their due date."], complaints.share_within_limits.map(|s| s * 100.0), "percent", None);
    b.add(["complaints.days_to_close", "Complaints", "Days from filing to closing", "The mean number of days from filing to closing, for the cases closed (fewer than three are not shown)."], complaints.days_to_stage.get("closed").copied().flatten(), "days", None);
    let (sent, failed): (i64, i64) = {
        // Every status named, so that the (status, created_at) index is searched once per
        // status instead of every delivery being read.
        let rows: Vec<(String, i64)> = outbox_deliveries::table
            .filter(outbox_deliveries::status.eq_any(crate::mail::model::DELIVERY_STATUSES))
            .filter(outbox_deliveries::created_at.ge(start))
            .filter(outbox_deliveries::created_at.lt(end))
            .group_by(outbox_deliveries::status)
            .select((outbox_deliveries::status, count_star()))
            .load(conn)?;
        let by: HashMap<String, i64> = rows.into_iter().collect();
        (by.values().sum(), by.get("failed").copied().unwrap_or(0))
    };
    b.count(
        [
            "mail.deliveries",
            "Mail",
            "Mails delivered or tried",
            "Deliveries of mail queued in the period, one per recipient.",
        ],
        sent,
        Some("/mail"),
    );
    b.add(
        [
            "mail.failed",
            "Mail",
            "Mail delivery failures",
            "The share of deliveries that failed for good.",
        ],
        share(failed, sent),
        "percent",
        Some("/mail"),
    );
    Ok(b.0)
}

fn meetings_part(
    conn: &mut DbConn,
    b: &mut Builder,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<(), Error> {
    // Plenaries are few (four a year): read, then counted here.
    let plenaries: Vec<Plenary> = meetings::table
        .filter(meetings::starts_at.ge(start))
        .filter(meetings::starts_at.lt(end))
        .filter(meetings::kind.eq("plenary"))
        .select((meetings::status, meetings::plan_year, meetings::times_moved))
        .load(conn)?;
    let total =
        |f: &dyn Fn(&Plenary) -> bool| -> i64 { plenaries.iter().filter(|r| f(r)).count() as i64 };
    let held = total(&|r| r.0 == "held" || r.0 == "minutes_approved");
    b.count(
        [
            "meetings.plenaries",
            "Meetings",
            "Plenaries in the period",
            "Plenaries whose date falls in the period, whatever became of them.",
        ],
        total(&|_| true),
        Some("/meetings/past"),
    );
    b.count(
        [
            "meetings.planned_ahead",
            "Meetings",
            "Plenaries from the year plan",
            "Plenaries that came from the year plan, planned a year ahead.",
        ],
        total(&|r| r.1.is_some()),
        Some("/meetings/plan"),
    );
    b.count(
        [
            "meetings.held",
            "Meetings",
            "Plenaries held",
            "Plenaries marked held (with or without approved minutes).",
        ],
        held,
        Some("/meetings/past"),
    );
    b.count(
        [
            "meetings.cancelled",
            "Meetings",
            "Plenaries cancelled",
            "Plenaries cancelled, with their reason on the meeting's page.",
        ],
        total(&|r| r.0 == "cancelled"),
        Some("/meetings/past"),
    );
    b.count(["meetings.moved", "Meetings", "Plenaries moved", "Plenaries whose time or place (venue or online address) changed after they were planned, by hand or by the year plan."], total(&|r| r.2 > 0), Some("/meetings/past"));
    // The first published agenda of each meeting held in the period, against its date.
    let held_meetings: Vec<(i64, NaiveDateTime)> = meetings::table
        .filter(meetings::starts_at.ge(start))
        .filter(meetings::starts_at.lt(end))
        .filter(meetings::status.eq_any(["held", "minutes_approved"]))
        .select((meetings::id, meetings::starts_at))
        .load(conn)?;
    let published: Vec<(i64, NaiveDateTime)> = agenda_versions::table
        .inner_join(meetings::table)
        .filter(meetings::starts_at.ge(start))
        .filter(meetings::starts_at.lt(end))
        .filter(meetings::status.eq_any(["held", "minutes_approved"]))
        .select((agenda_versions::meeting_id, agenda_versions::published_at))
        .load(conn)?;
    let mut first: HashMap<i64, NaiveDateTime> = HashMap::new();
    for (meeting, at) in published {
        first
            .entry(meeting)
            .and_modify(|f| *f = (*f).min(at))
            .or_insert(at);
    }
    let early = held_meetings
        .iter()
        .filter(|(id, at)| {
            first
                .get(id)
                .is_some_and(|f| *f <= *at - chrono::Duration::days(7))
        })
        .count();
    let agendas = &held_meetings;
    b.add(["meetings.agenda_on_time", "Meetings", "Agendas sent at least 7 days before", "Of the meetings held, the share whose agenda was first published at least seven days before the meeting."], share(early as i64, agendas.len() as i64), "percent", Some("/meetings/past"));
    let approved: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = minutes::table
        .inner_join(meetings::table)
        .filter(meetings::starts_at.ge(start))
        .filter(meetings::starts_at.lt(end))
        .filter(minutes::approved_at.is_not_null())
        .select((meetings::starts_at, minutes::approved_at))
        .load(conn)?;
    let pairs = finished(&approved);
    b.count(
        [
            "meetings.minutes_approved",
            "Meetings",
            "Minutes approved",
            "Meetings of the period whose minutes were approved.",
        ],
        pairs.len() as i64,
        Some("/meetings/past"),
    );
    b.add(
        [
            "meetings.days_to_minutes",
            "Meetings",
            "Days from meeting to approved minutes",
            "The mean number of days from a meeting to the approval of its minutes.",
        ],
        mean_days(&pairs),
        "days",
        Some("/meetings/past"),
    );
    let actions: Vec<(String, Option<NaiveDate>)> = action_items::table
        .filter(action_items::created_at.ge(start))
        .filter(action_items::created_at.lt(end))
        .select((action_items::status, action_items::due_on))
        .load(conn)?;
    let done = actions.iter().filter(|a| a.0 == "done").count() as i64;
    let open = actions.iter().filter(|a| a.0 == "open").count() as i64;
    let overdue = actions
        .iter()
        .filter(|a| a.0 == "open" && a.1.is_some_and(|d| d < end.date()))
        .count() as i64;
    b.count(
        [
            "actions.done",
            "Meetings",
            "Action items done",
            "Action items agreed in the period and marked done.",
        ],
        done,
        None,
    );
    b.count(
        [
            "actions.open",
            "Meetings",
            "Action items open",
            "Action items agreed in the period and still open (dropped ones are not counted).",
        ],
        open,
        None,
    );
    b.count(
        [
            "actions.overdue",
            "Meetings",
            "Action items overdue",
            "Open action items whose due date passed before the period ended.",
        ],
        overdue,
        None,
    );
    Ok(())
}

/// Attendance recorded at the meetings of the period, as (organisation, status, count).
fn attendance_by_organisation(
    conn: &mut DbConn,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<Vec<(i64, String, i64)>, Error> {
    Ok(attendance::table
        .inner_join(meetings::table)
        .filter(meetings::starts_at.ge(start))
        .filter(meetings::starts_at.lt(end))
        .group_by((attendance::organisation_id, attendance::status))
        .select((
            attendance::organisation_id,
            attendance::status,
            count_star(),
        ))
        .load(conn)?)
}

fn attendance_part(
    conn: &mut DbConn,
    b: &mut Builder,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<(), Error> {
    let counted: Vec<(i64, String, i64)> = attendance_by_organisation(conn, start, end)?;
    let sides: HashMap<i64, String> = organisations::table
        .inner_join(sectors::table)
        .select((organisations::id, sectors::side))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let rows: Vec<(String, String, i64)> = counted
        .iter()
        .map(|(o, status, n)| {
            (
                sides.get(o).cloned().unwrap_or_default(),
                status.clone(),
                *n,
            )
        })
        .collect();
    let rate = |side: Option<&str>| {
        let of = |r: &&(String, String, i64)| side.is_none_or(|s| r.0 == s);
        let present: i64 = rows
            .iter()
            .filter(of)
            .filter(|r| r.1 == "present")
            .map(|r| r.2)
            .sum();
        let all: i64 = rows.iter().filter(of).map(|r| r.2).sum();
        share(present, all)
    };
    // Quorum at each plenary held, among the full members whose attendance was recorded.
    let plenary_rows: Vec<(i64, String, String)> = attendance::table
        .inner_join(meetings::table)
        .inner_join(organisations::table)
        .filter(meetings::starts_at.ge(start))
        .filter(meetings::starts_at.lt(end))
        .filter(meetings::kind.eq("plenary"))
        .filter(meetings::status.eq_any(["held", "minutes_approved"]))
        .select((meetings::id, organisations::status, attendance::status))
        .load(conn)?;
    let percent = crate::meetings::store::settings(conn)?.quorum_percent;
    let mut by_meeting: HashMap<i64, (usize, usize)> = HashMap::new();
    for (meeting, organisation_status, status) in &plenary_rows {
        if organisation_status == "full" {
            let entry = by_meeting.entry(*meeting).or_default();
            entry.1 += 1;
            entry.0 += usize::from(status == "present");
        }
    }
    let reached = by_meeting
        .values()
        .filter(|(present, full)| crate::meetings::rules::quorum_reached(*present, *full, percent))
        .count();
    b.add(
        [
            "meetings.quorum",
            "Meetings",
            "Plenaries with a quorum",
            "Of the plenaries held with attendance recorded, the share where the full members present reached the quorum of those recorded.",
        ],
        share(reached as i64, by_meeting.len() as i64),
        "percent",
        Some("/meetings/past"),
    );
    // Attendance per sector, from the same counts per organisation.
    let sector_of: HashMap<i64, String> = organisations::table
        .inner_join(sectors::table)
        .select((organisations::id, sectors::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let mut sector_names: Vec<&String> = sector_of.values().collect();
    sector_names.sort();
    sector_names.dedup();
    for sector in sector_names {
        let of_sector = |(o, _, _): &&(i64, String, i64)| sector_of.get(o) == Some(sector);
        let present: i64 = counted
            .iter()
            .filter(of_sector)
            .filter(|r| r.1 == "present")
            .map(|r| r.2)
            .sum();
        let all: i64 = counted.iter().filter(of_sector).map(|r| r.2).sum();
        if all > 0 {
            b.add(
                [
                    &format!(
                        "attendance.sector.{}",
                        sector.to_lowercase().replace(' ', "_")
                    ),
                    "Attendance",
                    &format!("Attendance rate, {sector}"),
                    "The same, for the members of this sector.",
                ],
                share(present, all),
                "percent",
                Some("/meetings/past"),
            );
        }
    }
    b.add(["attendance.rate", "Attendance", "Attendance rate", "Of the organisations expected at the meetings of the period (attendance recorded), the share present in person or represented."], rate(None), "percent", Some("/meetings/past"));
    b.add(
        [
            "attendance.governmental",
            "Attendance",
            "Attendance rate, governmental side",
            "The same, for governmental members.",
        ],
        rate(Some("governmental")),
        "percent",
        Some("/meetings/past"),
    );
    b.add(
        [
            "attendance.civil_society",
            "Attendance",
            "Attendance rate, civil society",
            "The same, for civil-society members.",
        ],
        rate(Some("civil_society")),
        "percent",
        Some("/meetings/past"),
    );
    Ok(())
}

fn statements_part(
    conn: &mut DbConn,
    b: &mut Builder,
    start: NaiveDateTime,
    end: NaiveDateTime,
    full: i64,
) -> Result<(), Error> {
    let rounds: Vec<(String, i64)> = approval_rounds::table
        .filter(approval_rounds::opened_at.ge(start))
        .filter(approval_rounds::opened_at.lt(end))
        .group_by(approval_rounds::status)
        .select((approval_rounds::status, count_star()))
        .load(conn)?;
    let opened: i64 = rounds.iter().map(|r| r.1).sum();
    let lapsed: i64 = rounds.iter().filter(|r| r.0 == "lapsed").map(|r| r.1).sum();
    b.count(
        [
            "statements.rounds",
            "Statements",
            "Approval rounds opened",
            "Approval rounds opened in the period.",
        ],
        opened,
        Some("/statements"),
    );
    let adoptions: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = approval_rounds::table
        .filter(approval_rounds::adopted_at.ge(start))
        .filter(approval_rounds::adopted_at.lt(end))
        .select((approval_rounds::opened_at, approval_rounds::adopted_at))
        .load(conn)?;
    let pairs = finished(&adoptions);
    b.count(
        [
            "statements.adopted",
            "Statements",
            "Statements adopted",
            "Approval rounds whose rule was met in the period.",
        ],
        pairs.len() as i64,
        Some("/statements"),
    );
    b.add(
        [
            "statements.days_to_adoption",
            "Statements",
            "Days from round to adoption",
            "The mean number of days from opening a round to its adoption.",
        ],
        mean_days(&pairs),
        "days",
        Some("/statements"),
    );
    let published: i64 = statements::table
        .filter(statements::published_at.ge(start))
        .filter(statements::published_at.lt(end))
        .count()
        .get_result(conn)?;
    b.count(
        [
            "statements.published",
            "Statements",
            "Statements published",
            "Joint statements published in the period.",
        ],
        published,
        Some("/statements"),
    );
    b.count(
        [
            "statements.lapsed",
            "Statements",
            "Rounds lapsed",
            "Rounds opened in the period that reached their deadline without meeting their rule.",
        ],
        lapsed,
        Some("/statements"),
    );
    let positions: Vec<(String, i64)> = statement_positions::table
        .inner_join(approval_rounds::table)
        .filter(approval_rounds::opened_at.ge(start))
        .filter(approval_rounds::opened_at.lt(end))
        .group_by(statement_positions::position)
        .select((statement_positions::position, count_star()))
        .load(conn)?;
    let taken: i64 = positions.iter().map(|p| p.1).sum();
    let objections: i64 = positions
        .iter()
        .filter(|p| p.0 == "object")
        .map(|p| p.1)
        .sum();
    b.add(["statements.participation", "Statements", "Participation in rounds", "Positions taken, as a share of the positions the full members (as they are now) could have taken in the period's rounds."], share(taken, opened * full), "percent", Some("/statements"));
    b.count(
        [
            "statements.objections",
            "Statements",
            "Objections",
            "Objections taken in the period's rounds, each with its reason on the round's board.",
        ],
        objections,
        Some("/statements"),
    );
    let authorised: Vec<(NaiveDateTime, NaiveDateTime)> = statement_authorisations::table
        .inner_join(
            statement_positions::table.on(statement_positions::round_id
                .eq(statement_authorisations::round_id)
                .and(
                    statement_positions::organisation_id
                        .eq(statement_authorisations::organisation_id),
                )),
        )
        .filter(statement_authorisations::decided_at.ge(start))
        .filter(statement_authorisations::decided_at.lt(end))
        .filter(statement_authorisations::decision.eq("authorised"))
        .select((
            statement_positions::recorded_at,
            statement_authorisations::decided_at,
        ))
        .load(conn)?;
    b.add(["statements.days_to_authorisation", "Statements", "Days from approval to internal authorisation", "The mean number of days from a member's approval to its internal authorisation of the same text."], mean_days(&authorised), "days", Some("/statements"));
    Ok(())
}

fn membership_part(
    conn: &mut DbConn,
    b: &mut Builder,
    (from, until): (NaiveDate, NaiveDate),
    (start, end): (NaiveDateTime, NaiveDateTime),
    full: i64,
) -> Result<(), Error> {
    let events: Vec<(String, i64)> = membership_events::table
        .filter(membership_events::effective_on.ge(from))
        .filter(membership_events::effective_on.le(until))
        .group_by(membership_events::to_status)
        .select((membership_events::to_status, count_star()))
        .load(conn)?;
    let to = |s: &str| events.iter().filter(|e| e.0 == s).map(|e| e.1).sum::<i64>();
    b.count(
        [
            "members.joined",
            "Membership",
            "Members admitted",
            "Organisations that became full or associate members in the period.",
        ],
        to("full") + to("associate"),
        Some("/organisations"),
    );
    b.count(
        [
            "members.suspended",
            "Membership",
            "Members suspended",
            "Suspensions that took effect in the period.",
        ],
        to("suspended"),
        Some("/organisations"),
    );
    b.count(
        [
            "members.withdrawn",
            "Membership",
            "Members withdrawn",
            "Withdrawals that took effect in the period.",
        ],
        to("withdrawn"),
        Some("/organisations"),
    );
    let decided: Vec<(NaiveDateTime, Option<NaiveDateTime>)> = applications::table
        .filter(applications::decided_at.ge(start))
        .filter(applications::decided_at.lt(end))
        .select((applications::submitted_at, applications::decided_at))
        .load(conn)?;
    let pairs = finished(&decided);
    b.count(
        [
            "members.applications_decided",
            "Membership",
            "Applications decided",
            "Applications for membership decided in the period.",
        ],
        pairs.len() as i64,
        Some("/admission"),
    );
    b.add(
        [
            "members.days_to_decide",
            "Membership",
            "Days to decide an application",
            "The mean number of days from an application to its decision.",
        ],
        mean_days(&pairs),
        "days",
        Some("/admission"),
    );
    // The memorandum's current version, signed by how many of today's full members.
    let current: Option<i64> = mou_versions::table
        .order(mou_versions::id.desc())
        .select(mou_versions::id)
        .first(conn)
        .optional()?;
    let signed: i64 = match current {
        Some(v) => mou_signatures::table
            .inner_join(organisations::table)
            .filter(mou_signatures::mou_version_id.eq(v))
            .filter(organisations::status.eq("full"))
            .count()
            .get_result(conn)?,
        None => 0,
    };
    b.add(
        [
            "members.memorandum_signed",
            "Membership",
            "Memorandum signed",
            "The share of today's full members that signed the memorandum's current version.",
        ],
        share(signed, full),
        "percent",
        Some("/memorandum"),
    );
    // Fees: totals only, never one organisation's.
    let (first_year, last_year) = (
        chrono::Datelike::year(&from),
        chrono::Datelike::year(&until),
    );
    let fees: Vec<(String, i64)> = fee_ledger::table
        .filter(fee_ledger::year.between(first_year, last_year))
        .select((fee_ledger::status, fee_ledger::amount_cents))
        .load(conn)?;
    let total = |only: Option<&str>| {
        fees.iter()
            .filter(|f| only.is_none_or(|s| f.0 == s))
            .map(|f| f.1)
            .sum::<i64>() as f64
            / 100.0
    };
    b.add(
        [
            "fees.invoiced",
            "Fees",
            "Fees invoiced",
            "The total of the fees invoiced for the period's years, whatever became of them.",
        ],
        Some(total(None)),
        "money",
        None,
    );
    b.add(
        ["fees.paid", "Fees", "Fees paid", "The total paid."],
        Some(total(Some("paid"))),
        "money",
        None,
    );
    b.add(
        ["fees.waived", "Fees", "Fees waived", "The total waived."],
        Some(total(Some("waived"))),
        "money",
        None,
    );
    Ok(())
}

fn groups_and_secretariat(
    conn: &mut DbConn,
    b: &mut Builder,
    from: NaiveDate,
    until: NaiveDate,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> Result<(), Error> {
    let active: i64 = working_groups::table
        .filter(working_groups::started_on.le(until))
        .filter(
            working_groups::closed_on
                .is_null()
                .or(working_groups::closed_on.ge(from)),
        )
        .count()
        .get_result(conn)?;
    b.count(
        [
            "groups.active",
            "Working groups",
            "Working groups active",
            "Working groups active at some time in the period.",
        ],
        active,
        Some("/groups"),
    );
    let group_meetings: i64 = meetings::table
        .filter(meetings::group_id.is_not_null())
        .filter(meetings::starts_at.ge(start))
        .filter(meetings::starts_at.lt(end))
        .filter(meetings::status.eq_any(["held", "minutes_approved"]))
        .count()
        .get_result(conn)?;
    b.count(
        [
            "groups.meetings",
            "Working groups",
            "Working-group meetings held",
            "Meetings of working groups held in the period.",
        ],
        group_meetings,
        Some("/groups"),
    );
    let terms: Vec<(Option<i64>, Option<i64>)> = secretariat_terms::table
        .filter(secretariat_terms::starts_on.le(until))
        .filter(secretariat_terms::ends_on.gt(from))
        .select((
            secretariat_terms::civil_society_org,
            secretariat_terms::governmental_org,
        ))
        .load(conn)?;
    let balanced = terms
        .iter()
        .filter(|(c, g)| c.is_some() && g.is_some())
        .count();
    b.count(
        [
            "secretariat.terms",
            "Secretariat",
            "Secretariat terms",
            "Terms of the rotation that ran in the period.",
        ],
        terms.len() as i64,
        Some("/secretariat"),
    );
    b.add(
        [
            "secretariat.balanced",
            "Secretariat",
            "Terms held by both sides",
            "The share of those terms held jointly by a civil-society and a governmental member.",
        ],
        share(balanced as i64, terms.len() as i64),
        "percent",
        Some("/secretariat"),
    );
    let (handovers, on_time) = handovers(conn, from, until)?;
    b.add(
        [
            "secretariat.handovers_on_time",
            "Secretariat",
            "Hand-overs on time",
            "Of the terms that began in the period after an earlier one, the share that took over the day the earlier term ended (no days without a secretariat) and whose hand-over notice went to the members within two days of their start.",
        ],
        share(on_time, handovers),
        "percent",
        Some("/secretariat"),
    );
    Ok(())
}

/// How long after its first day a term's hand-over notice still counts as on time.
const HANDOVER_GRACE_DAYS: i64 = 2;

/// The hand-overs in the period (terms that began in it after an earlier term) and how many
/// of them were on time: two queries.
fn handovers(conn: &mut DbConn, from: NaiveDate, until: NaiveDate) -> Result<(i64, i64), Error> {
    let terms: Vec<(i64, NaiveDate, NaiveDate)> = secretariat_terms::table
        .filter(secretariat_terms::starts_on.le(until))
        .order(secretariat_terms::starts_on)
        .select((
            secretariat_terms::id,
            secretariat_terms::starts_on,
            secretariat_terms::ends_on,
        ))
        .load(conn)?;
    let starting: Vec<i64> = terms.iter().filter(|t| t.1 >= from).map(|t| t.0).collect();
    let announced: HashMap<i64, NaiveDateTime> = mail_reminders::table
        .filter(mail_reminders::kind.eq(crate::secretariat::notices::HANDOVER))
        .filter(mail_reminders::subject_id.eq_any(&starting))
        .select((mail_reminders::subject_id, mail_reminders::sent_at))
        .load(conn)?
        .into_iter()
        .collect();
    let (mut handovers, mut on_time) = (0, 0);
    for pair in terms.windows(2) {
        let (earlier, (id, starts_on, _)) = (&pair[0], &pair[1]);
        if *starts_on < from {
            continue;
        }
        handovers += 1;
        let seamless = earlier.2 >= *starts_on;
        let told = announced.get(id).is_some_and(|sent| {
            sent.date() <= *starts_on + chrono::Duration::days(HANDOVER_GRACE_DAYS)
        });
        if seamless && told {
            on_time += 1;
        }
    }
    Ok((handovers, on_time))
}

/// One organisation's part in the period: its attendance and its positions in the rounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationPart {
    pub organisation_id: i64,
    pub name: String,
    pub side: String,
    pub present: i64,
    pub recorded: i64,
    pub positions: i64,
}

/// Every participating organisation's attendance and positions in the period (the rounds
/// opened in it), by name: three queries.
pub fn per_organisation(
    conn: &mut DbConn,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<OrganisationPart>, Error> {
    let (start, end) = bounds(from, until);
    let attended: Vec<(i64, String, i64)> = attendance_by_organisation(conn, start, end)?;
    let positions: Vec<(i64, i64)> = statement_positions::table
        .inner_join(approval_rounds::table)
        .filter(approval_rounds::opened_at.ge(start))
        .filter(approval_rounds::opened_at.lt(end))
        .group_by(statement_positions::organisation_id)
        .select((statement_positions::organisation_id, count_star()))
        .load(conn)?;
    let members: Vec<(i64, String, String)> = organisations::table
        .inner_join(sectors::table)
        .filter(organisations::status.eq_any(["full", "associate", "suspended"]))
        .order(organisations::name)
        .select((organisations::id, organisations::name, sectors::side))
        .load(conn)?;
    Ok(members
        .into_iter()
        .map(|(id, name, side)| {
            let of = attended.iter().filter(|a| a.0 == id);
            OrganisationPart {
                organisation_id: id,
                name,
                side,
                present: of.clone().filter(|a| a.1 == "present").map(|a| a.2).sum(),
                recorded: of.map(|a| a.2).sum(),
                positions: positions.iter().filter(|p| p.0 == id).map(|p| p.1).sum(),
            }
        })
        .collect())
}
