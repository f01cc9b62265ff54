ALTER TABLE evaluation_responses DROP COLUMN respondent;
DROP TABLE evaluation_person_participation;
ALTER TABLE evaluations DROP COLUMN people_answer;
