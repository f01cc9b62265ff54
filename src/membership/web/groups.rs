//! Working-group pages and the convenor's and secretariat's actions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::FlashKind;
use roundtable_templates::Refusal;
use roundtable_templates::pages::membership::groups::{
    self as pages, CLOSE_FORM, CREATE_FORM, EDIT_FORM, MEMBER_FORM, NOMINEE_FORM,
};
use serde::{Deserialize, Serialize};

use super::{organisation_options, person_options};
use crate::AppState;
use crate::auth::model::Person;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::membership::groups;
use crate::membership::input::GroupFields;
use crate::membership::{directory, people as members};
use crate::web::context::Page;
use crate::web::forms::{self, Sent};
use crate::web::{html, parse_date, see_other};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/groups", web::get().to(list))
        .route("/groups", web::post().to(create))
        .route("/groups/{id}", web::get().to(show))
        .route("/groups/{id}", web::post().to(update))
        .route("/groups/{id}/members", web::post().to(add_member))
        .route(
            "/groups/{id}/members/{org}/remove",
            web::post().to(remove_member),
        )
        .route("/groups/{id}/nominees", web::post().to(nominate))
        .route("/groups/{id}/close", web::post().to(close));
}

fn active_people(conn: &mut crate::db::DbConn) -> Result<Vec<Person>, Error> {
    use crate::db::schema::people;
    use diesel::prelude::*;
    Ok(people::table
        .filter(people::active.eq(true))
        .order(people::name)
        .select(Person::as_select())
        .load(conn)?)
}

async fn list(page: Page, state: web::Data<AppState>) -> Result<Markup, Error> {
    list_page(&page, &state, None).await
}

/// The list, with the creation form as typed when it was refused.
async fn list_page(
    page: &Page,
    state: &AppState,
    refusal: Option<&Refusal>,
) -> Result<Markup, Error> {
    let actor = page.actor()?;
    permissions::require(actor, Action::ViewDirectory)?;
    let (rows, people) = state
        .db(|conn| {
            let all = groups::list(conn)?;
            let convenors: Vec<i64> = all.iter().filter_map(|g| g.convenor_id).collect();
            let convenors = crate::auth::store::names(conn, &convenors)?;
            let sizes = groups::member_counts(conn)?;
            let mut rows = Vec::new();
            for g in all {
                let convenor = g
                    .convenor_id
                    .and_then(|id| convenors.get(&id).cloned())
                    .unwrap_or_else(|| "—".into());
                let members = sizes.get(&g.id).copied().unwrap_or(0);
                rows.push(pages::GroupRow {
                    id: g.id,
                    name: g.name,
                    convenor,
                    status: g.status,
                    members,
                });
            }
            Ok((rows, active_people(conn)?))
        })
        .await?;
    let can_create = permissions::may(actor, Action::CreateWorkingGroup);
    Ok(pages::groups(
        &page.chrome(),
        &rows,
        can_create,
        &person_options(&people, Some("no convenor yet")),
        &page.today().to_string(),
        refusal,
    ))
}

async fn create(
    page: Page,
    state: web::Data<AppState>,
    form: web::Form<GroupFields>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let form = form.into_inner();
    let result = match form.new_group() {
        Ok((input, date)) => {
            state
                .db(move |conn| groups::create(conn, &actor, &input, date))
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(g) => {
            page.flash(FlashKind::Success, "The working group is created.");
            Ok(see_other(&format!("/groups/{}", g.id)))
        }
        Err(e) => match forms::refusal(CREATE_FORM, &form, &e) {
            Some(refusal) => Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                list_page(&page, &state, Some(&refusal)).await?,
            )),
            None => Err(e),
        },
    }
}

async fn show(page: Page, state: web::Data<AppState>, id: web::Path<i64>) -> Result<Markup, Error> {
    let view = group_view(&page, &state, id.into_inner()).await?;
    Ok(pages::group(&page.chrome(), &view))
}

/// The group's answer to one of its forms (see `forms::answer`): refused, the page again.
async fn answer<T: Serialize, R>(
    page: &Page,
    state: &AppState,
    id: i64,
    sent: Sent<'_, T>,
    result: Result<R, Error>,
) -> Result<HttpResponse, Error> {
    forms::answer(page, sent, result, |refusal| async move {
        let mut view = group_view(page, state, id).await?;
        view.refusal = Some(refusal);
        Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            pages::group(&page.chrome(), &view),
        ))
    })
    .await
}

async fn group_view(page: &Page, state: &AppState, id: i64) -> Result<pages::GroupView, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ViewDirectory)?;
    let (group, convenor, members, nominees, all_orgs, people) = state
        .db(move |conn| {
            let group = groups::get(conn, id)?;
            let convenor = match group.convenor_id {
                Some(c) => Some(crate::auth::store::find(conn, c)?),
                None => None,
            };
            let members = groups::members_of(conn, id)?;
            let nominees = groups::nominees_of(conn, id)?;
            let all_orgs = directory::all(conn)?;
            let mut people = Vec::new();
            for m in &members {
                for (p, _) in members::people_of(conn, m.id)? {
                    people.push(p);
                }
            }
            let everyone = active_people(conn)?;
            Ok((
                group,
                convenor,
                members,
                nominees,
                all_orgs,
                (people, everyone),
            ))
        })
        .await?;
    let (member_people, everyone) = people;
    let candidate_orgs: Vec<_> = all_orgs
        .into_iter()
        .filter(|e| e.status.participates() && !members.iter().any(|m| m.id == e.organisation.id))
        .map(|e| e.organisation)
        .collect();
    let candidate_people: Vec<Person> = member_people
        .into_iter()
        .filter(|p| !nominees.iter().any(|(n, _)| n.id == p.id))
        .collect();
    let view = pages::GroupView {
        id,
        name: group.name.clone(),
        mandate: group.mandate.clone(),
        convenor: convenor
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "nobody yet".into()),
        convenor_id: group.convenor_id,
        status: group.status.clone(),
        dates: match group.closed_on {
            Some(c) => format!("{} – {c}", group.started_on),
            None => format!("since {}", group.started_on),
        },
        members: members.iter().map(|o| (o.id, o.name.clone())).collect(),
        nominees: nominees
            .iter()
            .map(|(p, o)| (p.id, p.name.clone(), o.name.clone()))
            .collect(),
        can_manage: permissions::may(&actor, Action::ManageWorkingGroup { group_id: id })
            && group.status == "active",
        can_close: permissions::may(&actor, Action::CreateWorkingGroup),
        may_close_now: permissions::may(&actor, Action::CreateWorkingGroup)
            && group.status == "active",
        candidate_organisations: organisation_options(&candidate_orgs),
        candidate_people: person_options(&candidate_people, None),
        all_people: person_options(&everyone, Some("no convenor")),
        today: page.today().to_string(),
        refusal: None,
    };
    Ok(view)
}

async fn update(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<GroupFields>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let typed = form.into_inner();
    let result = match typed.parse() {
        Ok(input) => {
            state
                .db(move |conn| groups::update(conn, &actor, id, &input))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: EDIT_FORM,
        form: &typed,
        back: format!("/groups/{id}"),
        success: "The group is updated.",
    };
    answer(&page, &state, id, sent, result).await
}

#[derive(Deserialize, Serialize)]
struct MemberForm {
    organisation_id: i64,
    joined_on: String,
}

async fn add_member(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<MemberForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let form = form.into_inner();
    let organisation = form.organisation_id;
    let result = match parse_date(&form.joined_on, "joined on") {
        Ok(date) => {
            state
                .db(move |conn| groups::add_member(conn, &actor, id, organisation, date))
                .await
        }
        Err(e) => Err(Error::field("joined_on", e.to_string())),
    };
    let sent = Sent {
        form_key: MEMBER_FORM,
        form: &form,
        back: format!("/groups/{id}#group-members"),
        success: "The organisation has joined the group.",
    };
    answer(&page, &state, id, sent, result).await
}

async fn remove_member(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let (id, org) = path.into_inner();
    let result = state
        .db(move |conn| groups::remove_member(conn, &actor, id, org))
        .await;
    let sent = Sent {
        form_key: &pages::remove_form(org),
        form: &forms::NoFields {},
        back: format!("/groups/{id}#group-members"),
        success: "The organisation has left the group.",
    };
    answer(&page, &state, id, sent, result).await
}

#[derive(Deserialize, Serialize)]
struct NomineeForm {
    person_id: i64,
}

async fn nominate(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<NomineeForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let person = form.person_id;
    let result = state
        .db(move |conn| groups::nominate(conn, &actor, id, person))
        .await;
    let sent = Sent {
        form_key: NOMINEE_FORM,
        form: &form.into_inner(),
        back: format!("/groups/{id}#group-nominees"),
        success: "The person is nominated.",
    };
    answer(&page, &state, id, sent, result).await
}

#[derive(Clone, Deserialize, Serialize)]
struct CloseForm {
    closed_on: String,
    #[serde(default)]
    reason: String,
    confirm: Option<String>,
}

async fn close(
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: web::Form<CloseForm>,
) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    let id = id.into_inner();
    let typed = form.into_inner();
    let f = typed.clone();
    let result = match crate::web::forms::confirmed(f.confirm.as_deref()).and_then(|()| {
        parse_date(&f.closed_on, "closed on").map_err(|e| Error::field("closed_on", e.to_string()))
    }) {
        Ok(date) => {
            state
                .db(move |conn| groups::close(conn, &actor, id, date, &f.reason))
                .await
        }
        Err(e) => Err(e),
    };
    let sent = Sent {
        form_key: CLOSE_FORM,
        form: &typed,
        back: format!("/groups/{id}"),
        success: "The group is closed.",
    };
    answer(&page, &state, id, sent, result).await
}
