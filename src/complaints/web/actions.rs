//! Every action on a complaint's page: each parses its form, calls one service, then goes
//! back to the page with a message, or, refused, shows the page again with the form as
//! typed and the reason beside its field.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, web};
use roundtable_templates::pages::complaints::{
    ACKNOWLEDGE_FORM, ANSWER_FORM, APPOINT_FORM, ASSESS_FORM, CLOSE_FORM, DECLARE_FORM,
    HEARING_FORM, MESSAGE_FORM, PROPOSE_FORM, REFER_FORM, REOPEN_FORM, SATISFACTION_FORM,
    WITHDRAW_FORM,
};
use serde::{Deserialize, Serialize};

use super::case::refused;
use crate::AppState;
use crate::complaints::{panel, steps, store, thread};
use crate::error::Error;
use crate::web::context::Page;
use crate::web::forms::{self, NoFields, Sent};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/complaints/{id}/acknowledge", web::post().to(acknowledge))
        .route("/complaints/{id}/panel", web::post().to(appoint))
        .route("/complaints/{id}/declare", web::post().to(declare))
        .route("/complaints/{id}/assess", web::post().to(assess))
        .route("/complaints/{id}/messages", web::post().to(write))
        .route("/complaints/{id}/hearing", web::post().to(hearing))
        .route("/complaints/{id}/propose", web::post().to(propose))
        .route("/complaints/{id}/answer", web::post().to(answer))
        .route("/complaints/{id}/refer", web::post().to(refer))
        .route("/complaints/{id}/close", web::post().to(close))
        .route("/complaints/{id}/withdraw", web::post().to(withdraw))
        .route("/complaints/{id}/reopen", web::post().to(reopen))
        .route(
            "/complaints/{id}/satisfaction",
            web::post().to(satisfaction),
        );
}

async fn reply<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    id: i64,
    form_key: &str,
    form: &T,
    success: &str,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    let sent = Sent {
        form_key,
        form,
        back: format!("/complaints/{id}"),
        success,
    };
    forms::answer(page, sent, result, |refusal| {
        refused(page, state, id, refusal)
    })
    .await
}

/// "yes"/"no" from a select; anything else refused beside `field`.
fn yes_no(value: &str, field: &str, message: &str) -> Result<bool, Error> {
    match value {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(Error::field(field, message)),
    }
}

async fn acknowledge(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    let result = state
        .db(move |conn| steps::acknowledge(conn, &actor, id, today))
        .await;
    reply(
        &page,
        &state,
        id,
        ACKNOWLEDGE_FORM,
        &NoFields {},
        "Receipt is acknowledged.",
        result,
    )
    .await
}

async fn appoint(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<std::collections::BTreeMap<String, String>>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    let form = form.into_inner();
    let chosen: Result<Vec<i64>, Error> = form
        .iter()
        .filter(|(k, v)| k.starts_with("person_") && !v.trim().is_empty())
        .map(|(k, v)| {
            v.trim()
                .parse()
                .map_err(|_| Error::field(k, "choose a person from the list"))
        })
        .collect();
    let result = match chosen {
        Ok(ids) => {
            state
                .db(move |conn| panel::appoint(conn, &actor, id, &ids, today))
                .await
        }
        Err(e) => Err(e),
    };
    // A refusal about the chosen people goes beside the first seat.
    let result = result.map_err(|e| match e {
        Error::InvalidFields(mut fields) => {
            if let Some(messages) = fields.remove("person_id") {
                fields.insert("person_0".into(), messages);
            }
            Error::InvalidFields(fields)
        }
        other => other,
    });
    let form = form
        .into_iter()
        .filter(|(k, _)| k != "csrf_token")
        .collect::<std::collections::BTreeMap<_, _>>();
    reply(
        &page,
        &state,
        id,
        APPOINT_FORM,
        &form,
        "The panel members are asked to declare.",
        result,
    )
    .await
}

#[derive(Clone, Deserialize, Serialize)]
struct DeclareForm {
    #[serde(default)]
    no_conflict: String,
}

async fn declare(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<DeclareForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    let form = form.into_inner();
    let result = match yes_no(&form.no_conflict, "no_conflict", "choose your declaration") {
        Ok(no_conflict) => {
            state
                .db(move |conn| panel::declare(conn, &actor, id, no_conflict, today))
                .await
        }
        Err(e) => Err(e),
    };
    reply(
        &page,
        &state,
        id,
        DECLARE_FORM,
        &form,
        "Your declaration is recorded.",
        result,
    )
    .await
}

#[derive(Clone, Deserialize, Serialize)]
struct AssessForm {
    #[serde(default)]
    admissible: String,
    #[serde(default)]
    reasons: String,
}

async fn assess(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AssessForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    let form = form.into_inner();
    let sent = form.clone();
    let result = match yes_no(&form.admissible, "admissible", "choose admissible or not") {
        Ok(admissible) => {
            state
                .db(move |conn| steps::assess(conn, &actor, id, admissible, &sent.reasons, today))
                .await
        }
        Err(e) => Err(e),
    };
    reply(
        &page,
        &state,
        id,
        ASSESS_FORM,
        &form,
        "The assessment is recorded.",
        result,
    )
    .await
}

#[derive(Clone, Serialize)]
struct MessageForm {
    audience: String,
    body: String,
}

async fn write(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    request: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    // Who may write is known before the upload is read: nobody else sends 10 MB in.
    let reader = actor.clone();
    state
        .db(move |conn| thread::writer(&store::case(conn, &reader, id)?).map(drop))
        .await?;
    let payload = Multipart::new(request.headers(), body);
    // The message, its fields and one file: a little over the file's limit.
    let mut fields =
        crate::web::uploads::read_with_names(payload, thread::MAX_FILE + 256 * 1024, "a file")
            .await?;
    let audience =
        String::from_utf8_lossy(&fields.remove("audience").map(|f| f.1).unwrap_or_default())
            .into_owned();
    let body = String::from_utf8_lossy(&fields.remove("body").map(|f| f.1).unwrap_or_default())
        .into_owned();
    let files: Vec<thread::Upload> = fields
        .remove("file")
        .map(|(name, bytes)| thread::Upload {
            name: name.unwrap_or_default(),
            bytes,
        })
        .into_iter()
        .collect();
    let form = MessageForm { audience, body };
    let sent = form.clone();
    let result = state
        .db(move |conn| thread::post(conn, &actor, id, &sent.audience, &sent.body, files, today))
        .await;
    reply(
        &page,
        &state,
        id,
        MESSAGE_FORM,
        &form,
        "Your statement is sent.",
        result,
    )
    .await
}

#[derive(Clone, Deserialize, Serialize)]
struct MeetingForm {
    #[serde(default)]
    meeting_id: String,
}

fn meeting_of(form: &MeetingForm) -> Result<i64, Error> {
    form.meeting_id
        .trim()
        .parse()
        .map_err(|_| Error::field("meeting_id", "choose a meeting"))
}

async fn hearing(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<MeetingForm>,
) -> Result<HttpResponse, Error> {
    to_meeting(page, state, id.into_inner(), form.into_inner(), true).await
}

async fn refer(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<MeetingForm>,
) -> Result<HttpResponse, Error> {
    to_meeting(page, state, id.into_inner(), form.into_inner(), false).await
}

async fn to_meeting(
    page: Page,
    state: web::Data<AppState>,
    id: i64,
    form: MeetingForm,
    hearing: bool,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let today = page.today();
    let result = match meeting_of(&form) {
        Ok(meeting_id) => {
            state
                .db(move |conn| thread::to_meeting(conn, &actor, id, meeting_id, hearing, today))
                .await
        }
        Err(e) => Err(e),
    };
    let (key, success) = if hearing {
        (
            HEARING_FORM,
            "The hearing is on the meeting's agenda, as a confidential item.",
        )
    } else {
        (
            REFER_FORM,
            "The case is on the plenary's agenda, as a confidential item with the panel's summary.",
        )
    };
    reply(&page, &state, id, key, &form, success, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct ProposeForm {
    #[serde(default)]
    proposal: String,
    #[serde(default)]
    summary: String,
}

async fn propose(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ProposeForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    let form = form.into_inner();
    let sent = form.clone();
    let result = state
        .db(move |conn| steps::propose(conn, &actor, id, &sent.proposal, &sent.summary, today))
        .await;
    reply(
        &page,
        &state,
        id,
        PROPOSE_FORM,
        &form,
        "The proposal is sent to the parties.",
        result,
    )
    .await
}

#[derive(Clone, Deserialize, Serialize)]
struct AnswerForm {
    #[serde(default)]
    accepts: String,
}

async fn answer(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    let form = form.into_inner();
    let result = match yes_no(
        &form.accepts,
        "accepts",
        "choose whether you accept the proposal",
    ) {
        Ok(accepts) => {
            state
                .db(move |conn| steps::answer(conn, &actor, id, accepts, today))
                .await
        }
        Err(e) => Err(e),
    };
    reply(
        &page,
        &state,
        id,
        ANSWER_FORM,
        &form,
        "Your answer is recorded.",
        result,
    )
    .await
}

#[derive(Clone, Deserialize, Serialize)]
struct CloseForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    lesson: String,
    #[serde(default)]
    confirm: Option<String>,
}

async fn close(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CloseForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    let form = form.into_inner();
    let sent = form.clone();
    let result = match forms::confirmed(form.confirm.as_deref()) {
        Ok(()) => {
            state
                .db(move |conn| steps::close(conn, &actor, id, &sent.outcome, &sent.lesson, today))
                .await
        }
        Err(e) => Err(e),
    };
    reply(
        &page,
        &state,
        id,
        CLOSE_FORM,
        &form,
        "The case is closed.",
        result,
    )
    .await
}

#[derive(Clone, Deserialize, Serialize)]
struct ConfirmForm {
    #[serde(default)]
    confirm: Option<String>,
}

async fn withdraw(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    let form = form.into_inner();
    let result = match forms::confirmed(form.confirm.as_deref()) {
        Ok(()) => {
            state
                .db(move |conn| steps::withdraw(conn, &actor, id, today))
                .await
        }
        Err(e) => Err(e),
    };
    reply(
        &page,
        &state,
        id,
        WITHDRAW_FORM,
        &form,
        "The complaint is withdrawn.",
        result,
    )
    .await
}

async fn reopen(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, today) = (id.into_inner(), page.today());
    let result = state
        .db(move |conn| steps::reopen(conn, &actor, id, today))
        .await;
    reply(
        &page,
        &state,
        id,
        REOPEN_FORM,
        &NoFields {},
        "The case is reopened.",
        result,
    )
    .await
}

#[derive(Clone, Deserialize, Serialize)]
struct SatisfactionForm {
    #[serde(default)]
    satisfaction: String,
}

async fn satisfaction(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<SatisfactionForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = match form.satisfaction.trim().parse::<i32>() {
        Ok(score) => {
            state
                .db(move |conn| steps::satisfaction(conn, &actor, id, score))
                .await
        }
        Err(_) => Err(Error::field(
            "satisfaction",
            "choose from 1 (not at all) to 5 (fully)",
        )),
    };
    reply(
        &page,
        &state,
        id,
        SATISFACTION_FORM,
        &form,
        "Thank you: your answer is recorded.",
        result,
    )
    .await
}
