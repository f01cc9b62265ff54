-- Sessions live on the server: the cookie holds only an opaque id, of which this table keeps
-- the SHA-256. Signing out, a password change or a deactivation ends them here, so a copied
-- cookie is dead from then on. Ended sessions stay (when, from where) for the person to see.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    ended_why TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_person ON sessions (person_id);

-- A token may be given an end.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
