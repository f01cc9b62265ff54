//! Every action on a statement's page: each parses its form, calls one service, then goes
//! back to the page with a message, or, refused, shows the page again with the form as typed
//! and the reason beside its field.

use actix_web::{HttpResponse, web};
use roundtable_templates::pages::statements::statement::{
    ADOPT_FORM, COMMENT_FORM, CONSULTATION_FORM, DETAILS_FORM, PUBLISH_FORM, REMIND_FORM,
    ROUND_FORM, VERSION_FORM, WITHDRAW_FORM, authorisation_form, decline_form, position_form,
};
use serde::{Deserialize, Serialize};

use super::statement::refused;
use crate::AppState;
use crate::error::Error;
use crate::statements::input::{AuthorisationFields, PositionFields};
use crate::statements::rounds::{self, RoundInput};
use crate::statements::rules::DecisionRule;
use crate::statements::store;
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::parse_date;

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
        .route("/statements/{id}/remind", web::post().to(remind))
        .route("/statements/{id}/publish", web::post().to(publish))
        .route("/statements/{id}/withdraw", web::post().to(withdraw));
}

fn back(id: i64, anchor: &str) -> String {
    format!("/statements/{id}#{anchor}")
}

/// The statement page's answer to one of its forms (see `forms::answer`); a refused version
/// keeps the amendment it was taking in.
async fn answer<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    statement_id: i64,
    sent: Sent<'_, T>,
    amendment_id: Option<i64>,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    forms::answer(page, sent, result, |refusal| {
        refused(page, state, statement_id, amendment_id, refusal)
    })
    .await
}

#[derive(Clone, Deserialize, Serialize)]
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
    let sent = form.clone();
    let result = state
        .db(move |conn| store::update_details(conn, &actor, id, &sent.title, &sent.context_note))
        .await;
    let sent = Sent {
        form_key: DETAILS_FORM,
        form: &form,
        back: back(id, "drafting"),
        success: "The title and context are saved.",
    };
    answer(&page, &state, id, sent, None, result).await
}

#[derive(Clone, Deserialize, Serialize)]
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
    let sent = form.clone();
    let result = state
        .db(move |conn| store::revise(conn, &actor, id, &sent.body, &sent.note, sent.amendment_id))
        .await;
    let sent = Sent {
        form_key: VERSION_FORM,
        form: &form,
        back: back(id, "text"),
        success: "The new version is saved.",
    };
    answer(&page, &state, id, sent, form.amendment_id, result).await
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
    let sent = Sent {
        form_key: CONSULTATION_FORM,
        form: &forms::NoFields {},
        back: back(id, "comments"),
        success: "Members may now comment and propose amendments.",
    };
    answer(&page, &state, id, sent, None, result).await
}

#[derive(Clone, Deserialize, Serialize)]
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
    let sent = form.clone();
    let result = state
        .db(move |conn| {
            store::comment(
                conn,
                &actor,
                id,
                &sent.body,
                Some(sent.proposed_text.as_str()),
            )
        })
        .await;
    let sent = Sent {
        form_key: COMMENT_FORM,
        form: &form,
        back: back(id, "comments"),
        success: "Your contribution is recorded.",
    };
    answer(&page, &state, id, sent, None, result).await
}

async fn decline(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let statement_id = state
        .db(move |conn| Ok(store::get_comment(conn, id)?.statement_id))
        .await?;
    let result = state
        .db(move |conn| store::decline_amendment(conn, &actor, id))
        .await;
    let sent = Sent {
        form_key: &decline_form(id),
        form: &forms::NoFields {},
        back: back(statement_id, "comments"),
        success: "The amendment is declined.",
    };
    answer(&page, &state, statement_id, sent, None, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct RoundForm {
    rule: String,
    #[serde(default)]
    percent: String,
    deadline: String,
}

impl RoundForm {
    fn parse(&self) -> Result<RoundInput, Error> {
        let percent = match self.percent.trim() {
            "" => 0,
            p => p
                .parse::<i32>()
                .map_err(|_| Error::field("percent", format!("{p:?} is not a percentage")))?,
        };
        let rule = DecisionRule::parse(&self.rule, percent).map_err(|e| Error::field("rule", e))?;
        let deadline = parse_date(&self.deadline, "deadline")
            .map_err(|e| Error::field("deadline", e.to_string()))?;
        Ok(RoundInput { rule, deadline })
    }
}

async fn open_round(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<RoundForm>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = match form.parse() {
        Ok(input) => {
            state
                .db(move |conn| rounds::open(conn, &actor, id, input, today))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: ROUND_FORM,
        form: &form,
        back: back(id, "round"),
        success: "The round is open; representatives have been mailed the text.",
    };
    answer(&page, &state, id, sent, None, result).await
}

async fn position(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<PositionFields>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let round_id = id.into_inner();
    let form = form.into_inner();
    let statement_id = statement_of_round(&state, round_id).await?;
    let result = match form.parse() {
        Ok(input) => {
            state
                .db(move |conn| rounds::take_position(conn, &actor, round_id, &input, today))
                .await
        }
        Err(e) => Err(e),
    };
    let key = position_form(form.organisation_id.trim().parse().unwrap_or_default());
    let sent = Sent {
        form_key: &key,
        form: &form,
        back: back(statement_id, "round"),
        success: "Your organisation's position is recorded.",
    };
    answer(&page, &state, statement_id, sent, None, result).await
}

async fn statement_of_round(state: &AppState, round_id: i64) -> Result<i64, Error> {
    state
        .db(move |conn| Ok(rounds::get_round(conn, round_id)?.statement_id))
        .await
}

async fn authorise(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AuthorisationFields>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let round_id = id.into_inner();
    let statement_id = statement_of_round(&state, round_id).await?;
    let form = form.into_inner();
    let result = match form.parse() {
        Ok(input) => {
            state
                .db(move |conn| rounds::authorise(conn, &actor, round_id, &input, today))
                .await
        }
        Err(e) => Err(e),
    };
    let key = authorisation_form(form.organisation_id.trim().parse().unwrap_or_default());
    let sent = Sent {
        form_key: &key,
        form: &form,
        back: back(statement_id, "round"),
        success: "The authorisation decision is recorded.",
    };
    answer(&page, &state, statement_id, sent, None, result).await
}

/// A round's one-button action (adopt, remind, publish): the service with the person and
/// today, then the page's answer opening at `section`.
async fn round_action<R: Send + 'static>(
    page: Page,
    state: web::Data<AppState>,
    id: i64,
    (form_key, section, success): (&str, &str, &str),
    act: fn(
        &mut crate::db::DbConn,
        &crate::auth::Actor,
        i64,
        chrono::NaiveDate,
    ) -> Result<R, Error>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let result = state.db(move |conn| act(conn, &actor, id, today)).await;
    let sent = Sent {
        form_key,
        form: &forms::NoFields {},
        back: back(id, section),
        success,
    };
    answer(&page, &state, id, sent, None, result).await
}

async fn adopt(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let said = (ADOPT_FORM, "round", "The adoption is recorded.");
    round_action(page, state, id.into_inner(), said, rounds::adopt).await
}

async fn remind(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let said = (
        REMIND_FORM,
        "round",
        "The members that have not answered are reminded by mail.",
    );
    round_action(page, state, id.into_inner(), said, rounds::remind).await
}

async fn publish(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let said = (PUBLISH_FORM, "signatories", "The statement is published.");
    round_action(page, state, id.into_inner(), said, rounds::publish).await
}

#[derive(Clone, Deserialize, Serialize)]
struct WithdrawForm {
    #[serde(default)]
    reason: String,
    confirm: Option<String>,
}

async fn withdraw(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<WithdrawForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let reason = form.reason.clone();
    let result = match crate::web::forms::confirmed(form.confirm.as_deref()) {
        Ok(()) => {
            state
                .db(move |conn| store::withdraw(conn, &actor, id, &reason))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: WITHDRAW_FORM,
        form: &form,
        back: back(id, "text"),
        success: "The statement is withdrawn.",
    };
    answer(&page, &state, id, sent, None, result).await
}
