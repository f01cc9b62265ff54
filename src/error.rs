//! One error type for the whole service. Each variant has its HTTP status; the message a person
//! sees is separate from the detail that goes to the log.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, http::header};

/// Messages per form field, as `validator` reports them.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("you need to sign in first")]
    SignInRequired,
    #[error("you are not allowed to do this")]
    Forbidden,
    /// Refused by a permission: the reason names who may (see `Action::for_whom`).
    #[error("this is for {0}")]
    NotFor(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("{}", first_message(.0))]
    InvalidFields(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Throttled(String),
    /// A body over its limit; the message says the limit.
    #[error("too large: {0}")]
    TooLarge(String),
    #[error("the form has expired or did not come from this site; reload the page and try again")]
    Csrf,
    #[error("configuration: {0}")]
    Config(String),
    #[error("the database is busy; try again in a moment")]
    PoolExhausted(#[source] diesel::r2d2::PoolError),
    /// Another writer held the database longer than the busy timeout (SQLite), or a lock or
    /// serialization conflict (PostgreSQL): nothing was changed, trying again will do.
    #[error("the database is busy; nothing was changed, try again in a moment")]
    Busy(#[source] diesel::result::Error),
    #[error("database error")]
    Database(#[source] diesel::result::Error),
    #[error("internal error")]
    Internal(String),
}

/// The first field's message, for channels that show one line (flash, CLI, JSON `message`).
fn first_message(errors: &FieldErrors) -> String {
    errors
        .values()
        .flatten()
        .next()
        .cloned()
        .unwrap_or_else(|| "some fields need attention".into())
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as D};
        match e {
            D::NotFound => Error::NotFound,
            // A race that reached a constraint: tell the person what collided, not "500".
            D::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                Error::Conflict(format!("this already exists ({})", info.message()))
            }
            // Every constraint is a 4xx: the services check first, so reaching one means a
            // race or a hole in a check, and the person still gets an answer, not a 500.
            D::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Error::Invalid("this refers to something that does not exist (any more)".into())
            }
            D::DatabaseError(
                DatabaseErrorKind::CheckViolation | DatabaseErrorKind::NotNullViolation,
                _,
            ) => Error::Invalid("a value is missing or outside what is allowed".into()),
            D::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => Error::Busy(e),
            // SQLite reports SQLITE_BUSY, and PostgreSQL its lock timeout, only as a message;
            // diesel has no kind for them.
            D::DatabaseError(_, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("database table is locked")
                    || info.message().contains("lock timeout") =>
            {
                Error::Busy(e)
            }
            other => Error::Database(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for Error {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Error::PoolExhausted(e)
    }
}

impl From<actix_web::error::BlockingError> for Error {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Error::Internal(format!("blocking task failed: {e}"))
    }
}

impl Error {
    /// A refusal that belongs beside one field of the form that was sent.
    pub fn field(field: &str, message: impl Into<String>) -> Error {
        let mut errors = FieldErrors::new();
        errors.insert(field.to_owned(), vec![message.into()]);
        Error::InvalidFields(errors)
    }

    /// Refused because of who asks (not because of what they sent).
    pub fn is_forbidden(&self) -> bool {
        matches!(self, Error::Forbidden | Error::NotFor(_))
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::SignInRequired => StatusCode::UNAUTHORIZED,
            Error::Forbidden | Error::NotFor(_) | Error::Csrf => StatusCode::FORBIDDEN,
            Error::Invalid(_) | Error::InvalidFields(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::PoolExhausted(_) | Error::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Config(_) | Error::Database(_) | Error::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// A short machine-readable name, for the JSON API.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound => "not_found",
            Error::SignInRequired => "unauthenticated",
            Error::Forbidden | Error::NotFor(_) => "forbidden",
            Error::Invalid(_) | Error::InvalidFields(_) => "invalid",
            Error::Conflict(_) => "conflict",
            Error::Throttled(_) => "throttled",
            Error::TooLarge(_) => "too_large",
            Error::Csrf => "csrf",
            Error::PoolExhausted(_) | Error::Busy(_) => "unavailable",
            Error::Config(_) | Error::Database(_) | Error::Internal(_) => "internal",
        }
    }

    /// The exit code of a command-line run that ends in this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) => 78,
            Error::Invalid(_) | Error::InvalidFields(_) | Error::Conflict(_) => 65,
            Error::NotFound => 66,
            Error::PoolExhausted(_) | Error::Busy(_) => 75,
            _ => 70,
        }
    }

    /// A busy database says when to come back.
    fn retry_after(&self, answer: &mut actix_web::HttpResponseBuilder) {
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            answer.insert_header((header::RETRY_AFTER, "2"));
        }
    }

    fn log(&self) {
        match self {
            Error::Database(e) => tracing::error!("database error: {e}"),
            Error::Internal(detail) => tracing::error!("internal error: {detail}"),
            Error::Config(detail) => tracing::error!("configuration error: {detail}"),
            Error::PoolExhausted(e) => tracing::warn!("database pool: {e}"),
            Error::Busy(e) => tracing::warn!("database busy: {e}"),
            _ => {}
        }
    }
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    /// Pages get the error in the site's layout; a visitor who must sign in is sent there.
    fn error_response(&self) -> HttpResponse {
        self.log();
        if let Error::SignInRequired = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/login"))
                .finish();
        }
        let page = roundtable_templates::pages::errors::error_page(
            self.status().as_u16(),
            &self.to_string(),
        );
        let mut answer = HttpResponse::build(self.status());
        self.retry_after(&mut answer);
        answer
            .content_type("text/html; charset=utf-8")
            .body(page.into_string())
    }
}

/// The same errors, answered as JSON: what the `/api/v1` handlers return.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub Error);

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log();
        let fields = match &self.0 {
            Error::InvalidFields(f) => Some(f),
            _ => None,
        };
        let mut answer = HttpResponse::build(self.0.status());
        self.0.retry_after(&mut answer);
        answer.json(serde_json::json!({
            "error": { "code": self.0.code(), "message": self.0.to_string(), "fields": fields }
        }))
    }
}

#[cfg(test)]
mod constraint_tests {
    use super::*;
    use diesel::result::{DatabaseErrorInformation, DatabaseErrorKind, Error as D};

    struct Info;
    impl DatabaseErrorInformation for Info {
        fn message(&self) -> &str {
            "constraint failed"
        }
        fn details(&self) -> Option<&str> {
            None
        }
        fn hint(&self) -> Option<&str> {
            None
        }
        fn table_name(&self) -> Option<&str> {
            None
        }
        fn column_name(&self) -> Option<&str> {
            None
        }
        fn constraint_name(&self) -> Option<&str> {
            None
        }
        fn statement_position(&self) -> Option<i32> {
            None
        }
    }

    #[test]
    fn every_constraint_is_a_client_error() {
        for kind in [
            DatabaseErrorKind::UniqueViolation,
            DatabaseErrorKind::ForeignKeyViolation,
            DatabaseErrorKind::CheckViolation,
            DatabaseErrorKind::NotNullViolation,
        ] {
            let error = Error::from(D::DatabaseError(kind, Box::new(Info)));
            assert!(error.status().is_client_error(), "{kind:?}: {error:?}");
        }
    }
}
