//! What a person types into a form or a client sends as JSON, before it is understood.
//!
//! Each capability's `input` module declares one `*Fields` type per thing that can be sent
//! both ways (a position on a statement, a new meeting, an organisation...). The web form and
//! the JSON API deserialize the same type, check it with the same `validator` rules and parse
//! it with the same code into the typed input its service takes; a refusal names the field
//! on both channels (beside the field on the page, in `error.fields` in JSON). Every field is
//! kept as text so that a refused form can be shown again exactly as it was typed.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{Error, FieldErrors};

/// Deserializes any scalar as text: a form sends `"12"` and `"on"`, a JSON client `12` and
/// `true`; `null` is empty.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    struct AnyScalar;

    impl<'de> Visitor<'de> for AnyScalar {
        type Value = String;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("text, a number, true or false")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_unit<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            d.deserialize_any(AnyScalar)
        }
    }

    deserializer.deserialize_any(AnyScalar)
}

/// A ticked checkbox ("on" from a form) or `true` from JSON.
pub fn ticked(value: &str) -> bool {
    matches!(value.trim(), "on" | "true" | "yes" | "1")
}

/// The messages of a failed validation, per field.
pub fn messages(errors: &ValidationErrors) -> FieldErrors {
    errors
        .errors()
        .iter()
        .filter_map(|(field, kind)| match kind {
            ValidationErrorsKind::Field(list) => Some((
                field.to_string(),
                list.iter()
                    .map(|e| match &e.message {
                        Some(m) => m.to_string(),
                        None => format!("this value is not accepted ({})", e.code),
                    })
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The years a coalition's records live in: a date or year outside them is a slip of the
/// keyboard (0001-01-01, 99999), refused with a message instead of stored.
pub const YEARS: std::ops::RangeInclusive<i32> = 1990..=2100;

/// `Ok` when `year` is one a record can carry; else the message for the field `what`.
pub fn plausible_year(year: i32, what: &str) -> Result<(), String> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(format!(
            "{what}: {year} is not a year these records can carry ({} to {})",
            YEARS.start(),
            YEARS.end()
        ))
    }
}

/// The problems found while parsing one `*Fields` value, gathered so that every field's
/// message is reported at once.
#[derive(Debug, Default)]
pub struct Problems(FieldErrors);

impl Problems {
    /// Starts with what the type's `validator` rules say.
    pub fn of<T: Validate>(fields: &T) -> Problems {
        match fields.validate() {
            Ok(()) => Problems::default(),
            Err(e) => Problems(messages(&e)),
        }
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    /// The value if there is one, else `message` beside `field`.
    pub fn need<V>(&mut self, field: &str, value: Option<V>, message: &str) -> Option<V> {
        if value.is_none() {
            self.add(field, message);
        }
        value
    }

    /// The value if it parsed, else the parser's message beside `field`.
    pub fn take<V>(&mut self, field: &str, value: Result<V, String>) -> Option<V> {
        match value {
            Ok(v) => Some(v),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    /// A whole number (an id chosen from a list, a count), empty allowed as `None`.
    pub fn optional_id(&mut self, field: &str, value: &str, message: &str) -> Option<i64> {
        match value.trim() {
            "" => None,
            v => self.need(field, v.parse().ok(), message),
        }
    }

    /// A date as forms send it (YYYY-MM-DD).
    pub fn date(&mut self, field: &str, value: &str, what: &str) -> Option<chrono::NaiveDate> {
        let parsed = chrono::NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
            .map_err(|_| format!("{what}: {value:?} is not a date (YYYY-MM-DD)"));
        self.take(field, parsed)
    }

    /// `value` when nothing was found wrong, else every message found.
    pub fn finish<V>(self, value: Option<V>) -> Result<V, Error> {
        match value {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(self.into_error()),
        }
    }

    fn into_error(self) -> Error {
        if self.0.is_empty() {
            // A value missing without a message would be a parser's mistake: say so plainly.
            return Error::Invalid("some fields need attention".into());
        }
        Error::InvalidFields(self.0)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct Sent {
        #[serde(default, deserialize_with = "text")]
        id: String,
        #[serde(default, deserialize_with = "text")]
        flag: String,
    }

    #[test]
    fn a_form_and_a_json_client_send_the_same_text() {
        let form: Sent = serde_urlencoded::from_str("id=12&flag=on").expect("form");
        let json: Sent = serde_json::from_str(r#"{"id": 12, "flag": true}"#).expect("json");
        assert_eq!((form.id.as_str(), ticked(&form.flag)), ("12", true));
        assert_eq!((json.id.as_str(), ticked(&json.flag)), ("12", true));
        let empty: Sent = serde_json::from_str(r#"{"id": null}"#).expect("json");
        assert_eq!((empty.id.as_str(), ticked(&empty.flag)), ("", false));
    }

    #[test]
    fn every_problem_is_reported_beside_its_field() {
        let mut p = Problems::default();
        let id = p.optional_id("organisation_id", "seven", "choose an organisation");
        let day = p.date("day", "2026-02-30", "day");
        let none: Result<(), Error> = p.finish(id.zip(day).map(|_| ()));
        match none {
            Err(Error::InvalidFields(f)) => {
                assert_eq!(f.keys().collect::<Vec<_>>(), ["day", "organisation_id"]);
            }
            other => panic!("expected field errors, got {other:?}"),
        }
        let ok = Problems::default().finish(Some(3));
        assert_eq!(ok.expect("nothing wrong"), 3);
    }
}
