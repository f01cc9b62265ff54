//! Row structs of the outbox.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{outbox_deliveries, outbox_messages};

/// Every state a delivery can be in (the table's CHECK), in the order of its life.
pub const DELIVERY_STATUSES: [&str; 4] = ["queued", "sending", "sent", "failed"];

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = outbox_messages)]
pub struct OutboxMessage {
    pub id: i64,
    pub kind: String,
    pub essential: bool,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub calendar: Option<String>,
    pub calendar_method: Option<String>,
    pub list_id: String,
    pub auto_submitted: bool,
    pub meeting_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = outbox_deliveries)]
pub struct Delivery {
    pub id: i64,
    pub message_id: i64,
    pub recipient_name: String,
    pub recipient_email: String,
    pub person_id: Option<i64>,
    /// The left part of the Message-ID, fixed when queued so a retried send is the same message.
    pub message_id_header: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub lease_until: Option<NaiveDateTime>,
    pub leased_by: Option<String>,
    pub last_error: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}
