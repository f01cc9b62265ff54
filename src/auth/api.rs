//! The JSON API's authentication (`Authorization: Bearer TOKEN`) and the `/api/v1/me` answer.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use serde::Serialize;

use super::permissions::{self, Action, Actor};
use super::tokens;
use crate::AppState;
use crate::error::{ApiError, Error};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/me", web::get().to(me));
}

/// The person a bearer token belongs to. The API never looks at cookies.
pub struct ApiActor(pub Actor);

impl FromRequest for ApiActor {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<ApiActor, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = req
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        let trusted = state
            .as_ref()
            .map(|s| s.settings.trusted_proxies.as_slice())
            .unwrap_or_default();
        let address = crate::web::client::of_request(req, trusted);
        Box::pin(async move {
            let state = state.ok_or_else(|| Error::Internal("app state missing".into()))?;
            let token = token.ok_or(Error::SignInRequired)?;
            let clock = state.clock.clone();
            let actor = state
                .db(
                    move |conn| match tokens::authenticate_api_token(conn, &token, &address)? {
                        Some(person) => {
                            let today = crate::coalition::today_by(conn, &clock)?;
                            crate::actor::resolve(conn, person.id, today)
                        }
                        None => Ok(None),
                    },
                )
                .await?;
            actor.map(ApiActor).ok_or(ApiError(Error::SignInRequired))
        })
    }
}

#[derive(Serialize)]
struct Me {
    id: i64,
    name: String,
    email: String,
    roles: Vec<String>,
}

async fn me(ApiActor(actor): ApiActor) -> Result<HttpResponse, ApiError> {
    permissions::require(&actor, Action::UseOwnAccount)?;
    Ok(HttpResponse::Ok().json(Me {
        id: actor.person.id,
        name: actor.person.name.clone(),
        email: actor.person.email.clone(),
        roles: actor
            .roles
            .iter()
            .map(|r| format!("{r:?}").to_lowercase())
            .collect(),
    }))
}
