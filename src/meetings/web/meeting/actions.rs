//! Actions on a meeting: its status, its agenda, attendance and guests.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use roundtable_templates::pages::meetings::meeting::{
    ATTENDANCE_FORM, GUEST_FORM, ITEM_FORM, PUBLISH_FORM, STATUS_FORM, guest_attended_form,
    item_button, item_edit_form,
};

use crate::AppState;
use crate::error::Error;
use crate::meetings::agenda::{self, ItemInput};
use crate::meetings::attendance;
use crate::meetings::rules::Status;
use crate::meetings::store;
use crate::web::context::Page;
use crate::web::forms::Sent;
use crate::web::ticked;

pub(super) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/meetings/{id}/status", web::post().to(set_status))
        .route("/meetings/{id}/agenda", web::post().to(add_item))
        .route("/meetings/{id}/agenda/publish", web::post().to(publish))
        .route("/agenda-items/{id}", web::post().to(edit_item))
        .route("/agenda-items/{id}/{action}", web::post().to(item_action))
        .route(
            "/meetings/{id}/attendance",
            web::post().to(record_attendance),
        )
        .route("/meetings/{id}/guests", web::post().to(add_guest))
        .route("/guests/{id}/attended", web::post().to(guest_attended));
}

#[derive(Clone, Deserialize, Serialize)]
struct StatusForm {
    status: String,
    #[serde(default)]
    reason: String,
}

async fn set_status(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = match Status::parse(&form.status) {
        Some(to) => {
            state
                .db(move |conn| store::set_status(conn, &actor, id, to, &form.reason))
                .await
        }
        None => Err(Error::Invalid("choose a state".into())),
    };
    let sent = Sent {
        form_key: STATUS_FORM,
        form: &typed,
        back: format!("/meetings/{id}"),
        success: "The meeting's state is changed.",
    };
    super::answer(&page, &state, id, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct ItemForm {
    title: String,
    #[serde(default)]
    presenter: String,
    #[serde(default)]
    duration_minutes: String,
    #[serde(default)]
    description: String,
    confidential: Option<String>,
}

impl ItemForm {
    fn input(self) -> Result<ItemInput, Error> {
        let duration_minutes = match self.duration_minutes.trim() {
            "" => 0,
            d => d.parse::<i32>().map_err(|_| {
                Error::field(
                    "duration_minutes",
                    format!("{d:?} is not a number of minutes"),
                )
            })?,
        };
        Ok(ItemInput {
            title: self.title,
            presenter: self.presenter,
            duration_minutes,
            description: self.description,
            confidential: ticked(&self.confidential),
        })
    }
}

/// An item of the agenda in preparation, changed in place.
async fn edit_item(
    page: Page,
    state: web::Data<AppState>,
    item: web::Path<i64>,
    form: web::Form<ItemForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let actor = page.actor()?.clone();
    let item = item.into_inner();
    let meeting = state
        .db(move |conn| agenda::meeting_of_item(conn, item))
        .await?;
    let result = match form.into_inner().input() {
        Ok(input) => {
            state
                .db(move |conn| agenda::update_item(conn, &actor, item, &input))
                .await
        }
        Err(e) => Err(e),
    };
    let key = item_edit_form(item);
    let sent = Sent {
        form_key: &key,
        form: &typed,
        back: format!("/meetings/{meeting}#{key}"),
        success: "The item is changed in the agenda in preparation.",
    };
    super::answer(&page, &state, meeting, sent, result).await
}

async fn add_item(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ItemForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = match form.into_inner().input() {
        Ok(input) => {
            state
                .db(move |conn| agenda::add_item(conn, &actor, id, &input))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: ITEM_FORM,
        form: &typed,
        back: format!("/meetings/{id}#agenda"),
        success: "The item is added to the agenda in preparation.",
    };
    super::answer(&page, &state, id, sent, result).await
}

async fn publish(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let result = state
        .db(move |conn| agenda::publish(conn, &actor, id))
        .await;
    let message = match &result {
        Ok(v) => format!("Version {} of the agenda is published.", v.version_no),
        Err(_) => String::new(),
    };
    let sent = Sent {
        form_key: PUBLISH_FORM,
        form: &crate::web::forms::NoFields {},
        back: format!("/meetings/{id}"),
        success: &message,
    };
    super::answer(&page, &state, id, sent, result).await
}

async fn item_action(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (item, action) = path.into_inner();
    let meeting = state
        .db(move |conn| agenda::meeting_of_item(conn, item))
        .await?;
    let key = item_button(item, &action);
    let (result, success) = match action.as_str() {
        "up" | "down" => {
            let up = action == "up";
            let moved = state
                .db(move |conn| agenda::move_item(conn, &actor, item, up))
                .await;
            (moved, "The item is moved.")
        }
        "remove" => {
            let removed = state
                .db(move |conn| agenda::remove_item(conn, &actor, item))
                .await;
            (
                removed,
                "The item is removed from the agenda in preparation.",
            )
        }
        _ => return Err(Error::NotFound),
    };
    let sent = Sent {
        form_key: &key,
        form: &crate::web::forms::NoFields {},
        back: format!("/meetings/{meeting}#agenda"),
        success,
    };
    super::answer(&page, &state, meeting, sent, result).await
}

/// The meeting page's attendance form: `status-ORG` and `represented_by-ORG` for each
/// organisation; rows left "not recorded" change nothing.
async fn record_attendance(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let typed: BTreeMap<String, String> = form.into_inner().into_iter().collect();
    let result = match attendance_entries(&typed) {
        Ok(entries) => {
            state
                .db(move |conn| attendance::record_all(conn, &actor, id, &entries))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: ATTENDANCE_FORM,
        form: &typed,
        back: format!("/meetings/{id}#attendance"),
        success: "Attendance recorded.",
    };
    super::answer(&page, &state, id, sent, result).await
}

/// The entries of the attendance form, in the order of the organisations' ids.
fn attendance_entries(typed: &BTreeMap<String, String>) -> Result<Vec<attendance::Entry>, Error> {
    let mut entries = Vec::new();
    for (name, status) in typed {
        let Some(organisation) = name.strip_prefix("status-") else {
            continue;
        };
        let organisation_id = organisation
            .parse()
            .map_err(|_| Error::Invalid(format!("{name:?} names no organisation")))?;
        if status.trim().is_empty() {
            continue;
        }
        entries.push(attendance::Entry {
            organisation_id,
            status: status.trim().to_owned(),
            represented_by: typed
                .get(&format!("represented_by-{organisation}"))
                .cloned()
                .unwrap_or_default(),
        });
    }
    if entries.is_empty() {
        return Err(Error::Invalid(
            "choose the attendance of at least one organisation".into(),
        ));
    }
    Ok(entries)
}

#[derive(Clone, Deserialize, Serialize)]
struct GuestForm {
    name: String,
    email: String,
    #[serde(default)]
    affiliation: String,
}

async fn add_guest(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<GuestForm>,
) -> Result<HttpResponse, Error> {
    let typed = form.0.clone();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let f = form.into_inner();
    let result = state
        .db(move |conn| store::add_guest(conn, &actor, id, &f.name, &f.email, &f.affiliation))
        .await;
    let sent = Sent {
        form_key: GUEST_FORM,
        form: &typed,
        back: format!("/meetings/{id}#guests"),
        success: "The guest is invited.",
    };
    super::answer(&page, &state, id, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct AttendedForm {
    attended: String,
}

async fn guest_attended(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AttendedForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let attended = form.attended == "yes";
    let meeting = state
        .db(move |conn| store::meeting_of_guest(conn, id))
        .await?;
    let result = state
        .db(move |conn| store::set_guest_attended(conn, &actor, id, attended))
        .await;
    let sent = Sent {
        form_key: &guest_attended_form(id),
        form: &form.into_inner(),
        back: format!("/meetings/{meeting}#guests"),
        success: "The guest's attendance is recorded.",
    };
    super::answer(&page, &state, meeting, sent, result).await
}
