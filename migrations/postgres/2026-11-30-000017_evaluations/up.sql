-- Periodic evaluations: a cycle over a period, its evaluators (people of members appointed
-- by the secretariat, or external people whose only role is that evaluation), the report
-- and, once adopted, the indicators frozen as they were.

CREATE TABLE evaluations (
    id BIGSERIAL PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('annual', 'mid_term')),
    period_from DATE NOT NULL,
    period_until DATE NOT NULL,
    questionnaire_opens DATE,
    questionnaire_closes DATE,
    report_due DATE,
    plenary_meeting_id BIGINT REFERENCES meetings (id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'shared', 'discussed', 'adopted')),
    findings TEXT NOT NULL DEFAULT '',
    recommendations TEXT NOT NULL DEFAULT '',
    -- The indicators as they were when the report was adopted (JSON).
    frozen_indicators TEXT,
    created_by BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL,
    adopted_at TIMESTAMP,
    CHECK (period_from <= period_until)
);

CREATE TABLE evaluation_evaluators (
    id BIGSERIAL PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    -- An external evaluator: a person of no member organisation.
    external BOOLEAN NOT NULL DEFAULT FALSE,
    appointed_at TIMESTAMP NOT NULL,
    UNIQUE (evaluation_id, person_id)
);
CREATE INDEX evaluation_evaluators_by_person ON evaluation_evaluators (person_id);

-- Every read of the evaluation's data and records by an evaluator.
CREATE TABLE evaluation_reads (
    id BIGSERIAL PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    what TEXT NOT NULL,
    read_at TIMESTAMP NOT NULL
);
CREATE INDEX evaluation_reads_by_evaluation ON evaluation_reads (evaluation_id);
