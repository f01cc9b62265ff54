-- A public application naming an organisation or an email the coalition already knows is
-- held here for the secretariat instead of being refused: the public form answers the same
-- whatever exists, so it tells a stranger nothing about who is in the coalition.
CREATE TABLE held_applications (
    id INTEGER PRIMARY KEY,
    organisation_name TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    motivation TEXT NOT NULL,
    matches TEXT NOT NULL,
    submitted_at TIMESTAMP NOT NULL,
    dismissed_at TIMESTAMP,
    dismissed_by BIGINT REFERENCES people (id)
);
