-- The head of the audit chain when minutes were approved and when a statement was published,
-- kept with them: members keep copies of both, so each copy is a witness of the record
-- (`roundtable audit verify --witness SEQ:HASH`).
ALTER TABLE minutes ADD COLUMN approval_audit_seq BIGINT;
ALTER TABLE minutes ADD COLUMN approval_audit_hash TEXT;
ALTER TABLE statements ADD COLUMN published_audit_seq BIGINT;
ALTER TABLE statements ADD COLUMN published_audit_hash TEXT;
