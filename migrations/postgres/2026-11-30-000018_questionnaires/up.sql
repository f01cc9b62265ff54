-- An evaluation's questionnaire: items grouped into themes; each member organisation
-- answers once. Anonymous: the participation record says only that an organisation has
-- answered; the answers are stored apart, under a random key, with the side and sector
-- kept for breakdowns and no time, so nothing in them points back to who answered.

CREATE TABLE evaluation_items (
    id BIGSERIAL PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    position INTEGER NOT NULL,
    theme TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('rating', 'single', 'multiple', 'open')),
    text TEXT NOT NULL,
    -- The choices of a single or multiple choice, one per line.
    choices TEXT NOT NULL DEFAULT ''
);
CREATE INDEX evaluation_items_by_evaluation ON evaluation_items (evaluation_id);

CREATE TABLE evaluation_participation (
    id BIGSERIAL PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    answered_on DATE NOT NULL,
    UNIQUE (evaluation_id, organisation_id)
);

CREATE TABLE evaluation_responses (
    id TEXT PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    side TEXT NOT NULL,
    sector TEXT NOT NULL
);
CREATE INDEX evaluation_responses_by_evaluation ON evaluation_responses (evaluation_id);

CREATE TABLE evaluation_answers (
    response_id TEXT NOT NULL REFERENCES evaluation_responses (id),
    item_id BIGINT NOT NULL REFERENCES evaluation_items (id),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    -- The choices taken, one per line; or the open answer's text.
    answer TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, item_id)
);
