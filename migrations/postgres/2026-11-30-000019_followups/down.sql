DROP TABLE evaluation_followups;
