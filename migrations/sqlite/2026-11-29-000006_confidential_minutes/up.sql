-- Confidential parts of minutes are data, never inferred from a heading's wording: the
-- minutes keep their confidential part apart, and each addendum says whether it is one.
ALTER TABLE minutes ADD COLUMN confidential_body TEXT NOT NULL DEFAULT '';
ALTER TABLE minute_addenda ADD COLUMN confidential BOOLEAN NOT NULL DEFAULT 0;
