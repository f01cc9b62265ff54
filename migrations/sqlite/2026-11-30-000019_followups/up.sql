-- An evaluation's recommendations as follow-up actions, each with an owner and a due date;
-- the next cycle's report shows what became of each.
CREATE TABLE evaluation_followups (
    id INTEGER PRIMARY KEY,
    evaluation_id BIGINT NOT NULL REFERENCES evaluations (id),
    action TEXT NOT NULL,
    -- The organisation that owns it; none: the secretariat.
    owner_organisation_id BIGINT REFERENCES organisations (id),
    due_on DATE NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    outcome TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX evaluation_followups_by_evaluation ON evaluation_followups (evaluation_id);
