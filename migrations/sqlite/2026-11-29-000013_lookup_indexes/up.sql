-- Lookups that scanned whole tables: a person by email (emails are stored lower-cased, so the
-- unique index on lower(email) was never used by `email = ?`; a 50,000-row import spent most
-- of its time here), a person's links, and a message's deliveries.
CREATE INDEX people_email ON people (email);
CREATE INDEX link_tokens_person ON link_tokens (person_id);
CREATE INDEX outbox_deliveries_message ON outbox_deliveries (message_id);
