DROP TABLE statement_signatories;
DROP TABLE statement_authorisations;
DROP TABLE statement_positions;
DROP INDEX approval_rounds_one_open;
DROP TABLE approval_rounds;
DROP TABLE statement_comments;
DROP TABLE statement_versions;
DROP TABLE statements;
ALTER TABLE coalition DROP COLUMN publish_statements;
