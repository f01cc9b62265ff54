//! Actions on a meeting's minutes (draft, comments, approval, addenda) and its action items.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use roundtable_templates::pages::meetings::meeting::{
    ACTION_FORM, ADDENDUM_FORM, APPROVE_FORM, COMMENT_FORM, MINUTES_FORM, OPEN_COMMENTS_FORM,
    START_MINUTES_FORM, action_done_form,
};

use crate::AppState;
use crate::error::Error;
use crate::meetings::minutes::{self, ActionInput};
use crate::web::context::Page;
use crate::web::forms::Sent;
use crate::web::{parse_date, ticked};

pub(super) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/meetings/{id}/minutes", web::post().to(save_minutes))
        .route(
            "/meetings/{id}/minutes/comments/open",
            web::post().to(open_comments),
        )
        .route("/meetings/{id}/minutes/comments", web::post().to(comment))
        .route("/meetings/{id}/minutes/approve", web::post().to(approve))
        .route("/meetings/{id}/minutes/addenda", web::post().to(addendum))
        .route("/meetings/{id}/actions", web::post().to(add_action))
        .route("/actions/{id}/status", web::post().to(action_status));
}

#[derive(Clone, Deserialize, Serialize)]
struct MinutesForm {
    /// Absent: start the minutes from the agenda.
    #[serde(default)]
    body: Option<String>,
    /// Absent: the writer does not see the confidential part, which stays as it is.
    #[serde(default)]
    confidential_body: Option<String>,
}

async fn save_minutes(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<MinutesForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let text = form.body.map(|open| minutes::MinutesText {
        open,
        confidential: form.confidential_body,
    });
    let result = state
        .db(move |conn| minutes::save_draft(conn, &actor, id, text.as_ref()))
        .await;
    let sent = Sent {
        form_key: if typed.body.is_some() {
            MINUTES_FORM
        } else {
            START_MINUTES_FORM
        },
        form: &typed,
        back: format!("/meetings/{id}#minutes"),
        success: "The minutes are saved.",
    };
    super::answer(&page, &state, id, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct DeadlineForm {
    deadline: String,
}

async fn open_comments(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let today = page.today();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = match parse_date(&form.deadline, "comments until") {
        Ok(d) => {
            state
                .db(move |conn| minutes::open_comments(conn, &actor, id, d, today))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: OPEN_COMMENTS_FORM,
        form: &typed,
        back: format!("/meetings/{id}#minutes"),
        success: "The draft is open for comments.",
    };
    super::answer(&page, &state, id, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct CommentForm {
    body: String,
}

async fn comment(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let today = page.today();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let body = form.into_inner().body;
    let result = state
        .db(move |conn| minutes::comment(conn, &actor, id, &body, today))
        .await;
    let sent = Sent {
        form_key: COMMENT_FORM,
        form: &typed,
        back: format!("/meetings/{id}#minutes"),
        success: "Your comment is recorded.",
    };
    super::answer(&page, &state, id, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct ApproveForm {
    #[serde(default)]
    note: String,
    confirm: Option<String>,
}

async fn approve(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ApproveForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let today = page.today();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let note = form.into_inner().note;
    let result = match crate::web::forms::confirmed(typed.confirm.as_deref()) {
        Ok(()) => {
            state
                .db(move |conn| minutes::approve(conn, &actor, id, &note, today))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: APPROVE_FORM,
        form: &typed,
        back: format!("/meetings/{id}#minutes"),
        success: "The minutes are approved; from now on they never change.",
    };
    super::answer(&page, &state, id, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct AddendumForm {
    body: String,
    confidential: Option<String>,
}

async fn addendum(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AddendumForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let confidential = ticked(&form.confidential);
    let result = state
        .db(move |conn| minutes::add_addendum(conn, &actor, id, &form.body, confidential))
        .await;
    let sent = Sent {
        form_key: ADDENDUM_FORM,
        form: &typed,
        back: format!("/meetings/{id}#minutes"),
        success: "The addendum is added.",
    };
    super::answer(&page, &state, id, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct ActionForm {
    title: String,
    #[serde(default)]
    owner_organisation_id: String,
    #[serde(default)]
    owner_person_id: String,
    #[serde(default)]
    due_on: String,
}

async fn add_action(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let f = form.into_inner();
    let due = match f.due_on.trim() {
        "" => Ok(None),
        d => parse_date(d, "due").map(Some),
    };
    let result = match due {
        Ok(due_on) => {
            let input = ActionInput {
                title: f.title,
                owner_organisation_id: f.owner_organisation_id.parse().ok(),
                owner_person_id: f.owner_person_id.parse().ok(),
                due_on,
            };
            state
                .db(move |conn| minutes::add_action(conn, &actor, id, &input))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: ACTION_FORM,
        form: &typed,
        back: format!("/meetings/{id}#actions-heading"),
        success: "The action item is added.",
    };
    super::answer(&page, &state, id, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct ActionStatusForm {
    status: String,
}

async fn action_status(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ActionStatusForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let status = form.status.clone();
    let meeting = state
        .db(move |conn| minutes::meeting_of_action(conn, id))
        .await?;
    let result = state
        .db(move |conn| minutes::set_action_status(conn, &actor, id, &status))
        .await;
    let sent = Sent {
        form_key: &action_done_form(id),
        form: &form,
        back: format!("/meetings/{meeting}#actions-heading"),
        success: "The action item is updated.",
    };
    super::answer(&page, &state, meeting, sent, result).await
}
