-- The mail outbox: a message and one delivery per recipient, written in the same transaction
-- as the change that causes them; a worker delivers them under a lease.

CREATE TABLE mail_preferences (
    person_id BIGINT PRIMARY KEY REFERENCES people (id),
    essential_only BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE outbox_messages (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    essential BOOLEAN NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    calendar TEXT,
    calendar_method TEXT CHECK (calendar_method IN ('REQUEST', 'CANCEL')),
    list_id TEXT NOT NULL,
    auto_submitted BOOLEAN NOT NULL,
    meeting_id BIGINT REFERENCES meetings (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE outbox_deliveries (
    id BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL REFERENCES outbox_messages (id),
    recipient_name TEXT NOT NULL,
    recipient_email TEXT NOT NULL,
    person_id BIGINT REFERENCES people (id),
    message_id_header TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    lease_until TIMESTAMP,
    leased_by TEXT,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_deliveries_due ON outbox_deliveries (status, next_attempt_at);

-- Reminders already sent, so each goes out once.
CREATE TABLE mail_reminders (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    UNIQUE (kind, subject_id)
);
