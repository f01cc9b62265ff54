-- Membership: organisations, their people, admission, fees, the memorandum, working groups.

ALTER TABLE coalition ADD COLUMN publish_member_list BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE coalition ADD COLUMN public_applications BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE coalition ADD COLUMN fees_enabled BOOLEAN NOT NULL DEFAULT FALSE;

-- Which side a sector stands on; the coalition may adjust it and add sectors.
CREATE TABLE sectors (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    side TEXT NOT NULL CHECK (side IN ('governmental', 'civil_society'))
);
INSERT INTO sectors (name, side) VALUES
    ('Ministry', 'governmental'),
    ('Local authority', 'governmental'),
    ('Police', 'governmental'),
    ('Labour inspectorate', 'governmental'),
    ('Prosecution and judiciary', 'governmental'),
    ('Anti-trafficking agency', 'governmental'),
    ('Intergovernmental body', 'governmental'),
    ('NGO', 'civil_society'),
    ('Faith-based organisation', 'civil_society'),
    ('Trade union', 'civil_society'),
    ('Migrant or self-organised group', 'civil_society'),
    ('Academia', 'civil_society'),
    ('Media', 'civil_society'),
    ('Business association', 'civil_society');

CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    short_name TEXT NOT NULL DEFAULT '',
    sector_id BIGINT NOT NULL REFERENCES sectors (id),
    region TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    needs_authorisation BOOLEAN NOT NULL,
    offers_venue BOOLEAN NOT NULL DEFAULT FALSE,
    status TEXT NOT NULL CHECK (status IN ('applicant', 'full', 'associate', 'suspended', 'withdrawn', 'declined')),
    admitted_on DATE,
    fee_tier TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX organisations_name_unique ON organisations (lower(name));

-- Every change of membership status, never rewritten.
CREATE TABLE membership_events (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    effective_on DATE NOT NULL,
    decided_by BIGINT REFERENCES people (id),
    reason TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX membership_events_organisation ON membership_events (organisation_id);

-- A person belongs to at most one organisation, and holds its roles there.
CREATE TABLE affiliations (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL UNIQUE REFERENCES people (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    representation TEXT CHECK (representation IN ('primary', 'alternate')),
    is_authoriser BOOLEAN NOT NULL DEFAULT FALSE,
    job_title TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    since TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX affiliations_one_primary ON affiliations (organisation_id) WHERE representation = 'primary';
CREATE INDEX affiliations_organisation ON affiliations (organisation_id);

CREATE TABLE admission_criteria (
    id BIGSERIAL PRIMARY KEY,
    position INTEGER NOT NULL,
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE applications (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    contact_person_id BIGINT NOT NULL REFERENCES people (id),
    motivation TEXT NOT NULL DEFAULT '',
    submitted_via TEXT NOT NULL CHECK (submitted_via IN ('secretariat', 'public')),
    submitted_by BIGINT REFERENCES people (id),
    submitted_at TIMESTAMP NOT NULL,
    decision TEXT CHECK (decision IN ('full', 'associate', 'declined')),
    decided_by BIGINT REFERENCES people (id),
    decided_at TIMESTAMP,
    decision_reason TEXT
);

-- The criterion's text is kept as attested, so later edits do not change what was answered.
CREATE TABLE application_answers (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    criterion_id BIGINT NOT NULL REFERENCES admission_criteria (id),
    criterion_text TEXT NOT NULL,
    attested BOOLEAN NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    UNIQUE (application_id, criterion_id)
);

CREATE TABLE application_sponsors (
    id BIGSERIAL PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES applications (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    UNIQUE (application_id, organisation_id)
);

CREATE TABLE fee_schedules (
    id BIGSERIAL PRIMARY KEY,
    year INTEGER NOT NULL,
    tier TEXT NOT NULL CHECK (length(trim(tier)) > 0),
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    UNIQUE (year, tier)
);

CREATE TABLE fee_ledger (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    year INTEGER NOT NULL,
    tier TEXT NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents >= 0),
    currency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('due', 'paid', 'waived')),
    paid_on DATE,
    reference TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (organisation_id, year)
);

CREATE TABLE mou_versions (
    id BIGSERIAL PRIMARY KEY,
    version_no INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    adopted_on DATE NOT NULL,
    created_by BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE mou_signatures (
    id BIGSERIAL PRIMARY KEY,
    mou_version_id BIGINT NOT NULL REFERENCES mou_versions (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    signed_by_name TEXT NOT NULL,
    signed_on DATE NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    recorded_by BIGINT REFERENCES people (id),
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (mou_version_id, organisation_id)
);

CREATE TABLE working_groups (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    mandate TEXT NOT NULL DEFAULT '',
    convenor_id BIGINT REFERENCES people (id),
    status TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    started_on DATE NOT NULL,
    closed_on DATE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE working_group_members (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES working_groups (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    joined_on DATE NOT NULL,
    UNIQUE (group_id, organisation_id)
);

CREATE TABLE working_group_nominees (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES working_groups (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    UNIQUE (group_id, person_id)
);
