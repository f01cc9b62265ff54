//! A meeting's page, its form, and every action on it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::FormState;
use roundtable_templates::pages::meetings::meeting as pages;
use serde::{Deserialize, Serialize};

use super::{place, when};
use crate::AppState;
use crate::auth::permissions::{self, Action, Actor};
use crate::error::Error;
use crate::markdown;
use crate::meetings::agenda::{self, ItemInput};
use crate::meetings::attendance;
use crate::meetings::minutes::{self, ActionInput};
use crate::meetings::model::AgendaItem;
use crate::meetings::rules::{self, Kind, Status};
use crate::meetings::store::{self, MeetingInput};
use crate::web::context::Page;
use crate::web::{after_action, capitalise, html, parse_date, see_other, ticked};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/meetings/new", web::get().to(new_form))
        .route("/meetings", web::post().to(create))
        .route("/meetings/{id}", web::get().to(show))
        .route("/meetings/{id}/edit", web::get().to(edit_form))
        .route("/meetings/{id}", web::post().to(update))
        .route("/meetings/{id}/status", web::post().to(set_status))
        .route("/meetings/{id}/agenda", web::post().to(add_item))
        .route("/meetings/{id}/agenda/publish", web::post().to(publish))
        .route("/agenda-items/{id}/{action}", web::post().to(item_action))
        .route(
            "/meetings/{id}/attendance",
            web::post().to(record_attendance),
        )
        .route("/meetings/{id}/guests", web::post().to(add_guest))
        .route("/guests/{id}/attended", web::post().to(guest_attended))
        .route("/meetings/{id}/minutes", web::post().to(save_minutes))
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

fn item_row(i: &AgendaItem) -> pages::ItemRow {
    pages::ItemRow {
        id: i.id,
        title: i.title.clone(),
        presenter: i.presenter.clone(),
        duration: i.duration_minutes,
        description: i.description.clone(),
        confidential: i.confidential,
    }
}

async fn show(page: Page, state: web::Data<AppState>, id: web::Path<i64>) -> Result<Markup, Error> {
    let today = page.today();
    let id = id.into_inner();
    let actor = page.actor.clone();
    let a = actor.clone();
    let data = state
        .db(move |conn| {
            let (m, venue, group) = store::with_venue_and_group(conn, id)?;
            if !store::may_see(a.as_ref(), &m) {
                return Err(if a.is_some() {
                    Error::Forbidden
                } else {
                    Error::SignInRequired
                });
            }
            let manage = a.as_ref().is_some_and(|x| store::may_manage(x, &m));
            let draft = if manage {
                agenda::items(conn, id)?
            } else {
                Vec::new()
            };
            let published = agenda::latest_published(conn, id)?;
            let attending = attendance::expected_with_attendance(conn, &m)?;
            let quorum = attendance::quorum_of(&attending, store::settings(conn)?.quorum_percent);
            let (expected, recorded): (Vec<_>, Vec<_>) = attending.into_iter().unzip();
            let recorded: Vec<_> = recorded.into_iter().flatten().collect();
            let guests = store::guests(conn, id)?;
            let (minutes, comments) = match minutes::with_comments(conn, id)? {
                Some((minutes, comments)) => (Some(minutes), comments),
                None => (None, Vec::new()),
            };
            let addenda = match &minutes {
                Some(x) => minutes::addenda(conn, x.id)?,
                None => Vec::new(),
            };
            let actions = minutes::actions_of_meeting(conn, id)?;
            let venues: Vec<_> = venue.into_iter().collect();
            // Everyone, to name commenters and owners (also those since deactivated) and to
            // offer the active ones as owners of an action: one query.
            let everyone: Vec<crate::auth::model::Person> = {
                use crate::db::schema::people;
                use diesel::prelude::*;
                people::table
                    .order(people::name)
                    .select(crate::auth::model::Person::as_select())
                    .load(conn)?
            };
            Ok((
                m, manage, venues, draft, published, expected, recorded, quorum, guests, minutes,
                comments, addenda, actions, group, everyone,
            ))
        })
        .await?;
    let (
        m,
        manage,
        venues,
        draft,
        published,
        expected,
        recorded,
        quorum,
        guests,
        minutes_row,
        comments,
        addenda,
        actions,
        group,
        everyone,
    ) = data;
    let status = store::status_of(&m);
    let org_name = |id: i64| {
        expected
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.clone())
            .unwrap_or_else(|| format!("organisation #{id}"))
    };
    let person_name = |id: i64| {
        everyone
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("person #{id}"))
    };
    let show_attendance = manage || matches!(status, Status::Held | Status::MinutesApproved);
    let can_comment = actor
        .as_ref()
        .is_some_and(|a| permissions::may(a, Action::ViewDirectory))
        && minutes_row.as_ref().is_some_and(|x| {
            x.status == "in_comment" && x.comment_deadline.is_some_and(|d| today <= d)
        });
    let confidential_ok = agenda::may_see_confidential(actor.as_ref());
    let view = pages::MeetingView {
        id,
        title: m.title.clone(),
        kind: store::kind_of(&m).label().to_owned(),
        when: when(&m),
        time_zone: m.time_zone.clone(),
        place: place(&m, &venues),
        online_url: m.online_url.clone(),
        status: status.label().to_owned(),
        status_key: status.as_str().to_owned(),
        cancel_reason: m
            .cancel_reason
            .clone()
            .filter(|_| status == Status::Cancelled),
        visibility: if m.visibility == "public" {
            "the public".into()
        } else {
            "members only".into()
        },
        media: if m.media_open {
            format!("open: {}", m.media_reason)
        } else {
            "closed".into()
        },
        group: group.map(|g| (g.id, g.name)),
        can_manage: manage,
        status_actions: Status::ALL
            .iter()
            .filter(|s| {
                **s != Status::MinutesApproved
                    && rules::check_transition(status, **s).is_ok()
                    && **s != status
            })
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .collect(),
        agenda_draft: draft.iter().map(item_row).collect(),
        published: published.map(|(v, items)| {
            (
                v.version_no,
                v.published_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                agenda::visible(items, actor.as_ref())
                    .iter()
                    .map(item_row)
                    .collect(),
            )
        }),
        attendance: if show_attendance {
            expected
                .iter()
                .map(|o| {
                    let a = recorded.iter().find(|a| a.organisation_id == o.id);
                    pages::AttendanceRow {
                        organisation_id: o.id,
                        organisation: o.name.clone(),
                        full_member: o.status == "full",
                        status: a
                            .map(|a| a.status.clone())
                            .unwrap_or_else(|| "not recorded".into()),
                        represented_by: a.map(|a| a.represented_by.clone()).unwrap_or_default(),
                    }
                })
                .collect()
        } else {
            Vec::new()
        },
        quorum: (store::kind_of(&m) == Kind::Plenary || store::kind_of(&m) == Kind::Extraordinary)
            .then(|| {
                (
                    format!(
                        "{} of {} full members present; a quorum needs {}.",
                        quorum.present_full, quorum.full_members, quorum.needed
                    ),
                    quorum.reached,
                )
            }),
        guests: guests
            .iter()
            .map(|g| pages::GuestRow {
                id: g.id,
                name: g.name.clone(),
                affiliation: g.affiliation.clone(),
                attended: g.attended,
            })
            .collect(),
        minutes: minutes_row.map(|x| {
            // Confidential sections stay out of what those not entitled read.
            let body = if confidential_ok {
                x.body.clone()
            } else {
                strip_confidential(&x.body)
            };
            pages::MinutesView {
                status: match x.status.as_str() {
                    "in_comment" => "open for comments".into(),
                    other => other.to_owned(),
                },
                body_html: markdown::render(&body),
                body_source: x.body.clone(),
                deadline: x.comment_deadline.map(|d| d.to_string()),
                approved: x.approved_at.map(|t| {
                    let note = if x.approval_note.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", x.approval_note)
                    };
                    format!("approved {}{note}", t.format("%Y-%m-%d"))
                }),
                comments: comments
                    .iter()
                    .map(|c| {
                        (
                            person_name(c.person_id),
                            c.created_at.format("%Y-%m-%d").to_string(),
                            c.body.clone(),
                        )
                    })
                    .collect(),
                addenda: addenda
                    .iter()
                    .map(|a| {
                        (
                            a.created_at.format("%Y-%m-%d").to_string(),
                            markdown::render(&a.body),
                        )
                    })
                    .collect(),
            }
        }),
        can_comment,
        actions: actions
            .iter()
            .map(|a| pages::ActionRow {
                id: a.id,
                title: a.title.clone(),
                owner: match (a.owner_organisation_id, a.owner_person_id) {
                    (_, Some(p)) => person_name(p),
                    (Some(o), None) => org_name(o),
                    (None, None) => "—".into(),
                },
                due: a.due_on.map(|d| d.to_string()).unwrap_or_default(),
                status: a.status.clone(),
                may_update: manage
                    || actor
                        .as_ref()
                        .is_some_and(|x| a.owner_person_id == Some(x.id())),
            })
            .collect(),
        organisation_options: std::iter::once((String::new(), "—".to_owned()))
            .chain(expected.iter().map(|o| (o.id.to_string(), o.name.clone())))
            .collect(),
        person_options: std::iter::once((String::new(), "—".to_owned()))
            .chain(
                everyone
                    .iter()
                    .filter(|p| p.active)
                    .map(|p| (p.id.to_string(), p.name.clone())),
            )
            .collect(),
        today: today.to_string(),
    };
    Ok(pages::meeting(&page.chrome(), &view))
}

/// Drops the sections of a minutes text whose heading says "(confidential)".
fn strip_confidential(body: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in body.lines() {
        if line.starts_with("## ") {
            skipping = line.to_lowercase().contains("(confidential)");
            if skipping {
                out.push_str("## (confidential item)\n\n");
            }
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct MeetingForm {
    kind: String,
    #[serde(default)]
    group_id: String,
    title: String,
    date: String,
    start: String,
    end: String,
    #[serde(default)]
    time_zone: String,
    #[serde(default)]
    venue_id: String,
    #[serde(default)]
    online_url: String,
    public: Option<String>,
    media_open: Option<String>,
    #[serde(default)]
    media_reason: String,
}

impl MeetingForm {
    fn input(&self) -> Result<MeetingInput, Error> {
        let id = |s: &str, what: &str| -> Result<Option<i64>, Error> {
            match s.trim() {
                "" => Ok(None),
                v => v
                    .parse()
                    .map(Some)
                    .map_err(|_| Error::Invalid(format!("choose a {what} from the list"))),
            }
        };
        Ok(MeetingInput {
            kind: Kind::parse(&self.kind)
                .ok_or_else(|| Error::Invalid("choose the kind of meeting".into()))?,
            group_id: id(&self.group_id, "working group")?,
            title: self.title.clone(),
            date: parse_date(&self.date, "date")?,
            start: rules::parse_time(&self.start).map_err(Error::Invalid)?,
            end: rules::parse_time(&self.end).map_err(Error::Invalid)?,
            time_zone: Some(self.time_zone.clone()).filter(|z| !z.trim().is_empty()),
            venue_id: id(&self.venue_id, "venue")?,
            online_url: self.online_url.clone(),
            public: ticked(&self.public),
            media_open: ticked(&self.media_open),
            media_reason: self.media_reason.clone(),
        })
    }
}

async fn render_form(
    page: &Page,
    state: &web::Data<AppState>,
    title: &str,
    action: String,
    form: &FormState,
    problem: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, Error> {
    let (groups, venues) = state
        .db(|conn| Ok((crate::membership::groups::list(conn)?, store::venues(conn)?)))
        .await?;
    let view = pages::MeetingFormView {
        title: title.to_owned(),
        action,
        kinds: Kind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
            .collect(),
        groups: std::iter::once((String::new(), "—".to_owned()))
            .chain(
                groups
                    .into_iter()
                    .filter(|g| g.status == "active")
                    .map(|g| (g.id.to_string(), g.name)),
            )
            .collect(),
        venues: std::iter::once((String::new(), "to be decided / online only".to_owned()))
            .chain(
                venues
                    .into_iter()
                    .filter(|v| v.active)
                    .map(|v| (v.id.to_string(), v.name)),
            )
            .collect(),
        problem,
    };
    Ok(html(
        status,
        pages::meeting_form(&page.chrome(), &view, form),
    ))
}

async fn new_form(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let actor = page.actor()?;
    if !permissions::may(actor, Action::ManageMeetings)
        && !actor
            .roles
            .iter()
            .any(|r| matches!(r, crate::auth::Role::Convenor { .. }))
    {
        return Err(Error::Forbidden);
    }
    let mut form = FormState::default();
    for (k, v) in [("kind", "ad_hoc"), ("start", "10:00"), ("end", "12:00")] {
        form.values.insert(k.into(), v.into());
    }
    form.values.insert(
        "date".into(),
        (page.today() + chrono::Duration::days(14)).to_string(),
    );
    render_form(
        &page,
        &state,
        "New meeting",
        "/meetings".into(),
        &form,
        None,
        StatusCode::OK,
    )
    .await
}

async fn create(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<MeetingForm>,
) -> Result<HttpResponse, Error> {
    let actor: Actor = page.actor()?.clone();
    let form = form.into_inner();
    let result = match form.input() {
        Ok(input) => {
            state
                .db(move |conn| store::create(conn, &actor, &input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(m) => Ok(see_other(&format!("/meetings/{}", m.id))),
        Err(e @ (Error::Invalid(_) | Error::Conflict(_) | Error::NotFound)) => {
            let kept = FormState {
                values: crate::web::forms::values_of(&form),
                errors: Default::default(),
            };
            render_form(
                &page,
                &state,
                "New meeting",
                "/meetings".into(),
                &kept,
                Some(capitalise(&e.to_string())),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

async fn edit_form(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let m = state.db(move |conn| store::get(conn, id)).await?;
    store::require_manage(&actor, &m)?;
    let zone = store::zone_of(&m);
    let (start, end) = (
        rules::local(m.starts_at, zone),
        rules::local(m.ends_at, zone),
    );
    let mut form = FormState::default();
    for (k, v) in [
        ("kind", m.kind.clone()),
        (
            "group_id",
            m.group_id.map(|g| g.to_string()).unwrap_or_default(),
        ),
        ("title", m.title.clone()),
        ("date", start.date().to_string()),
        ("start", start.format("%H:%M").to_string()),
        ("end", end.format("%H:%M").to_string()),
        ("time_zone", m.time_zone.clone()),
        (
            "venue_id",
            m.venue_id.map(|v| v.to_string()).unwrap_or_default(),
        ),
        ("online_url", m.online_url.clone()),
        ("media_reason", m.media_reason.clone()),
    ] {
        form.values.insert(k.into(), v);
    }
    if m.visibility == "public" {
        form.values.insert("public".into(), "on".into());
    }
    if m.media_open {
        form.values.insert("media_open".into(), "on".into());
    }
    render_form(
        &page,
        &state,
        "Change the meeting",
        format!("/meetings/{id}"),
        &form,
        None,
        StatusCode::OK,
    )
    .await
}

async fn update(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<MeetingForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let result = match form.input() {
        Ok(input) => {
            state
                .db(move |conn| store::update(conn, &actor, id, &input))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => after_action(
            &page,
            Ok(()),
            &format!("/meetings/{id}"),
            "The meeting is changed.",
        ),
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let kept = FormState {
                values: crate::web::forms::values_of(&form),
                errors: Default::default(),
            };
            render_form(
                &page,
                &state,
                "Change the meeting",
                format!("/meetings/{id}"),
                &kept,
                Some(capitalise(&e.to_string())),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
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
    after_action(
        &page,
        result,
        &format!("/meetings/{id}"),
        "The meeting's state is changed.",
    )
}

#[derive(Deserialize)]
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

async fn add_item(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ItemForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let f = form.into_inner();
    let duration = match f.duration_minutes.trim() {
        "" => Ok(0),
        d => d
            .parse::<i32>()
            .map_err(|_| Error::Invalid(format!("{d:?} is not a number of minutes"))),
    };
    let result = match duration {
        Ok(duration_minutes) => {
            let input = ItemInput {
                title: f.title,
                presenter: f.presenter,
                duration_minutes,
                description: f.description,
                confidential: ticked(&f.confidential),
            };
            state
                .db(move |conn| agenda::add_item(conn, &actor, id, &input))
                .await
        }
        Err(e) => Err(e),
    };
    after_action(
        &page,
        result,
        &format!("/meetings/{id}#agenda"),
        "The item is added to the agenda in preparation.",
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
        .db(move |conn| agenda::publish(conn, &actor, id))
        .await;
    let message = match &result {
        Ok(v) => format!("Version {} of the agenda is published.", v.version_no),
        Err(_) => String::new(),
    };
    after_action(&page, result, &format!("/meetings/{id}"), &message)
}

async fn item_action(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, String)>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (item, action) = path.into_inner();
    let result = state
        .db(move |conn| match action.as_str() {
            "up" => agenda::move_item(conn, &actor, item, true),
            "down" => agenda::move_item(conn, &actor, item, false),
            "remove" => agenda::remove_item(conn, &actor, item),
            _ => Err(Error::NotFound),
        })
        .await;
    match result {
        Ok(meeting) => Ok(see_other(&format!("/meetings/{meeting}#agenda"))),
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            after_action::<()>(&page, Err(e), "/meetings", "")
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct AttendanceForm {
    organisation_id: i64,
    status: String,
    #[serde(default)]
    represented_by: String,
}

async fn record_attendance(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<AttendanceForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let f = form.into_inner();
    let result = state
        .db(move |conn| {
            attendance::record(
                conn,
                &actor,
                id,
                f.organisation_id,
                &f.status,
                &f.represented_by,
            )
        })
        .await;
    after_action(
        &page,
        result,
        &format!("/meetings/{id}#attendance"),
        "Attendance recorded.",
    )
}

#[derive(Deserialize)]
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
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let f = form.into_inner();
    let result = state
        .db(move |conn| store::add_guest(conn, &actor, id, &f.name, &f.email, &f.affiliation))
        .await;
    after_action(
        &page,
        result,
        &format!("/meetings/{id}#guests"),
        "The guest is invited.",
    )
}

#[derive(Deserialize)]
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
    let result = state
        .db(move |conn| store::set_guest_attended(conn, &actor, id, attended))
        .await;
    after_action(&page, result, "/meetings", "Recorded.")
}

#[derive(Deserialize)]
struct BodyForm {
    #[serde(default)]
    body: Option<String>,
}

async fn save_minutes(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<BodyForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let body = form.into_inner().body;
    let result = state
        .db(move |conn| minutes::save_draft(conn, &actor, id, body.as_deref()))
        .await;
    after_action(
        &page,
        result,
        &format!("/meetings/{id}#minutes"),
        "The minutes are saved.",
    )
}

#[derive(Deserialize)]
struct DeadlineForm {
    deadline: String,
}

async fn open_comments(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<DeadlineForm>,
) -> Result<HttpResponse, Error> {
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
    after_action(
        &page,
        result,
        &format!("/meetings/{id}#minutes"),
        "The draft is open for comments.",
    )
}

#[derive(Deserialize)]
struct CommentForm {
    body: String,
}

async fn comment(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let body = form.into_inner().body;
    let result = state
        .db(move |conn| minutes::comment(conn, &actor, id, &body, today))
        .await;
    after_action(
        &page,
        result,
        &format!("/meetings/{id}#minutes"),
        "Your comment is recorded.",
    )
}

#[derive(Deserialize)]
struct ApproveForm {
    #[serde(default)]
    note: String,
}

async fn approve(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<ApproveForm>,
) -> Result<HttpResponse, Error> {
    let today = page.today();
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let note = form.into_inner().note;
    let result = state
        .db(move |conn| minutes::approve(conn, &actor, id, &note, today))
        .await;
    after_action(
        &page,
        result,
        &format!("/meetings/{id}#minutes"),
        "The minutes are approved; from now on they never change.",
    )
}

async fn addendum(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CommentForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let body = form.into_inner().body;
    let result = state
        .db(move |conn| minutes::add_addendum(conn, &actor, id, &body))
        .await;
    after_action(
        &page,
        result,
        &format!("/meetings/{id}#minutes"),
        "The addendum is added.",
    )
}

#[derive(Deserialize)]
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
    after_action(
        &page,
        result,
        &format!("/meetings/{id}#actions-heading"),
        "The action item is added.",
    )
}

#[derive(Deserialize)]
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
    let status = form.into_inner().status;
    let result = state
        .db(move |conn| minutes::set_action_status(conn, &actor, id, &status))
        .await;
    match result {
        Ok(meeting) => after_action(
            &page,
            Ok(()),
            &format!("/meetings/{meeting}#actions-heading"),
            "The action item is updated.",
        ),
        Err(e) => after_action::<()>(&page, Err(e), "/", ""),
    }
}
