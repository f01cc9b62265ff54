//! Something waiting for a person, as the dashboard's "What needs you" lists it. Each
//! capability says what it asks of a person in its own `tasks.rs`.

pub struct Task {
    pub title: String,
    pub detail: String,
    pub href: String,
}
