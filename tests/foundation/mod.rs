//! The foundation: set-up, sign-in, sessions, CSRF, API tokens, headers, audit, schema.

mod api_tokens;
mod audit_chain;
mod audit_page;
mod busy;
mod clean_data;
mod hostile;
mod http;
mod instances;
mod process;
mod properties;
mod schema;
mod security;
mod sessions;
mod setup;
mod sign_in;
