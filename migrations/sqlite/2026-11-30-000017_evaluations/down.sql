DROP TABLE evaluation_reads;
DROP TABLE evaluation_evaluators;
DROP TABLE evaluations;
