DROP TABLE evaluation_answers;
DROP TABLE evaluation_responses;
DROP TABLE evaluation_participation;
DROP TABLE evaluation_items;
