-- The complaints procedure: a complaint between members, handled by a panel without
-- conflicts, through stages with time limits. Content (text, messages, files, the panel's
-- proposal and summary) is erased after the retention period; the reference, dates,
-- stages, outcome category and lesson learned stay for the evaluations.

CREATE TABLE complaint_settings (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    panel_size INTEGER NOT NULL DEFAULT 3 CHECK (panel_size BETWEEN 1 AND 7),
    acknowledge_days INTEGER NOT NULL DEFAULT 5,
    assess_days INTEGER NOT NULL DEFAULT 15,
    dialogue_days INTEGER NOT NULL DEFAULT 40,
    answer_days INTEGER NOT NULL DEFAULT 10,
    close_days INTEGER NOT NULL DEFAULT 10,
    reminder_days INTEGER NOT NULL DEFAULT 2,
    retention_years INTEGER NOT NULL DEFAULT 5 CHECK (retention_years >= 1),
    standing_committee BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO complaint_settings (id) VALUES (1);

-- The standing complaints committee, when the settings name one instead of a panel per case.
CREATE TABLE complaint_committee (
    person_id BIGINT PRIMARY KEY REFERENCES people (id)
);

CREATE TABLE complaints (
    id BIGSERIAL PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    -- None: filed by the secretariat.
    complainant_org BIGINT REFERENCES organisations (id),
    -- None once the retention period has pseudonymised the case.
    filed_by BIGINT REFERENCES people (id),
    filer_unnamed BOOLEAN NOT NULL DEFAULT FALSE,
    about TEXT NOT NULL CHECK (about IN ('organisation', 'secretariat', 'decision', 'issue')),
    respondent_org BIGINT REFERENCES organisations (id),
    record_kind TEXT NOT NULL DEFAULT '' CHECK (record_kind IN ('', 'meeting', 'statement', 'application')),
    record_id BIGINT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('received', 'acknowledged', 'dialogue', 'proposed',
        'resolved', 'referred', 'closed', 'withdrawn')),
    stage_since TIMESTAMP NOT NULL,
    due_on DATE,
    respondent_notified_at TIMESTAMP,
    admissible BOOLEAN,
    assessment TEXT NOT NULL DEFAULT '',
    proposal TEXT NOT NULL DEFAULT '',
    panel_summary TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    lesson TEXT NOT NULL DEFAULT '',
    plenary_meeting_id BIGINT REFERENCES meetings (id),
    hearing_meeting_id BIGINT REFERENCES meetings (id),
    filed_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    reminded_due DATE,
    overdue_notified_due DATE,
    erased_at TIMESTAMP,
    UNIQUE (year, number)
);
CREATE INDEX complaints_by_stage ON complaints (stage);

-- Every stage a complaint entered, and when: the time to each stage, for the evaluations.
CREATE TABLE complaint_stages (
    id BIGSERIAL PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    stage TEXT NOT NULL,
    entered_at TIMESTAMP NOT NULL,
    due_on DATE
);
CREATE INDEX complaint_stages_by_complaint ON complaint_stages (complaint_id);

CREATE TABLE complaint_panel (
    id BIGSERIAL PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    side TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('appointed', 'serving', 'declined')),
    appointed_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP,
    UNIQUE (complaint_id, person_id)
);
CREATE INDEX complaint_panel_by_person ON complaint_panel (person_id);

CREATE TABLE complaint_messages (
    id BIGSERIAL PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    party TEXT NOT NULL CHECK (party IN ('complainant', 'respondent', 'panel')),
    audience TEXT NOT NULL CHECK (audience IN ('parties', 'panel')),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_messages_by_complaint ON complaint_messages (complaint_id);

-- Files kept in the database (base64 text, so that backups and several instances see them
-- like any other row), under the visibility of the message they belong to.
CREATE TABLE complaint_files (
    id BIGSERIAL PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    message_id BIGINT NOT NULL REFERENCES complaint_messages (id),
    name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    content TEXT NOT NULL
);
CREATE INDEX complaint_files_by_complaint ON complaint_files (complaint_id);

-- Who opened a complaint's content, and when: shown to the panel and the parties.
CREATE TABLE complaint_access (
    id BIGSERIAL PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    opened_at TIMESTAMP NOT NULL,
    channel TEXT NOT NULL
);
CREATE INDEX complaint_access_by_complaint ON complaint_access (complaint_id);

-- Each party's answer to the panel's proposal, and its satisfaction once closed.
CREATE TABLE complaint_answers (
    id BIGSERIAL PRIMARY KEY,
    complaint_id BIGINT NOT NULL REFERENCES complaints (id),
    party TEXT NOT NULL CHECK (party IN ('complainant', 'respondent')),
    person_id BIGINT REFERENCES people (id),
    accepts BOOLEAN,
    satisfaction INTEGER CHECK (satisfaction BETWEEN 1 AND 5),
    answered_at TIMESTAMP NOT NULL,
    UNIQUE (complaint_id, party)
);
