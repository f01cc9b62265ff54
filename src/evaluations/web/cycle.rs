//! A cycle's page: the indicators beside the previous period's, the report, the evaluators
//! and what they read; appointing, writing and moving the report; the indicators as CSV.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use roundtable_templates::pages::evaluations::{
    self as pages, EVALUATOR_FORM, IndicatorRow, PageView, REPORT_FORM, STATUS_FORM,
};
use roundtable_templates::{FormState, Refusal};
use serde::{Deserialize, Serialize};

use super::shown;
use crate::AppState;
use crate::auth::permissions::{self, Action, Actor};
use crate::auth::visibility::EvaluationSight;
use crate::db::DbConn;
use crate::error::Error;
use crate::evaluations::answering::{self, Respondent, all_answers};
use crate::evaluations::questionnaire::{self, AnswerRow, Item};
use crate::evaluations::rules::{self, Kind, Status};
use crate::evaluations::{followups, results, store};
use crate::web::context::Page;
use crate::web::forms::{self, Sent};

pub fn routes(cfg: &mut web::ServiceConfig) {
    super::questionnaire::routes(cfg);
    cfg.route("/evaluations/{id}", web::get().to(show))
        .route("/evaluations/{id}/indicators.csv", web::get().to(csv))
        .route("/evaluations/{id}/evaluators", web::post().to(appoint))
        .route("/evaluations/{id}/report", web::post().to(report))
        .route("/evaluations/{id}/status", web::post().to(move_report))
        .route("/evaluations/{id}/followups", web::post().to(add_followup))
        .route(
            "/evaluations/{id}/followups/update",
            web::post().to(update_followup),
        );
}

fn build(
    conn: &mut DbConn,
    actor: &Actor,
    id: i64,
    today: chrono::NaiveDate,
) -> Result<PageView, Error> {
    let e = store::readable(
        conn,
        actor,
        id,
        EvaluationSight::Report,
        "the evaluation's page",
    )?;
    let sight = store::sight(actor, &e);
    let status = store::status_of(&e);
    let figures = crate::evaluations::figures::figures_of(conn, &e)?;
    let pairs = &figures.indicators;
    let (pf, pu) = rules::previous_period(e.period_from, e.period_until);
    let works = sight == EvaluationSight::Work;
    let (evaluators, reads) = if works {
        let evaluators = store::evaluators(conn, id)?
            .into_iter()
            .map(|(ev, name, _)| (name, ev.external))
            .collect();
        let reads = store::reads(conn, id)?
            .into_iter()
            .map(|(who, what, when)| (who, what, when.format("%Y-%m-%d %H:%M UTC").to_string()))
            .collect();
        (Some(evaluators), Some(reads))
    } else {
        (None, None)
    };
    let writes = permissions::may(actor, Action::WriteEvaluationReport { evaluation_id: id })
        && status.report_open();
    let report_form = writes.then(|| {
        FormState::default().or_values(&[
            ("findings", &e.findings),
            ("recommendations", &e.recommendations),
        ])
    });
    let next_stages = if permissions::may(actor, Action::SteerEvaluation { evaluation_id: id }) {
        Status::ALL
            .into_iter()
            .filter(|to| rules::check_transition(status, *to).is_ok())
            .map(|to| (to.as_str().to_owned(), to.label().to_owned()))
            .collect()
    } else {
        Vec::new()
    };
    let mut schedule = Vec::new();
    for (what, when) in [
        ("Questionnaire opens", e.questionnaire_opens),
        ("Questionnaire closes", e.questionnaire_closes),
        ("Report due", e.report_due),
    ] {
        if let Some(day) = when {
            schedule.push((what.to_owned(), day.to_string()));
        }
    }
    if let Some(m) = e.plenary_meeting_id {
        schedule.push(("Discussed at".to_owned(), format!("meeting #{m}")));
    }
    let items = questionnaire::items(conn, id)?;
    let results = results_view(&items, &all_answers(conn, id, Respondent::Organisation)?);
    let personal_results = results_view(&items, &all_answers(conn, id, Respondent::Person)?);
    let builder = if works {
        let answered = answering::participation(conn, id)?;
        let people_answered = answering::person_participation(conn, id)?.len();
        let names = crate::membership::organisations::names(conn, &answered)?;
        let asked: i64 = {
            use crate::db::schema::organisations;
            use diesel::prelude::*;
            organisations::table
                .filter(organisations::status.eq_any(["full", "associate"]))
                .count()
                .get_result(conn)?
        };
        let mut answered_names: Vec<String> = names.into_values().collect();
        answered_names.sort();
        let editable = answered.is_empty() && e.questionnaire_opens.is_none_or(|o| o > today);
        Some(pages::Builder {
            items: items
                .iter()
                .map(super::questionnaire::row)
                .collect::<Vec<_>>(),
            editable: editable
                && (permissions::may(actor, Action::ManageEvaluations)
                    || permissions::may(
                        actor,
                        Action::WriteEvaluationReport { evaluation_id: id },
                    )),
            participation: (
                answered.len(),
                usize::try_from(asked).unwrap_or(0),
                answered_names,
            ),
            people_answer: e.people_answer,
            people_answered,
            opens: match (e.questionnaire_opens, e.questionnaire_closes) {
                (Some(o), Some(c)) => format!("Open from {o} to {c}."),
                (Some(o), None) => format!("Opens on {o}."),
                _ => "No opening date is set: the questionnaire takes no answers.".into(),
            },
        })
    } else {
        None
    };
    let answer_links = answering::may_answer(conn, actor, &e, today)?
        .into_iter()
        .map(|r| match r {
            Respondent::Organisation => (
                format!("/evaluations/{id}/questionnaire"),
                "Answer the questionnaire for your organisation".to_owned(),
            ),
            Respondent::Person => (
                format!("/evaluations/{id}/questionnaire/personal"),
                "Answer the questionnaire yourself".to_owned(),
            ),
        })
        .collect();
    // Follow-up: this cycle's actions, and what became of the previous cycle's.
    let mut follow = followups::of(conn, id)?;
    let previous = followups::previous_cycle(conn, &e)?;
    let previous_rows = match &previous {
        Some(p) => Some((p.title.clone(), followups::of(conn, p.id)?)),
        None => None,
    };
    let mut owner_ids: Vec<i64> = follow
        .iter()
        .filter_map(|f| f.owner_organisation_id)
        .collect();
    if let Some((_, rows)) = &previous_rows {
        owner_ids.extend(rows.iter().filter_map(|f| f.owner_organisation_id));
    }
    let owner_names = crate::membership::organisations::names(conn, &owner_ids)?;
    let row = |f: followups::FollowUp| pages::FollowUpRow {
        id: f.id,
        owner: f
            .owner_organisation_id
            .and_then(|o| owner_names.get(&o).cloned())
            .unwrap_or_else(|| "the secretariat".into()),
        due: f.due_on.to_string(),
        overdue: f.status == "open" && f.due_on < today,
        action: f.action,
        status: f.status,
        outcome: f.outcome,
    };
    let followup_rows: Vec<pages::FollowUpRow> = follow.drain(..).map(row).collect();
    let previous_followups =
        previous_rows.map(|(title, rows)| (title, rows.into_iter().map(row).collect()));
    let followup_owners = if permissions::may(actor, Action::SteerEvaluation { evaluation_id: id })
        && status == Status::Adopted
    {
        use crate::db::schema::organisations;
        use diesel::prelude::*;
        let members: Vec<(i64, String)> = organisations::table
            .filter(organisations::status.eq_any(["full", "associate"]))
            .order(organisations::name)
            .select((organisations::id, organisations::name))
            .load(conn)?;
        let mut options = vec![(String::new(), "The secretariat".to_owned())];
        options.extend(members.into_iter().map(|(id, name)| (id.to_string(), name)));
        Some(options)
    } else {
        None
    };
    Ok(PageView {
        id,
        title: e.title.clone(),
        kind: Kind::parse(&e.kind)
            .map(Kind::label)
            .unwrap_or("Review")
            .into(),
        period: format!("{} to {}", e.period_from, e.period_until),
        previous_period: format!("{pf} to {pu}"),
        status: status.label().into(),
        status_key: status.as_str().into(),
        schedule,
        frozen: e.frozen_indicators.is_some(),
        indicators: pairs
            .iter()
            .map(|(i, p)| IndicatorRow {
                area: i.area.clone(),
                label: i.label.clone(),
                unit: i.unit.clone(),
                number: i.value,
                previous_number: p.as_ref().and_then(|p| p.value),
                definition: i.definition.clone(),
                value: shown(i.value, &i.unit),
                previous: shown(p.as_ref().and_then(|p| p.value), &i.unit),
                // Those who work on the evaluation read the records behind it; members
                // follow the record pages they may read anyway.
                link: if works {
                    super::records::link(id, &i.key)
                } else {
                    i.link.clone()
                },
            })
            .collect(),
        findings_html: if e.findings.is_empty() {
            String::new()
        } else {
            crate::markdown::render(&e.findings)
        },
        recommendations_html: if e.recommendations.is_empty() {
            String::new()
        } else {
            crate::markdown::render(&e.recommendations)
        },
        evaluators,
        reads,
        may_appoint: permissions::may(actor, Action::ManageEvaluations)
            && status != Status::Adopted,
        report_form,
        next_stages,
        builder,
        results,
        answer_links,
        personal_results,
        followups: followup_rows,
        previous_followups,
        followup_owners,
        per_organisation: {
            let rounds = pairs
                .iter()
                .find(|(i, _)| i.key == "statements.rounds")
                .and_then(|(i, _)| i.value)
                .unwrap_or(0.0) as i64;
            figures
                .organisations
                .iter()
                .cloned()
                .map(|o| {
                    let attendance = if o.recorded == 0 {
                        "–".to_owned()
                    } else {
                        format!(
                            "{} of {} ({:.0} %)",
                            o.present,
                            o.recorded,
                            o.present as f64 * 100.0 / o.recorded as f64
                        )
                    };
                    let side = crate::membership::rules::Side::parse(&o.side)
                        .map(|s| s.label().to_owned())
                        .unwrap_or_default();
                    (
                        o.name,
                        side,
                        attendance,
                        format!("{} of {rounds}", o.positions),
                    )
                })
                .collect()
        },
        series: Some({
            let s = figures.series.clone();
            let as_f = |v: &[i64]| v.iter().map(|n| Some(*n as f64)).collect();
            pages::SeriesView {
                rounds_opened: as_f(&s.rounds_opened),
                adopted: as_f(&s.adopted),
                steps: s.steps,
                governmental: s.governmental,
                civil_society: s.civil_society,
            }
        }),
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
    let view = state.db(move |conn| build(conn, &actor, id, today)).await?;
    Ok(pages::page(&page.chrome(), &view))
}

/// The cycle's page again with a refused form as typed and the reason beside its field.
pub(super) async fn refused(
    page: &Page,
    state: &AppState,
    id: i64,
    refusal: Refusal,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let today = page.today();
    let mut view = state.db(move |conn| build(conn, &actor, id, today)).await?;
    view.refusal = Some(refusal);
    Ok(crate::web::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        pages::page(&page.chrome(), &view),
    ))
}

async fn csv(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = path.into_inner();
    let (title, pairs) = state
        .db(move |conn| {
            let e = store::readable(
                conn,
                &actor,
                id,
                EvaluationSight::Report,
                "the indicators (CSV)",
            )?;
            Ok((
                e.title.clone(),
                crate::evaluations::figures::indicators_of(conn, &e)?,
            ))
        })
        .await?;
    let number = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let rows: Vec<Vec<String>> = pairs
        .iter()
        .map(|(i, p)| {
            vec![
                i.area.clone(),
                i.key.clone(),
                i.label.clone(),
                number(i.value),
                number(p.as_ref().and_then(|p| p.value)),
                i.unit.clone(),
                i.definition.clone(),
            ]
        })
        .collect();
    let out = super::csv_file(
        &[
            "area",
            "key",
            "indicator",
            "value",
            "previous",
            "unit",
            "definition",
        ],
        &rows,
    )?;
    let name: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-indicators.csv\""),
        ))
        .body(out))
}

#[derive(Clone, Deserialize, Serialize)]
struct EvaluatorForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
}

async fn appoint(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<EvaluatorForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = path.into_inner();
    let form = form.into_inner();
    let sent = form.clone();
    let result = state
        .db(move |conn| store::appoint(conn, &actor, id, &sent.name, &sent.email))
        .await;
    let sent = Sent {
        form_key: EVALUATOR_FORM,
        form: &form,
        back: format!("/evaluations/{id}#evaluators"),
        success: "The evaluator is appointed.",
    };
    forms::answer(&page, sent, result, |r| refused(&page, &state, id, r)).await
}

#[derive(Clone, Deserialize, Serialize)]
struct ReportForm {
    #[serde(default)]
    findings: String,
    #[serde(default)]
    recommendations: String,
}

async fn report(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = path.into_inner();
    let form = form.into_inner();
    let sent = form.clone();
    let result = state
        .db(move |conn| {
            store::write_report(conn, &actor, id, &sent.findings, &sent.recommendations)
        })
        .await;
    let sent = Sent {
        form_key: REPORT_FORM,
        form: &form,
        back: format!("/evaluations/{id}#report"),
        success: "The report is saved.",
    };
    forms::answer(&page, sent, result, |r| refused(&page, &state, id, r)).await
}

#[derive(Clone, Deserialize, Serialize)]
struct StatusForm {
    #[serde(default)]
    status: String,
}

async fn move_report(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = path.into_inner();
    // Refused before the form is read.
    permissions::require(&actor, Action::SteerEvaluation { evaluation_id: id })?;
    let form = form.into_inner();
    let result = match Status::parse(&form.status) {
        Some(to) => {
            state
                .db(move |conn| store::move_to(conn, &actor, id, to))
                .await
        }
        None => Err(Error::field("status", "choose the report's next stage")),
    };
    let sent = Sent {
        form_key: STATUS_FORM,
        form: &form,
        back: format!("/evaluations/{id}"),
        success: "The report has moved on.",
    };
    forms::answer(&page, sent, result, |r| refused(&page, &state, id, r)).await
}

#[derive(Clone, Deserialize, Serialize)]
struct FollowUpForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    owner_organisation_id: String,
    #[serde(default)]
    due_on: String,
}

async fn add_followup(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<FollowUpForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = path.into_inner();
    permissions::require(&actor, Action::SteerEvaluation { evaluation_id: id })?;
    let form = form.into_inner();
    let mut problems = crate::fields::Problems::default();
    let owner = problems.optional_id(
        "owner_organisation_id",
        &form.owner_organisation_id,
        "choose the owner",
    );
    let due = match form.due_on.trim() {
        "" => None,
        v => problems.date("due_on", v, "the due date"),
    };
    let sent_action = form.action.clone();
    let result = match problems.finish(Some(())) {
        Ok(()) => {
            state
                .db(move |conn| followups::add(conn, &actor, id, &sent_action, owner, due))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: pages::FOLLOWUP_FORM,
        form: &form,
        back: format!("/evaluations/{id}#followups"),
        success: "The follow-up action is added.",
    };
    forms::answer(&page, sent, result, |r| refused(&page, &state, id, r)).await
}

#[derive(Clone, Deserialize, Serialize)]
struct FollowUpUpdateForm {
    #[serde(default)]
    followup_id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    outcome: String,
}

async fn update_followup(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    form: web::Form<FollowUpUpdateForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = path.into_inner();
    permissions::require(&actor, Action::SteerEvaluation { evaluation_id: id })?;
    let form = form.into_inner();
    let sent = form.clone();
    let result = match sent.followup_id.trim().parse::<i64>() {
        Ok(followup) => {
            state
                .db(move |conn| {
                    followups::update(conn, &actor, id, followup, &sent.status, &sent.outcome)
                })
                .await
        }
        Err(_) => Err(Error::field("followup_id", "choose the action")),
    };
    let sent = Sent {
        form_key: pages::FOLLOWUP_UPDATE_FORM,
        form: &form,
        back: format!("/evaluations/{id}#followups"),
        success: "What became of the action is recorded.",
    };
    forms::answer(&page, sent, result, |r| refused(&page, &state, id, r)).await
}

/// The results of the answers given (none before the first answer).
fn results_view(items: &[Item], answers: &[AnswerRow]) -> Option<pages::ResultsView> {
    if answers.is_empty() {
        return None;
    }
    let r = results::compute(items, answers);
    Some(pages::ResultsView {
        responses: r.responses,
        themes: r
            .themes
            .into_iter()
            .map(|t| pages::ThemeScore {
                theme: t.theme,
                mean: t.mean,
                governmental: t.governmental,
                civil_society: t.civil_society,
                flag: t.flag,
            })
            .collect(),
        items: r
            .items
            .into_iter()
            .map(|i| pages::ItemScore {
                theme: i.theme,
                text: i.text,
                answers: i.answers,
                mean: i.mean,
                governmental: i.governmental,
                civil_society: i.civil_society,
                distribution: i.distribution,
                open: i.open,
            })
            .collect(),
    })
}
