//! A meeting's page: details, agenda, attendance and quorum, guests, minutes, action items.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;
use roundtable_templates::Refusal;
use roundtable_templates::pages::meetings::meeting as pages;

use super::item_row;
use crate::AppState;
use crate::auth::model::Person;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::markdown;
use crate::meetings::agenda;
use crate::meetings::attendance;
use crate::meetings::display::{place, when};
use crate::meetings::minutes;
use crate::meetings::model::{
    ActionItem, Addendum, AgendaItem, AgendaVersion, Attendance, Guest, Meeting, MinuteComment,
    Minutes, Venue,
};
use crate::meetings::rules::{self, Kind, Status};
use crate::meetings::store;
use crate::membership::model::{Organisation, WorkingGroup};
use crate::web::context::Page;

/// Everything the page shows, read in one go: a fixed number of queries.
struct Loaded {
    m: Meeting,
    manage: bool,
    /// The meeting's venue, if it has one.
    venue: Option<Venue>,
    /// The agenda being prepared (for those who manage the meeting).
    draft: Vec<AgendaItem>,
    published: Option<(AgendaVersion, Vec<AgendaItem>)>,
    expected: Vec<Organisation>,
    recorded: Vec<Attendance>,
    quorum: attendance::Quorum,
    guests: Vec<Guest>,
    minutes: Option<Minutes>,
    comments: Vec<MinuteComment>,
    addenda: Vec<Addendum>,
    actions: Vec<ActionItem>,
    group: Option<WorkingGroup>,
    everyone: Vec<Person>,
    /// Each organisation's active people, to choose who represented it (for those who
    /// record attendance).
    staff: Staff,
}

/// Names of people per organisation id.
type Staff = std::collections::HashMap<i64, Vec<String>>;

pub(super) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/meetings/{id}", web::get().to(show));
}

async fn show(page: Page, state: web::Data<AppState>, id: web::Path<i64>) -> Result<Markup, Error> {
    let view = view(&page, &state, id.into_inner()).await?;
    Ok(pages::meeting(&page.chrome(), &view))
}

/// The page again, with a refused form as the person typed it and why (422).
pub(super) async fn refused(
    page: &Page,
    state: &AppState,
    id: i64,
    refusal: Refusal,
) -> Result<HttpResponse, Error> {
    let mut view = view(page, state, id).await?;
    view.refusal = Some(refusal);
    Ok(crate::web::html(
        StatusCode::UNPROCESSABLE_ENTITY,
        pages::meeting(&page.chrome(), &view),
    ))
}

async fn view(page: &Page, state: &AppState, id: i64) -> Result<pages::MeetingView, Error> {
    let today = page.today();
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
            // Everyone, to name commenters and owners (also those since deactivated) and to
            // offer the active ones as owners of an action: one query.
            // Everyone with their organisation (people belong to at most one): one query
            // gives both the names and each organisation's people to choose from.
            let (everyone, staff) = {
                use crate::db::schema::{affiliations, people};
                use crate::membership::model::Affiliation;
                use diesel::prelude::*;
                let rows: Vec<(Person, Option<Affiliation>)> = people::table
                    .left_join(affiliations::table)
                    .order(people::name)
                    .select((Person::as_select(), Option::<Affiliation>::as_select()))
                    .load(conn)?;
                let mut staff: Staff = Default::default();
                let mut everyone = Vec::with_capacity(rows.len());
                for (person, affiliation) in rows {
                    if let Some(a) = affiliation.filter(|_| manage && person.active) {
                        staff
                            .entry(a.organisation_id)
                            .or_default()
                            .push(person.name.clone());
                    }
                    everyone.push(person);
                }
                (everyone, staff)
            };
            Ok(Loaded {
                staff,
                m,
                manage,
                venue,
                draft,
                published,
                expected,
                recorded,
                quorum,
                guests,
                minutes,
                comments,
                addenda,
                actions,
                group,
                everyone,
            })
        })
        .await?;
    let Loaded {
        m,
        manage,
        venue,
        draft,
        published,
        expected,
        recorded,
        quorum,
        guests,
        minutes: minutes_row,
        comments,
        addenda,
        actions,
        group,
        everyone,
        staff,
    } = data;
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
    let confidential_ok = crate::auth::visibility::sees_confidential(actor.as_ref());
    let view = pages::MeetingView {
        id,
        title: m.title.clone(),
        kind: store::kind_of(&m).label().to_owned(),
        when: when(&m),
        time_zone: m.time_zone.clone(),
        place: place(&m, venue.as_slice()),
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
        may_start_minutes: manage && status == Status::Held,
        status_actions: Status::ALL
            .iter()
            .filter(|s| {
                **s != Status::MinutesApproved
                    && rules::check_transition(status, **s).is_ok()
                    && **s != status
            })
            .map(|s| (s.as_str().to_owned(), s.label().to_owned()))
            .collect(),
        agenda_open: matches!(status, Status::Planned | Status::AgendaPublished),
        draft_unchanged: published.as_ref().is_some_and(|(_, items)| {
            !draft.is_empty()
                && serde_json::to_string(items).ok() == serde_json::to_string(&draft).ok()
        }),
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
                        status: a.map(|a| a.status.clone()).unwrap_or_default(),
                        represented_by: a.map(|a| a.represented_by.clone()).unwrap_or_default(),
                        people: staff.get(&o.id).cloned().unwrap_or_default(),
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
            pages::MinutesView {
                is_approved: x.status == "approved",
                status: match x.status.as_str() {
                    "in_comment" => "open for comments".into(),
                    other => other.to_owned(),
                },
                body_html: markdown::render(&x.body),
                body_source: x.body.clone(),
                // The confidential part is data: shown to those entitled, never to others.
                confidential_html: confidential_ok.then(|| markdown::render(&x.confidential_body)),
                confidential_source: if manage && confidential_ok {
                    x.confidential_body.clone()
                } else {
                    String::new()
                },
                deadline: x.comment_deadline.map(|d| d.to_string()),
                approved: x.approved_at.map(|t| {
                    let note = if x.approval_note.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", x.approval_note)
                    };
                    format!("approved {}{note}", t.format("%Y-%m-%d"))
                }),
                witness: x
                    .approval_audit_seq
                    .zip(x.approval_audit_hash.clone())
                    .map(|(seq, hash)| format!("{seq}:{hash}")),
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
                    .filter(|a| confidential_ok || !a.confidential)
                    .map(|a| {
                        (
                            a.created_at.format("%Y-%m-%d").to_string(),
                            markdown::render(&a.body),
                            a.confidential,
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
                may_mark_done: a.status == "open"
                    && (manage
                        || actor
                            .as_ref()
                            .is_some_and(|x| a.owner_person_id == Some(x.id()))),
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
        refusal: None,
    };
    Ok(view)
}
