DROP INDEX outbox_deliveries_message;
DROP INDEX link_tokens_person;
DROP INDEX people_email;
