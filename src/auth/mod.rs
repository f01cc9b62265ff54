//! People's sign-in, sessions, CSRF, API tokens, roles and permissions.

pub mod api;
pub mod csrf;
pub mod email;
pub mod model;
pub mod notices;
pub mod password;
pub mod permissions;
pub mod session;
pub mod sessions;
pub mod store;
pub mod throttle;
pub mod tokens;
pub mod visibility;
pub mod web;

pub use permissions::{Action, Actor, Role};
