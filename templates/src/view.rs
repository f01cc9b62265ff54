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
}

#[derive(Debug, Clone)]
pub struct NavPerson {
    pub id: i64,
    pub name: String,
    pub is_admin: bool,
    pub is_secretariat: bool,
    /// Belongs to a participating organisation (or is the secretariat): sees the directory.
    pub sees_directory: bool,
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

impl FormState {
    pub fn value(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or("")
    }

    pub fn errors(&self, field: &str) -> &[String] {
        self.errors.get(field).map(Vec::as_slice).unwrap_or(&[])
    }
}
