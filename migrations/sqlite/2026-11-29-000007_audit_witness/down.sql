ALTER TABLE statements DROP COLUMN published_audit_hash;
ALTER TABLE statements DROP COLUMN published_audit_seq;
ALTER TABLE minutes DROP COLUMN approval_audit_hash;
ALTER TABLE minutes DROP COLUMN approval_audit_seq;
