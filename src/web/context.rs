//! `Page`: what a handler of a web page needs besides its own input: who is signed in (with
//! their roles), the coalition, the session for CSRF and flash messages.

use std::future::Future;
use std::pin::Pin;

use actix_session::{Session, SessionExt};
use actix_web::{FromRequest, HttpMessage, HttpRequest, dev::Payload, web};
use roundtable_templates::{Chrome, FlashKind, NavPerson};

use crate::AppState;
use crate::auth::permissions::{self, Actor, Role};
use crate::auth::{session, sessions};
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
    /// The server session the person is signed in with (its id, to mark "this browser").
    pub server_session: Option<i64>,
    /// Where the request came from, for the sign-in throttle and the list of sessions.
    pub client_address: String,
    /// The browser's own description, for the list of sessions.
    pub user_agent: String,
    /// The path asked for, so the menu marks where the person is.
    pub path: String,
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
        self.chrome_with(session::csrf_token)
    }

    fn chrome_with(&self, token: impl FnOnce(&Session) -> String) -> Chrome {
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
                sees_complaints: crate::complaints::web::sees_page(a),
                sees_evaluations: crate::evaluations::web::sees_page(a),
            }),
            csrf_token: token(&self.session),
            flashes: session::take_flashes(&self.session),
            path: self.path.clone(),
        }
    }

    /// The frame of a page that has no form of its own (the public statements): a visitor
    /// nobody signed in gets no CSRF token, so no cookie, and the page is the same for every
    /// such visitor (kept once: `web::cache`). A signed-in person's sign-out form still
    /// carries theirs.
    pub fn chrome_without_forms(&self) -> Chrome {
        self.chrome_with(|session| match self.actor {
            Some(_) => session::csrf_token(session),
            None => session::expected_csrf_token(session).unwrap_or_default(),
        })
    }

    pub fn flash(&self, kind: FlashKind, message: &str) {
        session::push_flash(&self.session, kind, message);
    }

    /// Signs `person_id` in in this browser: a new server session, its id in a renewed
    /// cookie.
    pub async fn sign_in(&self, state: &AppState, person_id: i64) -> Result<(), Error> {
        let (agent, address, now) = (
            self.user_agent.clone(),
            self.client_address.clone(),
            self.now.naive_utc(),
        );
        let id = state
            .db(move |conn| sessions::start(conn, person_id, &agent, &address, now))
            .await?;
        session::sign_in(&self.session, &id)
    }

    /// Ends this browser's session, on the server and in the cookie.
    pub async fn sign_out(&self, state: &AppState) -> Result<(), Error> {
        if let Some(id) = session::session_id(&self.session) {
            state
                .db(move |conn| sessions::end(conn, &id, sessions::SIGNED_OUT))
                .await?;
        }
        session::sign_out(&self.session);
        Ok(())
    }
}

impl FromRequest for Page {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Page, Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let session = req.get_session();
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let trusted = state
            .as_ref()
            .map(|s| s.settings.trusted_proxies.as_slice())
            .unwrap_or_default();
        let client_address = crate::web::client::of_request(req, trusted);
        let path = req.path().to_owned();
        let request = req.clone();
        let user_agent = req
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        Box::pin(async move {
            let state = state.ok_or_else(|| Error::Internal("app state missing".into()))?;
            let now = state.clock.now();
            let hash = session::session_id(&session).map(|id| crate::secret::hash_token(&id));
            let clock = state.clock.clone();
            let asked = hash.clone();
            let crate::actor::Request {
                coalition,
                today,
                actor,
                session: server_session,
            } = state
                .db(move |conn| crate::actor::resolve_request(conn, asked.as_deref(), &clock))
                .await?;
            let limits = sessions::Limits {
                idle: state.settings.session_idle,
                max: state.settings.session_max,
            };
            let live = server_session.filter(|s| sessions::is_live(s, now.naive_utc(), limits));
            if let Some(s) = &live {
                // How long a page rendered for this session may be answered again from memory.
                request
                    .extensions_mut()
                    .insert(crate::web::cache::SessionLiveUntil(sessions::live_until(
                        s, limits,
                    )));
            }
            let actor = actor.filter(|_| live.is_some());
            if hash.is_some() && actor.is_none() {
                // Ended (signed out elsewhere, a password change), past its limits, or the
                // person deactivated: this browser is signed out too.
                session::sign_out(&session);
                session::push_flash(
                    &session,
                    FlashKind::Info,
                    "Your session has ended. Please sign in again.",
                );
            }
            if let Some(s) = live
                .as_ref()
                .filter(|s| sessions::needs_touch(s, now.naive_utc()))
            {
                // Not awaited: the page never waits for this write (nor for a writer holding
                // the database), and a lost "last seen" costs nothing.
                let (pool, id, at) = (state.pool.clone(), s.id, now.naive_utc());
                actix_web::rt::task::spawn_blocking(move || {
                    if let Ok(mut conn) = pool.get() {
                        let _ = sessions::touch(&mut conn, id, at);
                    }
                });
            }
            Ok(Page {
                actor,
                today,
                now,
                coalition,
                session,
                server_session: live.map(|s| s.id),
                client_address,
                user_agent,
                path,
            })
        })
    }
}
