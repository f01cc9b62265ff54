DROP TABLE mail_reminders;
DROP INDEX outbox_deliveries_due;
DROP TABLE outbox_deliveries;
DROP TABLE outbox_messages;
DROP TABLE mail_preferences;
