//! `Page`: what a handler of a web page needs besides its own input: who is signed in (with
//! their roles), the coalition, the session for CSRF and flash messages.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use roundtable_templates::{Chrome, FlashKind, NavPerson};

use crate::AppState;
use crate::auth::permissions::{self, Actor, Role};
use crate::auth::session;
use crate::coalition;
use crate::error::Error;

pub struct Page {
    pub actor: Option<Actor>,
    /// The coalition's date now, in its time zone.
    pub today: chrono::NaiveDate,
    /// The instant of the request, by the service's clock.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The coalition's settings, read once per request (None until the set-up).
    pub coalition: Option<coalition::Coalition>,
    pub session: Session,
    /// Where the request came from, for the sign-in throttle.
    pub client_address: String,
}

impl Page {
    /// The signed-in person, or a redirect to the sign-in page.
    pub fn actor(&self) -> Result<&Actor, Error> {
        self.actor.as_ref().ok_or(Error::SignInRequired)
    }

    /// The coalition's date now: deadlines, terms and default dates go by it.
    pub fn today(&self) -> chrono::NaiveDate {
        self.today
    }

    /// True until the first-run set-up has created the coalition.
    pub fn setup_needed(&self) -> bool {
        self.coalition.is_none()
    }

    /// The frame of the page; takes the flash messages waiting in the session.
    pub fn chrome(&self) -> Chrome {
        Chrome {
            coalition_name: self
                .coalition
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            person: self.actor.as_ref().map(|a| NavPerson {
                id: a.person.id,
                name: a.person.name.clone(),
                is_admin: a.has(&Role::Administrator),
                is_secretariat: a.has(&Role::Secretariat),
                sees_directory: permissions::may(a, permissions::Action::ViewDirectory),
            }),
            csrf_token: session::csrf_token(&self.session),
            flashes: session::take_flashes(&self.session),
        }
    }

    pub fn flash(&self, kind: FlashKind, message: &str) {
        session::push_flash(&self.session, kind, message);
    }
}

impl FromRequest for Page {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Page, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        // The peer address, not X-Forwarded-For: a header anyone can write must not steer
        // the throttle.
        let client_address = req
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Box::pin(async move {
            let state = state.ok_or_else(|| Error::Internal("app state missing".into()))?;
            let now = state.clock.now();
            let person_id = session::person_id(&session, &state.settings, now);
            let clock = state.clock.clone();
            let crate::actor::Request {
                coalition,
                today,
                actor,
            } = state
                .db(move |conn| crate::actor::resolve_request(conn, person_id, &clock))
                .await?;
            if person_id.is_some() && actor.is_none() {
                // Deactivated or gone since signing in.
                session::sign_out(&session);
            }
            Ok(Page {
                actor,
                today,
                now,
                coalition,
                session,
                client_address,
            })
        })
    }
}
