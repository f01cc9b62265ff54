//! The calendar page and the .ics feeds (with ETag and If-None-Match).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Datelike, Duration, NaiveDate};
use maud::Markup;
use roundtable_templates::pages::meetings::calendar as pages;

use super::{place, when};
use crate::AppState;
use crate::auth::permissions::{self, Action};
use crate::error::Error;
use crate::meetings::{dates, feeds, rules, store};
use crate::web::context::Page;
use crate::web::{http, see_other};
use roundtable_templates::FlashKind;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/meetings", web::get().to(calendar))
        .route("/meetings/past", web::get().to(past))
        .route("/calendar/public.ics", web::get().to(public_feed))
        .route("/calendar/feed", web::post().to(renew_feed))
        .route("/calendar/feed/{token}.ics", web::get().to(person_feed))
        .route(
            "/calendar/feed/{token}/groups/{group}.ics",
            web::get().to(group_feed),
        )
        .route("/meetings/{id}.ics", web::get().to(meeting_ics));
}

#[derive(serde::Deserialize)]
struct MonthQuery {
    month: Option<String>,
}

async fn calendar(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<MonthQuery>,
) -> Result<Markup, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ViewDirectory)?;
    let today = page.today();
    let first = query
        .month
        .as_deref()
        .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today));
    let grid_start = first - Duration::days(i64::from(first.weekday().num_days_from_monday()));
    let grid_end = grid_start + Duration::days(42);
    let person = actor.id();
    let (upcoming, month, venues, blocked, has_feed) = state
        .db(move |conn| {
            let now = crate::db::now();
            let upcoming =
                store::between(conn, now - Duration::hours(12), now + Duration::days(400))?;
            let month = store::between(
                conn,
                grid_start.and_time(chrono::NaiveTime::MIN) - Duration::days(1),
                grid_end.and_time(chrono::NaiveTime::MIN) + Duration::days(1),
            )?;
            let venues = store::venues(conn)?;
            let mut blocked = std::collections::HashMap::new();
            for year in [grid_start.year(), grid_end.year()] {
                let (_, labels) = dates::blocked_for_year(conn, year)?;
                blocked.extend(labels);
            }
            Ok((
                upcoming,
                month,
                venues,
                blocked,
                feeds::has_feed(conn, person)?,
            ))
        })
        .await?;
    let visible = |m: &&crate::meetings::model::Meeting| store::may_see(Some(&actor), m);
    let weeks = (0..6)
        .map(|w| {
            (0..7)
                .map(|d| {
                    let day = grid_start + Duration::days(w * 7 + d);
                    pages::MonthDay {
                        day: day.day(),
                        in_month: day.month() == first.month(),
                        today: day == today,
                        blocked: blocked.get(&day).cloned(),
                        meetings: month
                            .iter()
                            .filter(visible)
                            .filter(|m| rules::local(m.starts_at, store::zone_of(m)).date() == day)
                            .map(|m| pages::MonthEvent {
                                id: m.id,
                                title: m.title.clone(),
                                state: match store::status_of(m) {
                                    rules::Status::Cancelled => pages::EventState::Cancelled,
                                    rules::Status::Held | rules::Status::MinutesApproved => {
                                        pages::EventState::Held
                                    }
                                    _ => pages::EventState::Planned,
                                },
                            })
                            .collect(),
                    }
                })
                .collect()
        })
        .collect();
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    let previous = first
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(first);
    let view = pages::CalendarView {
        upcoming: upcoming
            .iter()
            .filter(visible)
            .map(|m| row(m, &venues))
            .collect(),
        month_label: first.format("%B %Y").to_string(),
        previous_month: format!("/meetings?month={}", previous.format("%Y-%m")),
        next_month: format!("/meetings?month={}", next.format("%Y-%m")),
        weeks,
        can_plan: permissions::may(&actor, Action::ManageMeetings),
        can_create: permissions::may(&actor, Action::ManageMeetings)
            || actor
                .roles
                .iter()
                .any(|r| matches!(r, crate::auth::Role::Convenor { .. })),
        feed_url: None,
        has_feed,
        public_feed_url: format!("{}/calendar/public.ics", state.settings.base_url),
    };
    Ok(pages::calendar(&page.chrome(), &view))
}

/// A meeting as a line of a list: when, what, where, and its state.
fn row(
    m: &crate::meetings::model::Meeting,
    venues: &[crate::meetings::model::Venue],
) -> pages::MeetingRow {
    pages::MeetingRow {
        id: m.id,
        title: m.title.clone(),
        kind: store::kind_of(m).label().to_owned(),
        when: when(m),
        place: place(m, venues),
        status: store::status_of(m).label().to_owned(),
        status_key: match store::status_of(m) {
            rules::Status::Cancelled => "declined".into(),
            rules::Status::Planned => "due".into(),
            _ => "full".into(),
        },
    }
}

/// Past meetings per page of the list.
const PAST_PER_PAGE: i64 = 50;

#[derive(serde::Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

/// Every meeting that has taken place (or was cancelled), newest first, a page at a time:
/// what an evaluator or a new representative looks for without paging month by month.
async fn past(
    page: Page,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<Markup, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ViewDirectory)?;
    let number = query.page.unwrap_or(1).max(1);
    let (meetings, total, venues) = state
        .db(move |conn| {
            let offset = (number - 1).saturating_mul(PAST_PER_PAGE);
            let (meetings, total) =
                store::past_page(conn, crate::db::now(), PAST_PER_PAGE, offset)?;
            Ok((meetings, total, store::venues(conn)?))
        })
        .await?;
    let pages_in_all = ((total + PAST_PER_PAGE - 1) / PAST_PER_PAGE).max(1);
    let view = pages::PastView {
        meetings: meetings
            .iter()
            .filter(|m| store::may_see(Some(&actor), m))
            .map(|m| row(m, &venues))
            .collect(),
        total,
        page: number,
        pages: pages_in_all,
    };
    Ok(pages::past(&page.chrome(), &view))
}

async fn renew_feed(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let actor = page.actor()?.clone();
    permissions::require(&actor, Action::ViewDirectory)?;
    let person = actor.id();
    // Nothing here can be refused: the person asks for their own feed.
    let (token, groups) = state
        .db(move |conn| {
            let token = feeds::renew_feed_token(conn, person)?;
            let mine = feeds::groups_of_person(conn, person)?;
            let groups: Vec<(i64, String)> = crate::membership::groups::list(conn)?
                .into_iter()
                .filter(|g| mine.contains(&g.id))
                .map(|g| (g.id, g.name))
                .collect();
            Ok((token, groups))
        })
        .await?;
    let base = &state.settings.base_url;
    // The link is shown once (only its hash is kept): the group feeds, which share its
    // token, are shown with it.
    let mut message = format!(
        "Your calendar feed: {base}/calendar/feed/{token}.ics (keep it to yourself; it works until you make a new one)"
    );
    for (id, name) in groups {
        message.push_str(&format!(
            ". Only {name}: {base}/calendar/feed/{token}/groups/{id}.ics"
        ));
    }
    page.flash(FlashKind::Success, &message);
    Ok(see_other("/meetings"))
}

/// A calendar with its validators (ETag, Last-Modified); 304 when the client has it already.
/// The 304 carries the same validators and Cache-Control as the full answer.
fn ics(req: &HttpRequest, feed: feeds::Feed, filename: &str) -> HttpResponse {
    let tag = feeds::etag(&feed.body);
    let unchanged = http::not_modified(req, &tag, feed.modified);
    let mut answer = if unchanged {
        HttpResponse::build(StatusCode::NOT_MODIFIED)
    } else {
        HttpResponse::Ok()
    };
    answer
        .insert_header((header::ETAG, tag))
        .insert_header((header::CACHE_CONTROL, "private, max-age=300"));
    if let Some(modified) = feed.modified {
        answer.insert_header((header::LAST_MODIFIED, http::http_date(modified)));
    }
    if unchanged {
        return answer.finish();
    }
    answer
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{filename}\""),
        ))
        .body(feed.body)
}

async fn public_feed(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, Error> {
    let base = state.settings.base_url.clone();
    let body = state
        .db(move |conn| feeds::public_feed(conn, &base))
        .await?;
    Ok(ics(&req, body, "public.ics"))
}

/// Whose feed this is, asked again on every fetch: a feed serves only someone who may see the
/// calendar today. Whoever lost that standing (withdrawn, deactivated, no longer a member)
/// gets 404, as for a feed that never existed.
fn feed_reader(
    conn: &mut crate::db::DbConn,
    token: &str,
) -> Result<crate::auth::model::Person, Error> {
    let person = feeds::feed_owner(conn, token)?.ok_or(Error::NotFound)?;
    let reader = crate::actor::actor_for(conn, person)?;
    if !permissions::may(&reader, Action::ViewDirectory) {
        return Err(Error::NotFound);
    }
    Ok(reader.person)
}

async fn person_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, Error> {
    let token = token.into_inner();
    let base = state.settings.base_url.clone();
    let body = state
        .db(move |conn| {
            let person = feed_reader(conn, &token)?;
            feeds::person_feed(conn, &person, &base)
        })
        .await?;
    Ok(ics(&req, body, "roundtable.ics"))
}

async fn group_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, Error> {
    let (token, group) = path.into_inner();
    let base = state.settings.base_url.clone();
    let body = state
        .db(move |conn| {
            let person = feed_reader(conn, &token)?;
            if !feeds::groups_of_person(conn, person.id)?.contains(&group) {
                return Err(Error::NotFound);
            }
            feeds::group_feed(conn, group, &base)
        })
        .await?;
    Ok(ics(&req, body, "group.ics"))
}

async fn meeting_ics(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Error> {
    let id = id.into_inner();
    let base = state.settings.base_url.clone();
    let actor = page.actor.clone();
    let body = state
        .db(move |conn| {
            let m = store::get(conn, id)?;
            if !store::may_see(actor.as_ref(), &m) {
                return Err(if actor.is_some() {
                    Error::Forbidden
                } else {
                    Error::SignInRequired
                });
            }
            feeds::meeting_ics(conn, &m, &base)
        })
        .await?;
    Ok(ics(&req, body, &format!("meeting-{id}.ics")))
}
