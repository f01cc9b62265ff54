DROP TABLE audit_events;
DROP TABLE login_throttle;
DROP TABLE api_tokens;
DROP TABLE link_tokens;
DROP INDEX people_email_unique;
DROP TABLE people;
DROP TABLE coalition;
