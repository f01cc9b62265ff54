-- Optionally every person of a member answers the questionnaire too, for themselves. As
-- with organisations, the participation record says only that a person has answered; the
-- answers go under the same random keys, marked as a person's, with the side and sector of
-- the person's organisation.

ALTER TABLE evaluations ADD COLUMN people_answer BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE evaluation_person_participation (
    id BIGSERIAL PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    answered_on DATE NOT NULL,
    UNIQUE (evaluation_id, person_id)
);

ALTER TABLE evaluation_responses ADD COLUMN respondent TEXT NOT NULL DEFAULT 'organisation'
    CHECK (respondent IN ('organisation', 'person'));
