-- Personal data an audit event mentions (a name, an address) is kept here and referenced
-- from the event's details as {"personal": id}: the chain hashes the reference, so erasing a
-- person replaces the value here without breaking the chain.
CREATE TABLE audit_personal (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT REFERENCES people (id),
    value TEXT NOT NULL
);
CREATE INDEX audit_personal_person ON audit_personal (person_id);
