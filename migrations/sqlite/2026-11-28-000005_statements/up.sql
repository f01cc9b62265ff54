-- Joint statements: versions bound by a content hash, consultation, approval rounds with one
-- position per organisation, internal authorisations for the exact hash, and the record of
-- who signed what was published.

ALTER TABLE coalition ADD COLUMN publish_statements BOOLEAN NOT NULL DEFAULT 1;

CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    context_note TEXT NOT NULL,
    group_id BIGINT REFERENCES working_groups (id),
    status TEXT NOT NULL CHECK (status IN
        ('drafting', 'consultation', 'approval', 'adopted', 'published', 'withdrawn', 'lapsed')),
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    published_version_id BIGINT,
    closing_reason TEXT NOT NULL DEFAULT ''
);

CREATE TABLE statement_versions (
    id INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES statements (id),
    version_no INTEGER NOT NULL,
    body TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (statement_id, version_no)
);

-- Comments and proposed amendments (a whole proposed text) on one version.
CREATE TABLE statement_comments (
    id INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES statements (id),
    version_id BIGINT NOT NULL REFERENCES statement_versions (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    organisation_id BIGINT REFERENCES organisations (id),
    body TEXT NOT NULL,
    proposed_text TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'taken', 'declined')),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE approval_rounds (
    id INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES statements (id),
    version_id BIGINT NOT NULL REFERENCES statement_versions (id),
    content_hash TEXT NOT NULL,
    decision_rule TEXT NOT NULL CHECK (decision_rule IN ('unanimity', 'consensus', 'signatories')),
    consensus_percent INTEGER NOT NULL CHECK (consensus_percent BETWEEN 0 AND 100),
    deadline DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'adopted', 'superseded', 'lapsed', 'closed')),
    opened_by BIGINT NOT NULL REFERENCES people (id),
    opened_at TIMESTAMP NOT NULL,
    adopted_at TIMESTAMP,
    closed_at TIMESTAMP,
    -- Bumped by every change to the round's positions: the row lock that serialises them.
    changes INTEGER NOT NULL DEFAULT 0
);
-- At most one open round per statement.
CREATE UNIQUE INDEX approval_rounds_one_open ON approval_rounds (statement_id) WHERE status = 'open';

CREATE TABLE statement_positions (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES approval_rounds (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    position TEXT NOT NULL CHECK (position IN ('approve', 'abstain', 'object')),
    reason TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id),
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (round_id, organisation_id)
);

CREATE TABLE statement_authorisations (
    id INTEGER PRIMARY KEY,
    round_id BIGINT NOT NULL REFERENCES approval_rounds (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    decision TEXT NOT NULL CHECK (decision IN ('authorised', 'refused')),
    reference TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES people (id),
    decided_at TIMESTAMP NOT NULL,
    UNIQUE (round_id, organisation_id)
);

-- Written once, when a statement is published: in whose name, and on what grounds.
CREATE TABLE statement_signatories (
    id INTEGER PRIMARY KEY,
    statement_id BIGINT NOT NULL REFERENCES statements (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    organisation_name TEXT NOT NULL,
    approved_at TIMESTAMP NOT NULL,
    approved_by BIGINT NOT NULL REFERENCES people (id),
    authorised_at TIMESTAMP,
    authorised_by BIGINT REFERENCES people (id),
    authorisation_reference TEXT NOT NULL,
    UNIQUE (statement_id, organisation_id)
);

-- A statement's page shows its history from the audit record.
CREATE INDEX audit_events_subject ON audit_events (subject_type, subject_id);
