//! A complaint's page: what the reader may see of it (the one rule, `complaint_sight`), and
//! the forms of the steps that are theirs to take now. Opening its content is recorded.

use std::collections::HashMap;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use diesel::prelude::*;
use roundtable_templates::Refusal;
use roundtable_templates::pages::complaints::{
    self as pages, Actions, CaseView, Content, FileRow, MessageRow, PanelRow,
};

use super::minute;
use crate::AppState;
use crate::auth::permissions::{self, Action, Actor};
use crate::auth::visibility::{self, ComplaintSight};
use crate::complaints::model::StageEntry;
use crate::complaints::rules::{self, Outcome, Party, Seat, Stage, Step};
use crate::complaints::store::{self, Case};
use crate::complaints::{panel, steps, thread};
use crate::db::DbConn;
use crate::db::schema::{complaint_stages, meetings};
use crate::error::Error;
use crate::web::context::Page;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/complaints/{id}", web::get().to(show))
        .route("/complaints/{id}/files/{file_id}", web::get().to(file));
}

/// Planned meetings from today on, of the kinds given (all when none): where a hearing or
/// a referral can go.
fn planned_meetings(
    conn: &mut DbConn,
    today: NaiveDate,
    plenary_only: bool,
) -> Result<pages::Options, Error> {
    let mut query = meetings::table
        .filter(meetings::status.eq_any(["planned", "agenda_published"]))
        .filter(meetings::starts_at.ge(today.and_hms_opt(0, 0, 0).unwrap_or_default()))
        .order(meetings::starts_at)
        .select((meetings::id, meetings::title, meetings::starts_at))
        .into_boxed();
    if plenary_only {
        query = query.filter(meetings::kind.eq_any(["plenary", "extraordinary"]));
    }
    let rows: Vec<(i64, String, chrono::NaiveDateTime)> = query.limit(50).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, title, at)| {
            (
                id.to_string(),
                format!("{title}, {}", at.format("%Y-%m-%d")),
            )
        })
        .collect())
}

fn party_label(party: &str) -> &'static str {
    match party {
        "complainant" => "complainant",
        "respondent" => "respondent",
        _ => "panel",
    }
}

fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} kB", (bytes + 1023) / 1024)
    }
}

/// What the parties and the serving panel read, from what `build_view` read once.
struct Read {
    messages: Vec<(
        crate::complaints::model::Message,
        Vec<crate::complaints::model::FileInfo>,
    )>,
    access: Vec<crate::complaints::model::Access>,
    answers: Vec<crate::complaints::model::Answer>,
    names: HashMap<i64, String>,
}

fn content(
    conn: &mut DbConn,
    case: &Case,
    org_names: &HashMap<i64, String>,
    read: Read,
) -> Result<Content, Error> {
    let c = &case.complaint;
    let hidden = visibility::hides_complaint_filer(&case.standing, c.filer_unnamed);
    let complainant_org = c
        .complainant_org
        .and_then(|o| org_names.get(&o).cloned())
        .unwrap_or_else(|| "the secretariat".into());
    let Read {
        messages,
        access,
        answers,
        names,
    } = read;
    let anonymous = format!("a person of {complainant_org}");
    let name = |id: i64| -> String {
        if hidden && Some(id) == c.filed_by {
            anonymous.clone()
        } else {
            names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("person #{id}"))
        }
    };
    let filer = match c.filed_by {
        Some(id) => format!("{} for {complainant_org}", name(id)),
        None => complainant_org.clone(),
    };
    let record = match (c.record_kind.as_str(), c.record_id) {
        ("meeting", Some(id)) => Some((format!("meeting #{id}"), format!("/meetings/{id}"))),
        ("statement", Some(id)) => Some((format!("statement #{id}"), format!("/statements/{id}"))),
        ("application", Some(id)) => Some((
            format!("admission decision #{id}"),
            format!("/admission/{id}"),
        )),
        _ => None,
    };
    let history: Vec<StageEntry> = complaint_stages::table
        .filter(complaint_stages::complaint_id.eq(c.id))
        .order(complaint_stages::id)
        .select(StageEntry::as_select())
        .load(conn)?;
    let answers = answers
        .into_iter()
        .map(|a| {
            let answer = match a.accepts {
                Some(true) => "accepts the proposal",
                Some(false) => "does not accept the proposal",
                None => "has not answered the proposal",
            };
            let satisfied = a
                .satisfaction
                .map(|s| format!("; satisfaction {s} of 5"))
                .unwrap_or_default();
            format!("The {}: {answer}{satisfied}", a.party)
        })
        .collect();
    Ok(Content {
        title: c.title.clone(),
        body: c.body.clone(),
        filer,
        record,
        assessment: c.assessment.clone(),
        proposal: c.proposal.clone(),
        panel_summary: c.panel_summary.clone(),
        outcome: Outcome::parse(&c.outcome)
            .map(|o| o.label().to_owned())
            .unwrap_or_default(),
        lesson: c.lesson.clone(),
        answers,
        messages: messages
            .into_iter()
            .map(|(m, files)| MessageRow {
                author: format!("{} ({})", name(m.person_id), party_label(&m.party)),
                audience: if m.audience == "panel" {
                    "to the panel only".into()
                } else {
                    "to both parties and the panel".into()
                },
                when: minute(m.created_at),
                body: m.body,
                files: files
                    .into_iter()
                    .map(|f| FileRow {
                        href: format!("/complaints/{}/files/{}", c.id, f.id),
                        size: size(f.size_bytes),
                        name: f.name,
                    })
                    .collect(),
            })
            .collect(),
        access: access
            .into_iter()
            .map(|a| (name(a.person_id), minute(a.opened_at), a.channel))
            .collect(),
        history: history
            .into_iter()
            .map(|e| {
                let label = Stage::parse(&e.stage).map(Stage::label).unwrap_or("?");
                let due = e
                    .due_on
                    .map(|d| format!(" (next step due {d})"))
                    .unwrap_or_default();
                (minute(e.entered_at), format!("{label}{due}"))
            })
            .collect(),
    })
}

fn actions(
    conn: &mut DbConn,
    actor: &Actor,
    case: &Case,
    answers: &[crate::complaints::model::Answer],
    today: NaiveDate,
) -> Result<Actions, Error> {
    let c = &case.complaint;
    let stage = case.stage();
    let s = &case.standing;
    let serving = s.seat == Seat::Serving;
    let content = case.sight == ComplaintSight::Content && c.erased_at.is_none();
    let mine = s
        .party()
        .and_then(|p: Party| answers.iter().find(|a| a.party == p.as_str()));
    let mut a = Actions {
        acknowledge: rules::may_take(s, Step::Acknowledge) && stage == Stage::Received,
        declare: s.seat == Seat::Appointed,
        assess: serving && stage == Stage::Acknowledged,
        write: content && stage.is_open() && (s.party().is_some() || serving),
        propose: serving && stage == Stage::Dialogue,
        answer: content
            && s.party().is_some()
            && stage == Stage::Proposed
            && mine.as_ref().and_then(|m| m.accepts).is_none(),
        withdraw: content && s.complainant && stage.is_open(),
        reopen: content
            && rules::may_take(s, Step::Reopen)
            && !stage.is_open()
            && c.closed_at
                .is_some_and(|t| (today - t.date()).num_days() <= rules::REOPEN_DAYS),
        satisfaction: content
            && s.party().is_some()
            && !stage.is_open()
            && mine.as_ref().and_then(|m| m.satisfaction).is_none(),
        ..Actions::default()
    };
    if permissions::may(actor, Action::KeepComplaintsRegister) && stage.is_open() {
        let (seats, choices, proposed) = panel::for_appointing(conn, case, today)?;
        if seats > 0 {
            let mut options = vec![(String::new(), "Leave empty".to_owned())];
            options.extend(choices.into_iter().map(|p| {
                let served = p
                    .candidate
                    .last_served
                    .map(|t| format!("last served {}", t.format("%Y-%m-%d")))
                    .unwrap_or_else(|| "never served".into());
                (
                    p.candidate.person_id.to_string(),
                    format!(
                        "{}, {} ({}; {served})",
                        p.name,
                        p.organisation,
                        p.candidate.side.label()
                    ),
                )
            }));
            let proposed = proposed.iter().map(i64::to_string).collect();
            a.appoint = Some((options, proposed, seats));
        }
    }
    if serving && content && matches!(stage, Stage::Dialogue | Stage::Proposed) {
        a.hearing = Some(planned_meetings(conn, today, false)?);
    }
    if serving && content && stage == Stage::Referred && c.plenary_meeting_id.is_none() {
        a.refer = Some(planned_meetings(conn, today, true)?);
    }
    if serving && content && matches!(stage, Stage::Resolved | Stage::Referred) {
        a.close = Some(
            Outcome::closing_from(stage)
                .iter()
                .map(|o| (o.as_str().to_owned(), o.label().to_owned()))
                .collect(),
        );
    }
    Ok(a)
}

pub fn build_view(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> Result<CaseView, Error> {
    let case = store::open(conn, actor, id, ComplaintSight::Register, "page")?;
    let c = &case.complaint;
    let stage = case.stage();
    let mut org_ids: Vec<i64> = case.panel.iter().map(|s| s.organisation_id).collect();
    org_ids.extend(c.complainant_org);
    org_ids.extend(c.respondent_org);
    let org_names = crate::membership::organisations::names(conn, &org_ids)?;
    // Everyone named on the page, in one query.
    let reads = case.sight == ComplaintSight::Content;
    let messages = if reads {
        thread::readable(conn, &case)?
    } else {
        Vec::new()
    };
    let access = if reads {
        store::access_record(conn, c.id)?
    } else {
        Vec::new()
    };
    let answers = if reads {
        steps::answers(conn, c.id)?
    } else {
        Vec::new()
    };
    let mut ids: Vec<i64> = case.panel.iter().map(|s| s.person_id).collect();
    ids.extend(messages.iter().map(|(m, _)| m.person_id));
    ids.extend(access.iter().map(|a| a.person_id));
    ids.extend(c.filed_by);
    let seat_names = crate::auth::store::names(conn, &ids)?;
    let panel_rows = case
        .panel
        .iter()
        .map(|s| PanelRow {
            name: seat_names.get(&s.person_id).cloned().unwrap_or_default(),
            organisation: org_names
                .get(&s.organisation_id)
                .cloned()
                .unwrap_or_default(),
            side: crate::membership::rules::Side::parse(&s.side)
                .map(|side| side.label().to_owned())
                .unwrap_or_default(),
            status: match s.status.as_str() {
                "serving" => "serving (declared no conflict)".into(),
                "declined" => "declined".into(),
                _ => "asked, not yet declared".into(),
            },
        })
        .collect();
    let parties = (case.sight >= ComplaintSight::Parties).then(|| {
        let about = store::about_of(c);
        (
            c.complainant_org
                .and_then(|o| org_names.get(&o).cloned())
                .unwrap_or_else(|| "the secretariat".into()),
            about.label().to_owned(),
            match about {
                rules::About::Organisation => c
                    .respondent_org
                    .and_then(|o| org_names.get(&o).cloned())
                    .unwrap_or_default(),
                rules::About::Secretariat => "the secretariat".into(),
                _ => "none".into(),
            },
        )
    });
    let actions = actions(conn, actor, &case, &answers, today)?;
    let content = if reads {
        let read = Read {
            messages,
            access,
            answers,
            names: seat_names,
        };
        Some(content(conn, &case, &org_names, read)?)
    } else {
        None
    };
    Ok(CaseView {
        id: c.id,
        reference: c.reference.clone(),
        stage: stage.label().to_owned(),
        stage_key: stage.as_str().to_owned(),
        waits_for: stage.waits_for().to_owned(),
        due: c.due_on.map(|d| d.to_string()),
        overdue: c.due_on.is_some_and(|d| d < today),
        filed: c.filed_at.format("%Y-%m-%d").to_string(),
        panel: panel_rows,
        parties,
        content,
        erased: c.erased_at.is_some(),
        actions,
        refusal: None,
    })
}

async fn show(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<maud::Markup, Error> {
    let actor = page.actor()?.clone();
    let id = path.into_inner();
    let today = page.today();
    let view = state
        .db(move |conn| build_view(conn, &actor, id, today))
        .await?;
    Ok(pages::complaint(&page.chrome(), &view))
}

/// The page again with a refused form as typed and the reason beside its field (422).
pub async fn refused(
    page: &Page,
    state: &AppState,
    id: i64,
    refusal: Refusal,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let today = page.today();
    let mut view = state
        .db(move |conn| build_view(conn, &actor, id, today))
        .await?;
    view.refusal = Some(refusal);
    Ok(crate::web::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        pages::complaint(&page.chrome(), &view),
    ))
}

/// A file of the thread, for whoever may read its message; always a download (never shown
/// inline, so a file cannot run as a page of this site).
async fn file(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, file_id) = path.into_inner();
    let (name, content_type, bytes) = state
        .db(move |conn| thread::file(conn, &actor, id, file_id))
        .await?;
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{safe}\""),
        ))
        .body(bytes))
}
