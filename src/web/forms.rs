//! Forms that come back with each message beside its field and the person's input kept.

use std::future::Future;

use actix_web::HttpResponse;
use roundtable_templates::{FieldErrors, FlashKind, FormState, Refusal, WHOLE_FORM};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationErrors};

use super::context::Page;
use crate::error::Error;

/// The messages of a failed validation, per field.
pub fn field_errors(errors: &ValidationErrors) -> FieldErrors {
    crate::fields::messages(errors)
}

/// An irreversible action's form must come with its confirmation box ticked
/// (`components::irreversible_form`); refused beside the box otherwise, before anything is
/// changed.
pub fn confirmed(confirm: Option<&str>) -> Result<(), Error> {
    match confirm {
        Some("on" | "yes" | "true") => Ok(()),
        _ => Err(Error::field(
            roundtable_templates::components::CONFIRM_FIELD,
            "tick the box to confirm: this cannot be undone",
        )),
    }
}

/// The values as the person typed them: every form struct is flat, its fields strings.
pub fn values_of<T: Serialize>(form: &T) -> std::collections::BTreeMap<String, String> {
    match serde_json::to_value(form) {
        Ok(serde_json::Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                serde_json::Value::Null => None,
                other => Some((k, other.to_string())),
            })
            .collect(),
        _ => Default::default(),
    }
}

/// Validates a form; on failure gives back the state to render it again.
pub fn check<T: Validate + Serialize>(form: &T) -> Result<(), FormState> {
    form.validate().map_err(|e| FormState {
        values: values_of(form),
        errors: field_errors(&e),
    })
}

/// The form as typed, with one message on one field (a rule the service checked).
pub fn with_error<T: Serialize>(form: &T, field: &str, message: String) -> FormState {
    let mut errors = FieldErrors::new();
    errors.insert(field.to_owned(), vec![message]);
    FormState {
        values: values_of(form),
        errors,
    }
}

/// The form `form_key` as the person sent it, with the service's refusal beside its field
/// (or above the form when it concerns no single field). `None` when the error is not a
/// refusal the person can act on: that is answered as an error page.
pub fn refusal<T: Serialize>(form_key: &str, form: &T, error: &Error) -> Option<Refusal> {
    let errors = match error {
        Error::InvalidFields(fields) => fields
            .iter()
            .map(|(field, messages)| {
                let messages = messages.iter().map(|m| super::capitalise(m)).collect();
                (field.clone(), messages)
            })
            .collect(),
        // A limit reached (too many comments in an hour) keeps what was typed too.
        Error::Invalid(message) | Error::Conflict(message) | Error::Throttled(message) => {
            FieldErrors::from([(WHOLE_FORM.to_owned(), vec![super::capitalise(message)])])
        }
        _ => return None,
    };
    Some(Refusal {
        form: form_key.to_owned(),
        state: FormState {
            values: values_of(form),
            errors,
        },
    })
}

/// A page that is one form (the meeting form, the organisation form), refused: the state to
/// render it with (as typed, field messages beside their fields) and the message that goes
/// above it. `None` when the error is not a refusal.
pub fn refused_form<T: Serialize>(form: &T, error: &Error) -> Option<(FormState, Option<String>)> {
    let mut kept = refusal("form", form, error)?.state;
    let problem = kept.errors.remove(WHOLE_FORM).map(|m| m.join(" "));
    Some((kept, problem))
}

/// A form sent from a page: which one (its anchor on the page), as typed, and where the
/// page opens when the service agreed.
pub struct Sent<'a, T: Serialize> {
    pub form_key: &'a str,
    pub form: &'a T,
    /// The page, with the anchor to open it at.
    pub back: String,
    pub success: &'a str,
}

/// The one shape of a form's answer. Agreed: back to the page with a message (a redirect, so
/// reloading posts nothing again). Refused for its content: `again` shows the page with the
/// form as typed and the reason beside its field (422). Anything else is an error page.
pub async fn answer<T, R, Fut>(
    page: &Page,
    sent: Sent<'_, T>,
    result: Result<R, Error>,
    again: impl FnOnce(Refusal) -> Fut,
) -> Result<HttpResponse, Error>
where
    T: Serialize,
    Fut: Future<Output = Result<HttpResponse, Error>>,
{
    match result {
        Ok(_) => {
            page.flash(FlashKind::Success, sent.success);
            Ok(super::see_other(&sent.back))
        }
        Err(e) => match refusal(sent.form_key, sent.form, &e) {
            Some(refused) => again(refused).await,
            None => Err(e),
        },
    }
}

/// The form of a single button: nothing typed, only the refusal to show beside it.
#[derive(Serialize)]
pub struct NoFields {}

/// A new password, typed twice (set-up, invitation, reset).
#[derive(Debug, Deserialize, Serialize, Validate)]
pub struct NewPasswordForm {
    #[serde(skip_serializing)]
    #[validate(custom(function = "crate::auth::password::validate"))]
    pub password: String,
    #[serde(skip_serializing)]
    #[validate(must_match(other = "password", message = "the two passwords differ"))]
    pub password_confirm: String,
}
