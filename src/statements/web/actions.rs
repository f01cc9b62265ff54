//! Every action on a statement's page: each parses its form, calls one service and goes back
//! to the page with a message.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::AppState;
use crate::error::Error;
use crate::statements::rounds::{self, AuthorisationInput, PositionInput, RoundInput};
use crate::statements::rules::{Decision, DecisionRule, Stance};
use crate::statements::store;
use crate::web::context::Page;
use crate::web::{after_action, parse_date, today};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/statements/{id}/details", web::post().to(details))
        .route("/statements/{id}/versions", web::post().to(revise))
        .route(
            "/statements/{id}/consultation",
            web::post().to(consultation),
        )
        .route("/statements/{id}/comments", web::post().to(comment))
        .route("/statement-comments/{id}/decline", web::post().to(decline))
        .route("/statements/{id}/rounds", web::post().to(open_round))
        .route("/rounds/{id}/positions", web::post().to(position))
        .route("/rounds/{id}/authorisations", web::post().to(authorise))
        .route("/statements/{id}/adopt", web::post().to(adopt))
        .route("/statements/{id}/publish", web::post().to(publish))
        .route("/statements/{id}/withdraw", web::post().to(withdraw));
}

fn back(id: i64, anchor: &str) -> String {
    format!("/statements/{id}#{anchor}")
}

#[derive(Deserialize)]
struct DetailsForm {
    title: String,
    #[serde(default)]
    context_note: String,
}

async fn details(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<DetailsForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = state
        .db(move |conn| store::update_details(conn, &actor, id, &form.title, &form.context_note))
        .await;
    after_action(
        &page,
        result,
        &back(id, "drafting"),
        "The title and context are saved.",
    )
}

#[derive(Deserialize)]
struct VersionForm {
    body: String,
    #[serde(default)]
    note: String,
    amendment_id: Option<i64>,
}

async fn revise(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<VersionForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = state
        .db(move |conn| store::revise(conn, &actor, id, &form.body, &form.note, form.amendment_id))
        .await;
    after_action(
        &page,
        result,
        &back(id, "text"),
        "The new version is saved.",
    )
}

async fn consultation(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = state
        .db(move |conn| store::open_consultation(conn, &actor, id))
        .await;
    after_action(
        &page,
        result,
        &back(id, "comments"),
        "Members may now comment and propose amendments.",
    )
}

#[derive(Deserialize)]
struct CommentForm {
    body: String,
    #[serde(default)]
    proposed_text: String,
}

async fn comment(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = state
        .db(move |conn| {
            store::comment(
                conn,
                &actor,
                id,
                &form.body,
                Some(form.proposed_text.as_str()),
            )
        })
        .await;
    after_action(
        &page,
        result,
        &back(id, "comments"),
        "Your contribution is recorded.",
    )
}

async fn decline(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = state
        .db(move |conn| {
            let c = store::get_comment(conn, id)?;
            store::decline_amendment(conn, &actor, id).map(|_| c.statement_id)
        })
        .await;
    let location = match &result {
        Ok(statement_id) => back(*statement_id, "comments"),
        Err(_) => "/statements".into(),
    };
    after_action(&page, result, &location, "The amendment is declined.")
}

#[derive(Deserialize)]
struct RoundForm {
    rule: String,
    #[serde(default)]
    percent: String,
    deadline: String,
}

async fn open_round(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<RoundForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let parsed = (|| {
        let percent = match form.percent.trim() {
            "" => 0,
            p => p
                .parse::<i32>()
                .map_err(|_| Error::Invalid(format!("{p:?} is not a percentage")))?,
        };
        let rule = DecisionRule::parse(&form.rule, percent).map_err(Error::Invalid)?;
        let deadline = parse_date(&form.deadline, "deadline")?;
        Ok::<_, Error>(RoundInput { rule, deadline })
    })();
    let result = match parsed {
        Ok(input) => {
            state
                .db(move |conn| rounds::open(conn, &actor, id, input, today()))
                .await
        }
        Err(e) => Err(e),
    };
    after_action(
        &page,
        result,
        &back(id, "round"),
        "The round is open; representatives have been mailed the text.",
    )
}

#[derive(Deserialize)]
struct PositionForm {
    organisation_id: i64,
    position: String,
    #[serde(default)]
    reason: String,
    content_hash: String,
}

async fn position(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<PositionForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let round_id = id.into_inner();
    let form = form.into_inner();
    let statement_id = statement_of_round(&state, round_id).await?;
    let result = match Stance::parse(&form.position) {
        Some(stance) => {
            let input = PositionInput {
                organisation_id: form.organisation_id,
                stance,
                reason: form.reason,
                content_hash: form.content_hash,
            };
            state
                .db(move |conn| rounds::take_position(conn, &actor, round_id, &input, today()))
                .await
        }
        None => Err(Error::Invalid("choose approve, abstain or object".into())),
    };
    after_action(
        &page,
        result,
        &back(statement_id, "round"),
        "Your organisation's position is recorded.",
    )
}

async fn statement_of_round(state: &AppState, round_id: i64) -> Result<i64, Error> {
    state
        .db(move |conn| Ok(rounds::get_round(conn, round_id)?.statement_id))
        .await
}

#[derive(Deserialize)]
struct AuthoriseForm {
    organisation_id: i64,
    decision: String,
    #[serde(default)]
    reference: String,
    content_hash: String,
}

async fn authorise(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AuthoriseForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let round_id = id.into_inner();
    let statement_id = statement_of_round(&state, round_id).await?;
    let form = form.into_inner();
    let result = match Decision::parse(&form.decision) {
        Some(decision) => {
            let input = AuthorisationInput {
                organisation_id: form.organisation_id,
                decision,
                reference: form.reference,
                content_hash: form.content_hash,
            };
            state
                .db(move |conn| rounds::authorise(conn, &actor, round_id, &input, today()))
                .await
        }
        None => Err(Error::Invalid("choose to authorise or to refuse".into())),
    };
    after_action(
        &page,
        result,
        &back(statement_id, "round"),
        "The authorisation decision is recorded.",
    )
}

async fn adopt(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = state
        .db(move |conn| rounds::adopt(conn, &actor, id, today()))
        .await;
    after_action(
        &page,
        result,
        &back(id, "round"),
        "The adoption is recorded.",
    )
}

async fn publish(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = state
        .db(move |conn| rounds::publish(conn, &actor, id, today()))
        .await;
    after_action(
        &page,
        result,
        &back(id, "signatories"),
        "The statement is published.",
    )
}

#[derive(Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    reason: String,
}

async fn withdraw(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<WithdrawForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let reason = form.into_inner().reason;
    let result = state
        .db(move |conn| store::withdraw(conn, &actor, id, &reason))
        .await;
    after_action(
        &page,
        result,
        &back(id, "text"),
        "The statement is withdrawn.",
    )
}
