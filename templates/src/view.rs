//! The plain data the pages are rendered from.

use std::collections::BTreeMap;

/// Messages per form field.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// What every page around its content shows: the coalition, who is signed in, the messages
/// left for them, and the token every form carries.
#[derive(Debug, Clone, Default)]
pub struct Chrome {
    pub coalition_name: String,
    pub person: Option<NavPerson>,
    pub csrf_token: String,
    pub flashes: Vec<Flash>,
    /// The path of the page, so the menu marks where the person is.
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct NavPerson {
    pub id: i64,
    pub name: String,
    pub is_admin: bool,
    pub is_secretariat: bool,
    /// Belongs to a participating organisation (or is the secretariat): sees the directory.
    pub sees_directory: bool,
    /// May file complaints or keeps their register: sees the complaints page.
    pub sees_complaints: bool,
    /// Sees the evaluations page (an external evaluator sees nothing else).
    pub sees_evaluations: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlashKind {
    Success,
    Info,
    Error,
}

#[derive(Debug, Clone)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
}

/// A form as the person filled it in, with the messages that go beside its fields.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    pub values: BTreeMap<String, String>,
    pub errors: FieldErrors,
}

/// The key under which a refusal that belongs to no single field is kept.
pub const WHOLE_FORM: &str = "_form";

/// A form the server refused, shown again on its page: which form (its anchor there), what
/// was typed and why.
#[derive(Debug, Clone, Default)]
pub struct Refusal {
    pub form: String,
    pub state: FormState,
}

impl Refusal {
    /// The state to render the form `form` with: as typed if it was the one refused.
    pub fn state_of(refusal: Option<&Refusal>, form: &str) -> FormState {
        refusal
            .filter(|r| r.form == form)
            .map(|r| r.state.clone())
            .unwrap_or_default()
    }
}

impl FormState {
    /// Starts from these values (what the page suggests), unless the person typed others.
    pub fn or_values(mut self, defaults: &[(&str, &str)]) -> FormState {
        if self.values.is_empty() && self.errors.is_empty() {
            for (k, v) in defaults {
                self.values.insert((*k).to_owned(), (*v).to_owned());
            }
        }
        self
    }

    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or("")
    }

    /// The field that takes the focus when the form comes back: the first (by name) with a
    /// message.
    pub fn first_invalid(&self) -> Option<&str> {
        self.errors
            .iter()
            .find(|(k, v)| k.as_str() != WHOLE_FORM && !v.is_empty())
            .map(|(k, _)| k.as_str())
    }

    pub fn errors(&self, field: &str) -> &[String] {
        self.errors.get(field).map(Vec::as_slice).unwrap_or(&[])
    }
}
