//! The year plan page: the rule, the preview, confirming, venues, and the calendars to plan
//! around (uploaded as .ics files).

use crate::web::uploads;
use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::Datelike;
use roundtable_templates::pages::meetings::plan::{
    self as pages, CONFIRM_FORM, RULE_FORM, VENUE_FORM,
};
use roundtable_templates::{FlashKind, FormState, Refusal};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::meetings::model::MeetingSettings;
use crate::meetings::{dates, plan, rules, store};
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{html, parse_number, ticked};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/meetings/plan", web::get().to(show))
        .route("/meetings/plan/rule", web::post().to(save_rule))
        .route("/meetings/plan/confirm", web::post().to(confirm))
        .route("/venues", web::post().to(add_venue))
        .route("/meetings/calendars", web::post().to(import_calendar))
        .route(
            "/meetings/calendars/{id}/remove",
            web::post().to(remove_calendar),
        );
}

/// The largest calendar file accepted (a large Google export is about 3 MB).
const MAX_CALENDAR_BYTES: usize = 16 * 1024 * 1024;

#[derive(Deserialize)]
struct YearQuery {
    year: Option<i32>,
}

async fn render(
    page: &Page,
    state: &AppState,
    year: i32,
    report: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    render_with(page, state, year, report, status, None).await
}

/// The page; a refused form (the rule, a new venue) shows as it was typed.
async fn render_with(
    page: &Page,
    state: &AppState,
    year: i32,
    report: Option<String>,
    status: StatusCode,
    refusal: Option<Refusal>,
) -> Result<HttpResponse, Error> {
    permissions::require(page.actor()?, Action::ManageMeetings)?;
    let (proposals, settings, venues, imports) = state
        .db(move |conn| {
            Ok((
                plan::preview(conn, year)?,
                store::settings(conn)?,
                store::venues(conn)?,
                dates::imports(conn)?,
            ))
        })
        .await?;
    let chrome = page.chrome();
    let mut rule = FormState::default();
    for (k, v) in [
        ("plenary_months", settings.plenary_months.clone()),
        ("plenary_week", settings.plenary_week.to_string()),
        ("plenary_weekday", settings.plenary_weekday.to_string()),
        ("plenary_start", settings.plenary_start.clone()),
        ("plenary_end", settings.plenary_end.clone()),
        ("time_zone", settings.time_zone.clone().unwrap_or_default()),
        ("quorum_percent", settings.quorum_percent.to_string()),
        ("venue_rotation", settings.venue_rotation.clone()),
    ] {
        rule.values.insert(k.into(), v);
    }
    let refused = |key: &str| {
        refusal
            .as_ref()
            .filter(|r| r.form == key)
            .map(|r| r.state.clone())
    };
    let rule = refused(RULE_FORM).unwrap_or(rule);
    let others = refusal
        .clone()
        .filter(|r| r.form != RULE_FORM && r.form != VENUE_FORM);
    let venue = refused(VENUE_FORM).unwrap_or_default();
    let view = pages::PlanView {
        year,
        proposals: proposals
            .iter()
            .map(|p| pages::ProposalRow {
                date: p.date.date.format("%a %-d %b %Y").to_string(),
                time: format!("{} – {}", settings.plenary_start, settings.plenary_end),
                moved: p
                    .date
                    .moved_because
                    .as_ref()
                    .map(|why| format!("from {}: {why}", p.date.rule_date.format("%-d %b"))),
                // A plenary already in the calendar is where it was put, whatever the
                // rotation would propose for its slot.
                venue: match &p.existing {
                    Some(m) => super::place(m, &venues),
                    None => p
                        .venue
                        .as_ref()
                        .map(|v| v.1.clone())
                        .unwrap_or_else(|| "no venue yet".into()),
                },
                existing: p.existing.as_ref().map(|m| (m.id, super::when(m))),
            })
            .collect(),
        rule,
        venue,
        weekdays: ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
            .iter()
            .enumerate()
            .map(|(i, d)| ((i + 1).to_string(), (*d).to_owned()))
            .collect(),
        weeks: vec![
            ("1".into(), "first".into()),
            ("2".into(), "second".into()),
            ("3".into(), "third".into()),
            ("4".into(), "fourth".into()),
            ("-1".into(), "last".into()),
        ],
        rotations: vec![
            (
                "member_premises".into(),
                "rotate among member premises".into(),
            ),
            ("neutral_first".into(), "neutral venues first".into()),
        ],
        venues: venues
            .iter()
            .map(|v| {
                (
                    v.name.clone(),
                    if v.organisation_id.is_some() {
                        "member premises".into()
                    } else {
                        "neutral".into()
                    },
                    v.active,
                )
            })
            .collect(),
        imports: imports
            .iter()
            .map(|i| {
                (
                    i.id,
                    i.name.clone(),
                    format!(
                        "{} events, {} days, imported {}",
                        i.events,
                        i.days,
                        i.imported_at.format("%Y-%m-%d")
                    ),
                )
            })
            .collect(),
        import_action: "/meetings/calendars".into(),
        report,
        refusal: others,
    };
    Ok(html(status, pages::plan(&chrome, &view)))
}

/// The year the plan page shows by default: plenaries are planned a year ahead.
fn next_year(page: &Page) -> i32 {
    page.today().year() + 1
}

async fn show(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, Error> {
    let year = query.year.unwrap_or_else(|| next_year(&page));
    render(&page, &state, year, None, StatusCode::OK).await
}

#[derive(Clone, Deserialize, Serialize)]
struct RuleForm {
    #[serde(default)]
    plenary_months: String,
    #[serde(default)]
    plenary_week: String,
    #[serde(default)]
    plenary_weekday: String,
    #[serde(default)]
    plenary_start: String,
    #[serde(default)]
    plenary_end: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    quorum_percent: String,
    #[serde(default)]
    venue_rotation: String,
}

/// The plan page's answer to one of its forms (see `forms::answer`).
async fn answer<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    year: i32,
    sent: Sent<'_, T>,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    forms::answer(page, sent, result, |refusal| {
        render_with(
            page,
            state,
            year,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(refusal),
        )
    })
    .await
}

async fn save_rule(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<RuleForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let typed = form.into_inner();
    let f = typed.clone();
    let parsed = (|| {
        let plenary_months = rules::parse_months(&f.plenary_months)
            .map(|m| m.iter().map(u32::to_string).collect::<Vec<_>>().join(","))
            .map_err(|e| Error::field("plenary_months", e))?;
        Ok::<_, Error>(MeetingSettings {
            id: 1,
            plenary_months,
            plenary_weekday: parse_number(&f.plenary_weekday, "plenary_weekday", "weekday")?,
            plenary_week: parse_number(&f.plenary_week, "plenary_week", "week")?,
            plenary_start: f.plenary_start.clone(),
            plenary_end: f.plenary_end.clone(),
            time_zone: Some(f.time_zone.trim().to_owned()).filter(|z| !z.is_empty()),
            quorum_percent: parse_number(&f.quorum_percent, "quorum_percent", "quorum")?,
            venue_rotation: if f.venue_rotation == "neutral_first" {
                "neutral_first".into()
            } else {
                "member_premises".into()
            },
        })
    })();
    let result = match parsed {
        Ok(s) => {
            state
                .db(move |conn| store::save_settings(conn, &actor, &s))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: RULE_FORM,
        form: &typed,
        back: format!("/meetings/plan#{RULE_FORM}"),
        success: "The rule is saved.",
    };
    answer(&page, &state, next_year(&page), sent, result).await
}

#[derive(Deserialize, Serialize)]
struct ConfirmForm {
    year: i32,
    move_planned: Option<String>,
}

async fn confirm(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let year = form.year;
    let move_planned = ticked(&form.move_planned);
    let result = state
        .db(move |conn| plan::confirm(conn, &actor, year, move_planned))
        .await;
    let message = match &result {
        Ok((created, moved)) => {
            format!("{created} plenaries added to the calendar for {year}; {moved} moved.")
        }
        Err(_) => String::new(),
    };
    let sent = Sent {
        form_key: CONFIRM_FORM,
        form: &form.into_inner(),
        back: format!("/meetings/plan?year={year}#preview"),
        success: &message,
    };
    answer(&page, &state, year, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct VenueForm {
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    notes: String,
}

async fn add_venue(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<VenueForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let typed = form.into_inner();
    let f = typed.clone();
    let result = state
        .db(move |conn| store::add_venue(conn, &actor, &f.name, &f.address, &f.notes))
        .await;
    let sent = Sent {
        form_key: VENUE_FORM,
        form: &typed,
        back: format!("/meetings/plan#{VENUE_FORM}"),
        success: "The venue is added.",
    };
    answer(&page, &state, next_year(&page), sent, result).await
}

async fn import_calendar(
    page: Page,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ManageMeetings)?;
    let year = today.year() + 1;
    let result = async {
        let mut upload = uploads::read(payload, MAX_CALENDAR_BYTES, "a calendar file").await?;
        let name = uploads::text(&mut upload, "name", "the name")?;
        let text = uploads::text(&mut upload, "file", "the calendar file")?;
        if text.is_empty() {
            return Err(Error::Invalid("choose a calendar file (.ics)".into()));
        }
        state
            .db(move |conn| dates::import(conn, &actor, &name, &text, today))
            .await
    }
    .await;
    match result {
        Ok(report) => {
            let mut text = format!(
                "Imported \"{}\": {} events blocking {} days.",
                report.import.name, report.import.events, report.import.days
            );
            if !report.warnings.is_empty() {
                text.push_str(&format!(
                    " Read with assumptions: {}",
                    report.warnings.join("; ")
                ));
            }
            // Post/redirect/get: the address bar shows the plan, and reloading it does not
            // send the upload again.
            page.flash(FlashKind::Success, &text);
            Ok(crate::web::see_other("/meetings/plan#dates"))
        }
        Err(e @ (Error::Invalid(_) | Error::TooLarge(_))) => {
            render(
                &page,
                &state,
                year,
                Some(crate::web::capitalise(&e.to_string())),
                e.status(),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn remove_calendar(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = state
        .db(move |conn| dates::remove_import(conn, &actor, id))
        .await;
    let sent = Sent {
        form_key: &pages::remove_calendar_form(id),
        form: &forms::NoFields {},
        back: "/meetings/plan#dates".into(),
        success: "The calendar is removed; its days are no longer blocked.",
    };
    answer(&page, &state, next_year(&page), sent, result).await
}
