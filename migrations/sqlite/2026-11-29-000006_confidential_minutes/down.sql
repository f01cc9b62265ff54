ALTER TABLE minute_addenda DROP COLUMN confidential;
ALTER TABLE minutes DROP COLUMN confidential_body;
