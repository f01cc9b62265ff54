//! Admission: the queue, criteria, the application forms (secretariat and public) and the
//! decision.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::pages::membership::admission as pages;
use roundtable_templates::{FlashKind, FormState};
use serde::{Deserialize, Serialize};

use super::status_label;
use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::auth::throttle;
use crate::error::Error;
use crate::membership::admission::{self, AnswerInput, ApplicationInput, Decision, Submitted};
use crate::membership::organisations::{self, OrganisationInput};
use crate::membership::people::PersonInput;
use crate::membership::rules::Status;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{capitalise, html, parse_date, see_other};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/admission", web::get().to(queue))
        .route("/admission/criteria", web::post().to(add_criterion))
        .route(
            "/admission/criteria/{id}/retire",
            web::post().to(retire_criterion),
        )
        .route("/admission/new", web::get().to(new_application))
        .route("/admission", web::post().to(submit_by_secretariat))
        .route("/admission/held/{id}/dismiss", web::post().to(dismiss_held))
        .route("/apply", web::get().to(public_form))
        .route("/apply", web::post().to(submit_public))
        .route("/admission/{id}", web::get().to(dossier))
        .route("/admission/{id}/decision", web::post().to(decide));
}

async fn queue(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let view = queue_view(&page, &state).await?;
    Ok(pages::admission(&page.chrome(), &view))
}

/// The queue page's answer to one of its forms (see `forms::answer`).
async fn queue_answer<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    sent: Sent<'_, T>,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    forms::answer(page, sent, result, |refusal| async move {
        let mut view = queue_view(page, state).await?;
        view.refusal = Some(refusal);
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::admission(&page.chrome(), &view),
        ))
    })
    .await
}

async fn queue_view(page: &Page, state: &AppState) -> Result<pages::AdmissionView, Error> {
    permissions::require(page.actor()?, Action::ManageMembership)?;
    let (queue, held, criteria, open, sectors) = state
        .db(|conn| {
            Ok((
                admission::queue(conn)?,
                admission::held(conn)?,
                admission::criteria(conn, false)?,
                crate::coalition::get(conn)?.is_some_and(|c| c.public_applications),
                organisations::sectors(conn)?,
            ))
        })
        .await?;
    let view = pages::AdmissionView {
        queue: queue
            .into_iter()
            .map(|(a, o, p)| pages::QueueRow {
                id: a.id,
                organisation: o.name,
                sector: sectors
                    .iter()
                    .find(|s| s.id == o.sector_id)
                    .map(|s| s.name.clone())
                    .unwrap_or_default(),
                contact: format!("{} <{}>", p.name, p.email),
                submitted: a.submitted_at.format("%Y-%m-%d").to_string(),
                via: a.submitted_via,
            })
            .collect(),
        held: held
            .into_iter()
            .map(|h| pages::HeldRow {
                id: h.id,
                organisation: h.organisation_name,
                contact: format!("{} <{}>", h.contact_name, h.contact_email),
                motivation: h.motivation,
                matches: h.matches,
                submitted: h.submitted_at.format("%Y-%m-%d").to_string(),
            })
            .collect(),
        criteria: criteria.into_iter().map(|c| (c.id, c.text)).collect(),
        public_form_open: open,
        refusal: None,
    };
    Ok(view)
}

#[derive(Deserialize, Serialize)]
struct CriterionForm {
    text: String,
}

async fn add_criterion(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<CriterionForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let form = form.into_inner();
    let text = form.text.clone();
    let result = state
        .db(move |conn| admission::add_criterion(conn, &actor, &text))
        .await;
    let sent = Sent {
        form_key: pages::CRITERION_FORM,
        form: &form,
        back: "/admission#criteria".into(),
        success: "The criterion is added.",
    };
    queue_answer(&page, &state, sent, result).await
}

async fn retire_criterion(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = state
        .db(move |conn| admission::retire_criterion(conn, &actor, id))
        .await;
    let sent = Sent {
        form_key: &pages::retire_form(id),
        form: &forms::NoFields {},
        back: "/admission#criteria".into(),
        success: "The criterion is retired; past answers keep its text.",
    };
    queue_answer(&page, &state, sent, result).await
}

async fn dismiss_held(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let actor = page.actor()?.clone();
    let result = state
        .db(move |conn| admission::dismiss_held(conn, &actor, id))
        .await;
    let sent = Sent {
        form_key: &pages::held_form(id),
        form: &forms::NoFields {},
        back: "/admission#held".into(),
        success: "The held application is dismissed.",
    };
    queue_answer(&page, &state, sent, result).await
}

async fn form_view(
    state: &web::Data<AppState>,
    action: &str,
    title: &str,
    problem: Option<String>,
) -> Result<pages::ApplicationFormView, Error> {
    let (sectors, criteria, members) = state
        .db(|conn| {
            let members = crate::membership::directory::all(conn)?
                .into_iter()
                .filter(|e| e.status == Status::Full)
                .map(|e| (e.organisation.id, e.organisation.name))
                .collect::<Vec<_>>();
            Ok((
                organisations::sectors(conn)?,
                admission::criteria(conn, false)?,
                members,
            ))
        })
        .await?;
    Ok(pages::ApplicationFormView {
        action: action.to_owned(),
        title: title.to_owned(),
        sectors: std::iter::once((String::new(), "choose…".to_owned()))
            .chain(sectors.into_iter().map(|s| (s.id.to_string(), s.name)))
            .collect(),
        criteria: criteria.into_iter().map(|c| (c.id, c.text)).collect(),
        sponsors: members,
        problem,
    })
}

async fn new_application(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    permissions::require(page.actor()?, Action::ManageMembership)?;
    let view = form_view(&state, "/admission", "Enter an application", None).await?;
    Ok(pages::application_form(
        &page.chrome(),
        &view,
        &FormState::default(),
    ))
}

async fn public_form(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    let open = state
        .db(|conn| Ok(crate::coalition::get(conn)?.is_some_and(|c| c.public_applications)))
        .await?;
    if !open {
        return Err(Error::NotFound);
    }
    let view = form_view(&state, "/apply", "Apply for membership", None).await?;
    Ok(pages::application_form(
        &page.chrome(),
        &view,
        &FormState::default(),
    ))
}

/// The application from the form's fields; `attest_<id>`, `comment_<id>` and `sponsor_<id>`
/// carry the answers and sponsors.
fn application_from(fields: &HashMap<String, String>) -> Result<ApplicationInput, Error> {
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let mut answers: Vec<AnswerInput> = Vec::new();
    let mut sponsor_ids = Vec::new();
    for (key, value) in fields {
        if let Some(id) = key
            .strip_prefix("comment_")
            .and_then(|i| i.parse::<i64>().ok())
        {
            answers.push(AnswerInput {
                criterion_id: id,
                attested: fields
                    .get(&format!("attest_{id}"))
                    .is_some_and(|v| v == "on"),
                comment: value.clone(),
            });
        }
        if let Some(id) = key
            .strip_prefix("sponsor_")
            .and_then(|i| i.parse::<i64>().ok())
            && value == "on"
        {
            sponsor_ids.push(id);
        }
    }
    if get("contact_name").trim().is_empty() || get("contact_email").trim().is_empty() {
        return Err(Error::Invalid(
            "give the contact person's name and email".into(),
        ));
    }
    Ok(ApplicationInput {
        organisation: OrganisationInput {
            name: get("name"),
            short_name: get("short_name"),
            sector_id: get("sector_id")
                .parse()
                .map_err(|_| Error::Invalid("choose a sector".into()))?,
            region: get("region"),
            website: get("website"),
            email: get("email"),
            ..OrganisationInput::default()
        },
        contact: PersonInput {
            name: get("contact_name"),
            email: get("contact_email"),
            ..PersonInput::default()
        },
        motivation: get("motivation"),
        answers,
        sponsor_ids,
    })
}

async fn submit(
    page: Page,
    state: web::Data<AppState>,
    fields: HashMap<String, String>,
    public: bool,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = if public {
        None
    } else {
        Some(page.actor()?.clone())
    };
    // A field hidden from people: only a robot filling every field writes in it. It gets the
    // answer everyone gets, and nothing is kept.
    if public && fields.get(HONEYPOT).is_some_and(|v| !v.is_empty()) {
        tracing::info!("public application with the hidden field filled: dropped");
        let name = fields.get("name").cloned().unwrap_or_default();
        return Ok(html(
            StatusCode::OK,
            pages::application_received(&page.chrome(), &name),
        ));
    }
    let input = application_from(&fields);
    let address = page.client_address.clone();
    let result = match input {
        Ok(input) => {
            state
                .db(move |conn| {
                    let key = format!("apply:{address}");
                    if public {
                        within_daily_limit(conn, &key)?;
                    }
                    let submitted = admission::submit(conn, actor.as_ref(), &input, today)?;
                    if public {
                        throttle::count_use(conn, &key, A_DAY, crate::db::now())?;
                    }
                    Ok(submitted)
                })
                .await
        }
        Err(e) => Err(e),
    };
    let (action, title) = if public {
        ("/apply", "Apply for membership")
    } else {
        ("/admission", "Enter an application")
    };
    match result {
        Ok(_) if public => {
            let name = fields.get("name").cloned().unwrap_or_default();
            Ok(html(
                StatusCode::OK,
                pages::application_received(&page.chrome(), &name),
            ))
        }
        Ok(Submitted::Recorded(application)) => {
            page.flash(FlashKind::Success, "The application is recorded.");
            Ok(see_other(&format!("/admission/{}", application.id)))
        }
        Ok(Submitted::Held) => Err(Error::Internal(
            "an application entered by the secretariat was held".into(),
        )),
        Err(
            e @ (Error::Invalid(_)
            | Error::InvalidFields(_)
            | Error::Conflict(_)
            | Error::Throttled(_)),
        ) => {
            // A field's problem is shown beside it; the others above the form.
            let (problem, errors) = match &e {
                Error::InvalidFields(fields) => (
                    None,
                    fields
                        .iter()
                        .map(|(f, ms)| (f.clone(), ms.iter().map(|m| capitalise(m)).collect()))
                        .collect(),
                ),
                other => (Some(capitalise(&other.to_string())), Default::default()),
            };
            let view = form_view(&state, action, title, problem).await?;
            let kept = FormState {
                values: fields.into_iter().collect(),
                errors,
            };
            Ok(html(
                e.status(),
                pages::application_form(&page.chrome(), &view, &kept),
            ))
        }
        Err(e) => Err(e),
    }
}

/// The name of the field people never see (see `submit`).
const HONEYPOT: &str = pages::APPLICATION_HONEYPOT;

/// Applications one address may send through the public form in a day.
const PUBLIC_APPLICATIONS_PER_DAY: i32 = 5;

const A_DAY: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Refuses a public application beyond the day's limit for its address (`key`).
fn within_daily_limit(conn: &mut crate::db::DbConn, key: &str) -> Result<(), Error> {
    if throttle::uses(conn, key, A_DAY, crate::db::now())? < PUBLIC_APPLICATIONS_PER_DAY {
        return Ok(());
    }
    Err(Error::Throttled(format!(
        "{PUBLIC_APPLICATIONS_PER_DAY} applications have been sent from this address today; please try again tomorrow, or write to the secretariat"
    )))
}

async fn submit_by_secretariat(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Error> {
    submit(page, state, form.into_inner(), false).await
}

async fn submit_public(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<HashMap<String, String>>,
) -> Result<HttpResponse, Error> {
    submit(page, state, form.into_inner(), true).await
}

async fn dossier(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<Markup, Error> {
    let view = dossier_view(&page, &state, id.into_inner()).await?;
    Ok(pages::dossier(&page.chrome(), &view))
}

async fn dossier_view(page: &Page, state: &AppState, id: i64) -> Result<pages::DossierView, Error> {
    let today = page.today();
    permissions::require(page.actor()?, Action::ManageMembership)?;
    let (d, sector, decider) = state
        .db(move |conn| {
            let d = admission::dossier(conn, id)?;
            let sector = organisations::sector(conn, d.organisation.sector_id)?;
            let decider = match d.application.decided_by {
                Some(by) => Some(crate::auth::store::find(conn, by)?.name),
                None => None,
            };
            Ok((d, sector, decider))
        })
        .await?;
    let view = pages::DossierView {
        id,
        organisation_id: d.organisation.id,
        organisation: d.organisation.name.clone(),
        sector: sector.name.clone(),
        side: organisations::side_of(&sector).label().to_owned(),
        contact: format!("{} <{}>", d.contact.name, d.contact.email),
        motivation: d.application.motivation.clone(),
        submitted: format!(
            "{} (via {})",
            d.application.submitted_at.format("%Y-%m-%d"),
            d.application.submitted_via
        ),
        answers: d
            .answers
            .iter()
            .map(|a| (a.criterion_text.clone(), a.attested, a.comment.clone()))
            .collect(),
        sponsors: d.sponsors.iter().map(|o| o.name.clone()).collect(),
        decision: d.application.decision.as_ref().map(|decision| {
            (
                status_label(decision),
                decider.unwrap_or_default(),
                d.application
                    .decided_at
                    .map(|t| t.format("%Y-%m-%d").to_string())
                    .unwrap_or_default(),
                d.application.decision_reason.clone().unwrap_or_default(),
            )
        }),
        today: today.to_string(),
        refusal: None,
    };
    Ok(view)
}

#[derive(Deserialize, Serialize)]
struct DecisionForm {
    decision: String,
    effective_on: String,
    #[serde(default)]
    reason: String,
}

async fn decide(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let reason = form.reason.clone();
    let result = match (
        Decision::parse(&form.decision),
        parse_date(&form.effective_on, "with effect from"),
    ) {
        (Some(d), Ok(date)) => {
            state
                .db(move |conn| {
                    let decided = admission::decide(conn, &actor, id, d, &reason, date)?;
                    crate::schedule::membership_changed(conn)?;
                    Ok(decided)
                })
                .await
        }
        (None, _) => Err(Error::field("decision", "choose a decision")),
        (_, Err(e)) => Err(Error::field("effective_on", e.to_string())),
    };
    let message = match &result {
        Ok(Some(contact)) => format!(
            "The decision is recorded. {} is mailed an invitation to set a password ({}).",
            contact.name, contact.email
        ),
        _ => "The decision is recorded.".to_owned(),
    };
    let sent = Sent {
        form_key: pages::DECISION_FORM,
        form: &form,
        back: format!("/admission/{id}"),
        success: &message,
    };
    forms::answer(&page, sent, result, |refusal| async {
        let mut view = dossier_view(&page, &state, id).await?;
        view.refusal = Some(refusal);
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::dossier(&page.chrome(), &view),
        ))
    })
    .await
}
