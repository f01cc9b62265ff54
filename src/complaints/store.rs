//! Complaints: filing, reading under the one visibility rule (every opening of content
//! recorded), the register, the settings and the time limits. The steps between stages
//! live in `steps`, the panel in `panel`, the thread in `thread`.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::model::{Access, Complaint, PanelSeat, Settings};
use super::rules::{self, About, Seat, Stage, Standing};
use crate::audit::{self, Subject};
use crate::auth::permissions::{self, Action, Actor};
use crate::auth::visibility::{self, ComplaintParties, ComplaintSight};
use crate::db::schema::{
    complaint_access, complaint_panel, complaint_settings, complaint_stages, complaints, meetings,
    organisations, statements,
};
use crate::db::{self, DbConn};
use crate::error::Error;
use crate::meetings::rules::Blocked;

/// The longest complaint or message accepted (characters).
pub const MAX_TEXT: usize = 20_000;

pub fn settings(conn: &mut DbConn) -> Result<Settings, Error> {
    Ok(complaint_settings::table
        .select(Settings::as_select())
        .first(conn)?)
}

pub fn get(conn: &mut DbConn, id: i64) -> Result<Complaint, Error> {
    Ok(complaints::table
        .find(id)
        .select(Complaint::as_select())
        .first(conn)?)
}

pub fn stage_of(c: &Complaint) -> Stage {
    // The column's CHECK constraint admits only known stages.
    Stage::parse(&c.stage).unwrap_or(Stage::Received)
}

pub fn about_of(c: &Complaint) -> About {
    About::parse(&c.about).unwrap_or(About::Issue)
}

pub fn parties_of(c: &Complaint) -> ComplaintParties {
    ComplaintParties {
        complainant_org: c.complainant_org,
        filed_by: c.filed_by,
        about: about_of(c),
        respondent_org: c.respondent_org,
        respondent_notified: c.respondent_notified_at.is_some(),
    }
}

/// The actor's seat on the panel, from the complaint's seats.
pub fn seat_in(panel: &[PanelSeat], person_id: i64) -> Seat {
    match panel
        .iter()
        .find(|s| s.person_id == person_id)
        .map(|s| s.status.as_str())
    {
        Some("serving") => Seat::Serving,
        Some("appointed") => Seat::Appointed,
        _ => Seat::None,
    }
}

/// A complaint as one person reads it: the row, its panel, where the person stands and how
/// much they see.
#[derive(Debug, Clone)]
pub struct Case {
    pub complaint: Complaint,
    pub panel: Vec<PanelSeat>,
    pub standing: Standing,
    pub sight: ComplaintSight,
}

impl Case {
    pub fn stage(&self) -> Stage {
        stage_of(&self.complaint)
    }
}

pub fn panel(conn: &mut DbConn, complaint_id: i64) -> Result<Vec<PanelSeat>, Error> {
    Ok(complaint_panel::table
        .filter(complaint_panel::complaint_id.eq(complaint_id))
        .order(complaint_panel::id)
        .select(PanelSeat::as_select())
        .load(conn)?)
}

/// The case as `actor` stands in it, without recording anything.
pub fn case(conn: &mut DbConn, actor: &Actor, id: i64) -> Result<Case, Error> {
    let complaint = get(conn, id)?;
    let panel = panel(conn, id)?;
    let standing =
        visibility::complaint_standing(actor, &parties_of(&complaint), seat_in(&panel, actor.id()));
    let sight = visibility::complaint_sight(Some(actor), &standing);
    Ok(Case {
        complaint,
        panel,
        standing,
        sight,
    })
}

/// The case if `actor` sees at least `needed` of it ("not found" otherwise: a complaint's
/// existence is need-to-know). Opening its content is recorded, with the channel (page,
/// api, file, export).
pub fn open(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    needed: ComplaintSight,
    channel: &str,
) -> Result<Case, Error> {
    let case = case(conn, actor, id)?;
    if case.sight < needed || case.sight == ComplaintSight::Nothing {
        return Err(Error::NotFound);
    }
    if case.sight == ComplaintSight::Content && case.complaint.erased_at.is_none() {
        diesel::insert_into(complaint_access::table)
            .values((
                complaint_access::complaint_id.eq(id),
                complaint_access::person_id.eq(actor.id()),
                complaint_access::opened_at.eq(db::now()),
                complaint_access::channel.eq(channel),
            ))
            .execute(conn)?;
    }
    Ok(case)
}

/// Who opened the content, newest first.
pub fn access_record(conn: &mut DbConn, complaint_id: i64) -> Result<Vec<Access>, Error> {
    Ok(complaint_access::table
        .filter(complaint_access::complaint_id.eq(complaint_id))
        .order(complaint_access::id.desc())
        .select(Access::as_select())
        .load(conn)?)
}

/// The complaints `actor` sees anything of, newest first, each with its case: every
/// complaint with its seats in one query; the decision per complaint is the pure rule.
pub fn visible(conn: &mut DbConn, actor: &Actor) -> Result<Vec<Case>, Error> {
    let rows: Vec<(Complaint, Option<PanelSeat>)> = complaints::table
        .left_join(complaint_panel::table)
        .order((complaints::id.desc(), complaint_panel::id.asc()))
        .select((Complaint::as_select(), Option::<PanelSeat>::as_select()))
        .load(conn)?;
    let mut cases: Vec<Case> = Vec::new();
    let mut current: Option<(Complaint, Vec<PanelSeat>)> = None;
    let finish = |complaint: Complaint, panel: Vec<PanelSeat>, cases: &mut Vec<Case>| {
        let standing = visibility::complaint_standing(
            actor,
            &parties_of(&complaint),
            seat_in(&panel, actor.id()),
        );
        let sight = visibility::complaint_sight(Some(actor), &standing);
        if sight > ComplaintSight::Nothing {
            cases.push(Case {
                complaint,
                panel,
                standing,
                sight,
            });
        }
    };
    for (complaint, seat) in rows {
        match &mut current {
            Some((c, seats)) if c.id == complaint.id => seats.extend(seat),
            _ => {
                if let Some((c, seats)) = current.take() {
                    finish(c, seats, &mut cases);
                }
                current = Some((complaint, seat.into_iter().collect()));
            }
        }
    }
    if let Some((c, seats)) = current.take() {
        finish(c, seats, &mut cases);
    }
    Ok(cases)
}

/// The coalition's blocked days for the years a time limit may span.
pub fn blocked_from(conn: &mut DbConn, day: NaiveDate) -> Result<Blocked, Error> {
    let (mut blocked, _) = crate::meetings::dates::blocked_for_year(conn, day.year())?;
    let (next, _) = crate::meetings::dates::blocked_for_year(conn, day.year() + 1)?;
    blocked.days.extend(next.days);
    blocked.yearly.extend(next.yearly);
    Ok(blocked)
}

/// When the step `stage` waits for falls due, if the stage begins on `today`.
pub fn due_for(
    conn: &mut DbConn,
    stage: Stage,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, Error> {
    let limits = settings(conn)?.limits();
    let blocked = blocked_from(conn, today)?;
    Ok(rules::due(stage, today, &limits, &blocked))
}

/// Enters `stage` in the complaint's history.
pub fn log_stage(
    conn: &mut DbConn,
    complaint_id: i64,
    stage: Stage,
    at: NaiveDateTime,
    due_on: Option<NaiveDate>,
) -> Result<(), Error> {
    diesel::insert_into(complaint_stages::table)
        .values((
            complaint_stages::complaint_id.eq(complaint_id),
            complaint_stages::stage.eq(stage.as_str()),
            complaint_stages::entered_at.eq(at),
            complaint_stages::due_on.eq(due_on),
        ))
        .execute(conn)?;
    Ok(())
}

/// A complaint as filed.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ComplaintInput {
    /// The complainant organisation; None to file as the secretariat.
    pub organisation_id: Option<i64>,
    pub about: String,
    #[serde(default)]
    pub respondent_org: Option<i64>,
    #[serde(default)]
    pub record_kind: String,
    #[serde(default)]
    pub record_id: Option<i64>,
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub filer_unnamed: bool,
}

/// A text written in a form: trimmed, not empty, not longer than `MAX_TEXT`.
pub fn checked_text(text: &str, what: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("write {what}"));
    }
    if text.chars().count() > MAX_TEXT {
        return Err(format!("{what} may have at most {MAX_TEXT} characters"));
    }
    Ok(text.to_owned())
}

/// Checks the input against the records: a respondent organisation that participates and
/// is not the complainant; the decision's record exists.
fn check(conn: &mut DbConn, input: &ComplaintInput) -> Result<(About, String, String), Error> {
    let mut problems = crate::fields::Problems::default();
    let about = About::parse(&input.about);
    if about.is_none() {
        problems.add("about", "choose what the complaint is about");
    }
    let title = problems.take("title", checked_text(&input.title, "a short title"));
    let body = problems.take(
        "body",
        checked_text(&input.body, "what the complaint is about"),
    );
    if about == Some(About::Organisation) {
        match input.respondent_org {
            None => problems.add("respondent_org", "choose the organisation it is about"),
            Some(o) if Some(o) == input.organisation_id => problems.add(
                "respondent_org",
                "an organisation cannot complain about itself",
            ),
            Some(o) => {
                let status: Option<String> = organisations::table
                    .find(o)
                    .select(organisations::status)
                    .first(conn)
                    .optional()?;
                let participates = status
                    .as_deref()
                    .and_then(crate::membership::rules::Status::parse)
                    .is_some_and(|s| s.participates());
                if !participates {
                    problems.add(
                        "respondent_org",
                        "choose a member or associate organisation",
                    );
                }
            }
        }
    }
    let named = !input.record_kind.is_empty() || input.record_id.is_some();
    if about == Some(About::Decision) || named {
        let exists = match (input.record_kind.as_str(), input.record_id) {
            ("meeting", Some(id)) => meetings::table.find(id).count().get_result::<i64>(conn)? > 0,
            ("statement", Some(id)) => {
                statements::table.find(id).count().get_result::<i64>(conn)? > 0
            }
            ("application", Some(id)) => {
                crate::db::schema::applications::table
                    .find(id)
                    .count()
                    .get_result::<i64>(conn)?
                    > 0
            }
            _ => false,
        };
        if !exists {
            problems.add(
                "record_id",
                "name the decision: a meeting, statement round or admission decision by its number",
            );
        }
    }
    let checked = match (about, title, body) {
        (Some(about), Some(title), Some(body)) => Some((about, title, body)),
        _ => None,
    };
    problems.finish(checked)
}

/// Files a complaint on the organisation's behalf (or as the secretariat): received today,
/// acknowledgement due within the time limit; the secretariat is told it exists.
pub fn file(
    conn: &mut DbConn,
    actor: &Actor,
    input: &ComplaintInput,
    today: NaiveDate,
) -> Result<Complaint, Error> {
    permissions::require(
        actor,
        Action::FileComplaint {
            organisation_id: input.organisation_id,
        },
    )?;
    let (about, title, body) = check(conn, input)?;
    let respondent = if about == About::Organisation {
        input.respondent_org
    } else {
        None
    };
    // A decision must name its record; a complaint about a member or the secretariat may
    // (their conduct in a statement round, say).
    let (record_kind, record_id) = if input.record_id.is_some() && !input.record_kind.is_empty() {
        (input.record_kind.clone(), input.record_id)
    } else {
        (String::new(), None)
    };
    db::write_tx(conn, |conn| {
        let year = today.year();
        let last: Option<i32> = complaints::table
            .filter(complaints::year.eq(year))
            .select(diesel::dsl::max(complaints::number))
            .first(conn)?;
        let number = last.unwrap_or(0) + 1;
        let reference = format!("C-{year}-{number:03}");
        let now = db::now();
        let due_on = due_for(conn, Stage::Received, today)?;
        let id: i64 = diesel::insert_into(complaints::table)
            .values((
                complaints::reference.eq(&reference),
                complaints::year.eq(year),
                complaints::number.eq(number),
                complaints::complainant_org.eq(input.organisation_id),
                complaints::filed_by.eq(actor.id()),
                complaints::filer_unnamed.eq(input.filer_unnamed),
                complaints::about.eq(about.as_str()),
                complaints::respondent_org.eq(respondent),
                complaints::record_kind.eq(&record_kind),
                complaints::record_id.eq(record_id),
                complaints::title.eq(&title),
                complaints::body.eq(&body),
                complaints::stage.eq(Stage::Received.as_str()),
                complaints::stage_since.eq(now),
                complaints::due_on.eq(due_on),
                complaints::filed_at.eq(now),
            ))
            .returning(complaints::id)
            .get_result(conn)?;
        log_stage(conn, id, Stage::Received, now, due_on)?;
        audit::record(
            conn,
            Some(actor.id()),
            "complaint.filed",
            Subject::new("complaint", id),
            json!({ "reference": reference }),
        )?;
        let complaint = get(conn, id)?;
        super::notices::to_secretariat(conn, &complaint, today)?;
        Ok(complaint)
    })
}

/// The procedure's settings as the secretariat sets them.
#[derive(Debug, Clone)]
pub struct SettingsInput {
    pub panel_size: i32,
    pub acknowledge_days: i32,
    pub assess_days: i32,
    pub dialogue_days: i32,
    pub answer_days: i32,
    pub close_days: i32,
    pub reminder_days: i32,
    pub retention_years: i32,
    pub standing_committee: bool,
    /// The committee's members, by e-mail address.
    pub committee: Vec<String>,
}

/// The standing committee's members' addresses, in order.
pub fn committee_emails(conn: &mut DbConn) -> Result<Vec<String>, Error> {
    use crate::db::schema::{complaint_committee, people};
    Ok(people::table
        .inner_join(complaint_committee::table.on(complaint_committee::person_id.eq(people::id)))
        .order(people::email)
        .select(people::email)
        .load(conn)?)
}

pub fn save_settings(conn: &mut DbConn, actor: &Actor, input: &SettingsInput) -> Result<(), Error> {
    use crate::db::schema::{complaint_committee, people};
    permissions::require(actor, Action::KeepComplaintsRegister)?;
    db::write_tx(conn, |conn| {
        let mut members = Vec::new();
        let mut unknown = Vec::new();
        for email in &input.committee {
            let found: Option<i64> = people::table
                .filter(people::email.eq(email.to_lowercase()))
                .filter(people::active.eq(true))
                .select(people::id)
                .first(conn)
                .optional()?;
            match found {
                Some(id) => members.push(id),
                None => unknown.push(email.clone()),
            }
        }
        if !unknown.is_empty() {
            return Err(Error::field(
                "committee",
                format!("no active person has the address {}", unknown.join(", ")),
            ));
        }
        if input.standing_committee && members.is_empty() {
            return Err(Error::field(
                "committee",
                "name the committee's members, or keep a panel per case",
            ));
        }
        diesel::update(complaint_settings::table)
            .set((
                complaint_settings::panel_size.eq(input.panel_size),
                complaint_settings::acknowledge_days.eq(input.acknowledge_days),
                complaint_settings::assess_days.eq(input.assess_days),
                complaint_settings::dialogue_days.eq(input.dialogue_days),
                complaint_settings::answer_days.eq(input.answer_days),
                complaint_settings::close_days.eq(input.close_days),
                complaint_settings::reminder_days.eq(input.reminder_days),
                complaint_settings::retention_years.eq(input.retention_years),
                complaint_settings::standing_committee.eq(input.standing_committee),
            ))
            .execute(conn)?;
        diesel::delete(complaint_committee::table).execute(conn)?;
        for id in &members {
            diesel::insert_into(complaint_committee::table)
                .values(complaint_committee::person_id.eq(id))
                .execute(conn)?;
        }
        audit::record(
            conn,
            Some(actor.id()),
            "complaints.settings_changed",
            Subject {
                kind: "complaint_settings",
                id: None,
            },
            json!({
                "panel_size": input.panel_size,
                "standing_committee": input.standing_committee,
                "committee_size": members.len(),
                "retention_years": input.retention_years,
            }),
        )
    })
}
