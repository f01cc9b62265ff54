//! The rotation page, its overrides, and the hand-over page for the incoming secretariat.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{Duration, NaiveDate};
use maud::Markup;
use roundtable_templates::pages::secretariat::{
    self as pages, COVER_FORM, REPLACE_FORM, SETTINGS_FORM, START_FORM, SWAP_FORM,
};
use roundtable_templates::{FormState, Refusal};
use serde::{Deserialize, Serialize};

use super::rules::ServiceRecord;
use super::store;
use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::membership::rules::Side;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{parse_date, parse_number, ticked};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/secretariat", web::get().to(show))
        .route("/secretariat/handover", web::get().to(handover))
        .route("/secretariat/start", web::post().to(start))
        .route("/secretariat/settings", web::post().to(settings))
        .route("/secretariat/swap", web::post().to(swap))
        .route("/secretariat/replace", web::post().to(replace))
        .route("/secretariat/cover", web::post().to(cover))
        .route("/secretariat/opt-out/{id}", web::post().to(opt_out));
}

fn period(start: NaiveDate, end: NaiveDate) -> String {
    format!(
        "{} – {}",
        start.format("%-d %b %Y"),
        (end - Duration::days(1)).format("%-d %b %Y")
    )
}

async fn show(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let view = view(&page, &state).await?;
    Ok(pages::rotation(&page.chrome(), &view))
}

/// The page again, with a refused form as the person typed it and why (422).
async fn refused(page: &Page, state: &AppState, refusal: Refusal) -> Result<HttpResponse, Error> {
    let mut view = view(page, state).await?;
    view.refusal = Some(refusal);
    Ok(crate::web::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        pages::rotation(&page.chrome(), &view),
    ))
}

/// The rotation page's answer to one of its forms (see `forms::answer`).
async fn answer<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    sent: Sent<'_, T>,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    forms::answer(page, sent, result, |refusal| refused(page, state, refusal)).await
}

async fn view(page: &Page, state: &AppState) -> Result<pages::RotationView, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ViewDirectory)?;
    let (settings, terms, covers, candidates, names, running) = state
        .db(move |conn| {
            let names: HashMap<i64, (String, bool)> = crate::membership::directory::all(conn)?
                .into_iter()
                .map(|e| {
                    (
                        e.organisation.id,
                        (e.organisation.name, e.organisation.secretariat_opt_out),
                    )
                })
                .collect();
            Ok((
                store::settings(conn)?,
                store::terms(conn)?,
                store::covers(conn)?,
                store::candidates(conn)?,
                names,
                store::holders_on(conn, today)?,
            ))
        })
        .await?;
    let name = |id: Option<i64>| {
        id.and_then(|i| names.get(&i).map(|n| n.0.clone()))
            .unwrap_or_else(|| "—".into())
    };
    let mut why = Vec::new();
    // Explain the order: who served last, and who has not served yet, per side.
    let mut record = ServiceRecord::default();
    for t in terms.iter().filter(|t| t.starts_on <= today) {
        record.served(&t.holders(), t.starts_on);
    }
    for side in [Side::CivilSociety, Side::Governmental] {
        let mut queue: Vec<_> = candidates.iter().filter(|c| c.side == side).collect();
        queue.sort_by(|a, b| {
            record
                .last_served(a.id)
                .cmp(&record.last_served(b.id))
                .then(a.admitted_on.cmp(&b.admitted_on))
                .then(a.name.cmp(&b.name))
        });
        let order: Vec<String> = queue
            .iter()
            .map(|c| match record.last_served(c.id) {
                Some(d) => format!("{} (last served from {})", c.name, d.format("%b %Y")),
                None => format!(
                    "{} (not yet served; member since {})",
                    c.name, c.admitted_on
                ),
            })
            .collect();
        if !order.is_empty() {
            why.push(format!(
                "{} side, next first: {}",
                side.label(),
                order.join(", ")
            ));
        }
    }
    why.push("Least recently served first, then earlier admission, then name; nobody serves twice before everyone of their side has served.".into());
    let future: Vec<(String, String)> = terms
        .iter()
        .filter(|t| t.starts_on > today)
        .map(|t| (t.id.to_string(), period(t.starts_on, t.ends_on)))
        .collect();
    let current_and_future: Vec<(String, String)> = terms
        .iter()
        .filter(|t| t.ends_on > today)
        .map(|t| (t.id.to_string(), period(t.starts_on, t.ends_on)))
        .collect();
    let options = |side: Side| -> Vec<(String, String)> {
        candidates
            .iter()
            .filter(|c| c.side == side)
            .map(|c| (c.id.to_string(), c.name.clone()))
            .collect()
    };
    // Before the start: the terms a start today would plan (the same planner), so whoever
    // starts it sees the holders first.
    let preview: Vec<(String, String, String)> = if settings.first_term_starts.is_none() {
        let shape = crate::secretariat::rules::Shape {
            first_start: today,
            term_months: u32::try_from(settings.term_months).unwrap_or(12),
            horizon: usize::try_from(settings.horizon_terms).unwrap_or(1),
            paired: settings.paired,
        };
        crate::secretariat::rules::plan(&candidates, &[], shape, today)
            .iter()
            .take(4)
            .map(|t| {
                (
                    period(t.starts_on, t.ends_on),
                    name(t.holders.civil_society),
                    name(t.holders.governmental),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut settings_form = FormState::default();
    settings_form
        .values
        .insert("term_months".into(), settings.term_months.to_string());
    settings_form
        .values
        .insert("horizon_terms".into(), settings.horizon_terms.to_string());
    if settings.paired {
        settings_form.values.insert("paired".into(), "on".into());
    }
    let mut opt_outs: Vec<(i64, String, bool)> = names
        .iter()
        .filter(|(id, _)| candidates.iter().any(|c| c.id == **id) || names[id].1)
        .map(|(id, (n, out))| (*id, n.clone(), *out))
        .collect();
    opt_outs.sort_by(|a, b| a.1.cmp(&b.1));
    let view = pages::RotationView {
        started: settings.first_term_starts.is_some(),
        preview,
        current: running.as_ref().map(|(t, holders)| {
            let held: Vec<String> = holders.iter().map(|h| name(Some(*h))).collect();
            format!(
                "{}: {}",
                period(t.starts_on, t.ends_on),
                if held.is_empty() {
                    "nobody eligible holds it".into()
                } else {
                    held.join(" and ")
                }
            )
        }),
        why,
        terms: terms
            .iter()
            .map(|t| pages::TermRow {
                id: t.id,
                period: period(t.starts_on, t.ends_on),
                civil_society: name(t.civil_society_org),
                governmental: name(t.governmental_org),
                state: if t.ends_on <= today {
                    "past"
                } else if t.starts_on <= today {
                    "current"
                } else {
                    "planned"
                }
                .into(),
                note: t.note.clone(),
            })
            .collect(),
        covers: covers
            .iter()
            .map(|c| {
                format!(
                    "{} covers the {} seat from {} to {}: {}",
                    name(Some(c.organisation_id)),
                    c.side.replace('_', " "),
                    c.starts_on,
                    c.ends_on,
                    c.reason
                )
            })
            .collect(),
        can_manage: permissions::may(&actor, Action::ManageSecretariat),
        future_terms: future,
        current_and_future,
        candidates_civil: options(Side::CivilSociety),
        candidates_gov: options(Side::Governmental),
        settings: settings_form,
        opt_outs,
        today: today.to_string(),
        refusal: None,
    };
    Ok(view)
}

async fn handover(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ViewDirectory)?;
    let data = state
        .db(move |conn| {
            let terms = store::terms(conn)?;
            let incoming = terms.iter().find(|t| t.starts_on > today).cloned();
            let names: HashMap<i64, String> = crate::membership::directory::all(conn)?
                .into_iter()
                .map(|e| (e.organisation.id, e.organisation.name))
                .collect();
            let actions = crate::meetings::minutes::open_actions(conn)?;
            let mut action_rows = Vec::new();
            for a in actions {
                let meeting = crate::meetings::store::get(conn, a.meeting_id)?;
                let owner = match (a.owner_person_id, a.owner_organisation_id) {
                    (Some(p), _) => crate::auth::store::find(conn, p)?.name,
                    (None, Some(o)) => names.get(&o).cloned().unwrap_or_default(),
                    _ => "—".into(),
                };
                action_rows.push((
                    a.title,
                    owner,
                    a.due_on.map(|d| d.to_string()).unwrap_or_default(),
                    meeting.title,
                ));
            }
            let now = crate::db::now();
            let meetings = crate::meetings::store::between(conn, now, now + Duration::days(200))?;
            let mut business = Vec::new();
            let waiting = crate::membership::admission::queue(conn)?.len();
            if waiting > 0 {
                business.push((
                    format!("{waiting} membership application(s) to decide"),
                    "/admission".to_owned(),
                ));
            }
            if let Some(v) = crate::membership::mou::current(conn)? {
                let unsigned = crate::membership::mou::signature_status(conn, v.id)?
                    .iter()
                    .filter(|(_, s)| s.is_none())
                    .count();
                if unsigned > 0 {
                    business.push((
                        format!("{unsigned} member(s) yet to sign the memorandum"),
                        "/memorandum".to_owned(),
                    ));
                }
            }
            let drafts = meetings.iter().filter(|m| m.status == "held").count();
            if drafts > 0 {
                business.push((
                    format!("{drafts} held meeting(s) whose minutes are not approved"),
                    "/meetings".to_owned(),
                ));
            }
            Ok((incoming, names, action_rows, meetings, business))
        })
        .await?;
    let (incoming, names, actions, meetings, business) = data;
    let name = |id: Option<i64>| id.and_then(|i| names.get(&i).cloned());
    let view = pages::HandoverView {
        incoming: match incoming {
            Some(t) => {
                let holders: Vec<String> = [name(t.civil_society_org), name(t.governmental_org)]
                    .into_iter()
                    .flatten()
                    .collect();
                format!(
                    "From {}, the secretariat passes to {}.",
                    t.starts_on.format("%-d %B %Y"),
                    holders.join(" and ")
                )
            }
            None => "No next term is planned yet.".into(),
        },
        actions,
        meetings: meetings
            .iter()
            .filter(|m| crate::meetings::store::may_see(Some(&actor), m))
            .map(|m| {
                (
                    m.id,
                    m.title.clone(),
                    crate::meetings::display::when(m),
                    crate::meetings::store::status_of(m).label().to_owned(),
                )
            })
            .collect(),
        open_business: business,
    };
    Ok(pages::handover(&page.chrome(), &view))
}

#[derive(Clone, Deserialize, Serialize)]
struct StartForm {
    first_term_starts: String,
}

async fn start(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<StartForm>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let typed = form.into_inner();
    let result = match parse_date(&typed.first_term_starts, "first term") {
        Ok(d) => {
            state
                .db(move |conn| store::start_rotation(conn, &actor, d, today))
                .await
        }
        Err(e) => Err(Error::field("first_term_starts", e.to_string())),
    };
    let sent = Sent {
        form_key: START_FORM,
        form: &typed,
        back: "/secretariat".into(),
        success: "The rotation has started.",
    };
    answer(&page, &state, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct SettingsForm {
    #[serde(default)]
    term_months: String,
    #[serde(default)]
    horizon_terms: String,
    paired: Option<String>,
}

async fn settings(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let typed = form.into_inner();
    let paired = ticked(&typed.paired);
    let parsed =
        parse_number(&typed.term_months, "term_months", "term length").and_then(|months| {
            Ok((
                months,
                parse_number(&typed.horizon_terms, "horizon_terms", "terms ahead")?,
            ))
        });
    let result = match parsed {
        Ok((months, horizon)) => {
            state
                .db(move |conn| {
                    store::update_settings(conn, &actor, months, paired, horizon, today)
                })
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: SETTINGS_FORM,
        form: &typed,
        back: "/secretariat".into(),
        success: "The settings are saved; future terms are planned again.",
    };
    answer(&page, &state, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct SwapForm {
    term_a: i64,
    term_b: i64,
    reason: String,
}

async fn swap(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<SwapForm>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let typed = form.into_inner();
    let f = typed.clone();
    let result = state
        .db(move |conn| store::swap(conn, &actor, f.term_a, f.term_b, &f.reason, today))
        .await;
    let sent = Sent {
        form_key: SWAP_FORM,
        form: &typed,
        back: "/secretariat".into(),
        success: "The two terms are swapped.",
    };
    answer(&page, &state, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct ReplaceForm {
    term_id: i64,
    side: String,
    organisation_id: i64,
    reason: String,
}

async fn replace(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<ReplaceForm>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let typed = form.into_inner();
    let f = typed.clone();
    let result = match Side::parse(&f.side) {
        Some(side) => {
            state
                .db(move |conn| {
                    store::replace_holder(
                        conn,
                        &actor,
                        f.term_id,
                        side,
                        f.organisation_id,
                        &f.reason,
                        today,
                    )
                })
                .await
        }
        None => Err(Error::field("side", "choose the seat")),
    };
    let sent = Sent {
        form_key: REPLACE_FORM,
        form: &typed,
        back: "/secretariat".into(),
        success: "The holder is replaced for that term.",
    };
    answer(&page, &state, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct CoverForm {
    term_id: i64,
    side: String,
    organisation_id: i64,
    starts_on: String,
    ends_on: String,
    reason: String,
}

async fn cover(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<CoverForm>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let typed = form.into_inner();
    let f = typed.clone();
    let parsed = (
        Side::parse(&f.side),
        parse_date(&f.starts_on, "from").map_err(|e| Error::field("starts_on", e.to_string())),
        parse_date(&f.ends_on, "until").map_err(|e| Error::field("ends_on", e.to_string())),
    );
    let result = match parsed {
        (Some(side), Ok(from), Ok(until)) => {
            state
                .db(move |conn| {
                    store::add_cover(
                        conn,
                        &actor,
                        f.term_id,
                        side,
                        f.organisation_id,
                        from,
                        until,
                        &f.reason,
                        today,
                    )
                })
                .await
        }
        (None, _, _) => Err(Error::field("side", "choose the seat")),
        (_, Err(e), _) | (_, _, Err(e)) => Err(e),
    };
    let sent = Sent {
        form_key: COVER_FORM,
        form: &typed,
        back: "/secretariat".into(),
        success: "The interim cover is recorded.",
    };
    answer(&page, &state, sent, result).await
}

#[derive(Deserialize, Serialize)]
struct OptOutForm {
    opt_out: String,
}

async fn opt_out(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<OptOutForm>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let out = form.opt_out == "yes";
    let result = state
        .db(move |conn| store::set_opt_out(conn, &actor, id, out, today))
        .await;
    let sent = Sent {
        form_key: &pages::opt_out_form(id),
        form: &form.into_inner(),
        back: "/secretariat#opt-outs".into(),
        success: "Saved; future terms are planned again.",
    };
    answer(&page, &state, sent, result).await
}
