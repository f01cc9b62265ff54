-- A change of email address waiting for its person's confirmation: an address plus "forgot
-- my password" is an account, so whoever asks for the change, only the person behind the
-- old address makes it happen (a link mailed there; the table keeps its SHA-256).
CREATE TABLE email_changes (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    new_email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    requested_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    confirmed_at TIMESTAMP
);
CREATE INDEX email_changes_person ON email_changes (person_id);
