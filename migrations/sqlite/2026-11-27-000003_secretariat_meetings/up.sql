-- The rotating secretariat and the meeting calendar.

ALTER TABLE organisations ADD COLUMN secretariat_opt_out BOOLEAN NOT NULL DEFAULT 0;

CREATE TABLE secretariat_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    term_months INTEGER NOT NULL DEFAULT 12 CHECK (term_months BETWEEN 1 AND 60),
    paired BOOLEAN NOT NULL DEFAULT 1,
    horizon_terms INTEGER NOT NULL DEFAULT 4 CHECK (horizon_terms BETWEEN 1 AND 40),
    first_term_starts DATE
);

-- Terms run from starts_on to ends_on (exclusive). Past and current terms are never rewritten;
-- future terms are replanned unless an override pinned them.
CREATE TABLE secretariat_terms (
    id INTEGER PRIMARY KEY,
    starts_on DATE NOT NULL UNIQUE,
    ends_on DATE NOT NULL,
    civil_society_org BIGINT REFERENCES organisations (id),
    governmental_org BIGINT REFERENCES organisations (id),
    pinned BOOLEAN NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_on > starts_on)
);

-- Interim cover: another organisation holds one side's seat for part of a term.
CREATE TABLE secretariat_covers (
    id INTEGER PRIMARY KEY,
    term_id BIGINT NOT NULL REFERENCES secretariat_terms (id),
    side TEXT NOT NULL CHECK (side IN ('governmental', 'civil_society')),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (ends_on > starts_on)
);

CREATE TABLE meeting_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    plenary_months TEXT NOT NULL DEFAULT '3,6,9,12',
    plenary_weekday INTEGER NOT NULL DEFAULT 2 CHECK (plenary_weekday BETWEEN 1 AND 7),
    plenary_week INTEGER NOT NULL DEFAULT 2 CHECK (plenary_week BETWEEN -1 AND 5),
    plenary_start TEXT NOT NULL DEFAULT '10:00',
    plenary_end TEXT NOT NULL DEFAULT '13:00',
    time_zone TEXT,
    quorum_percent INTEGER NOT NULL DEFAULT 50 CHECK (quorum_percent BETWEEN 0 AND 100),
    venue_rotation TEXT NOT NULL DEFAULT 'member_premises' CHECK (venue_rotation IN ('member_premises', 'neutral_first'))
);

CREATE TABLE venues (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    address TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    organisation_id BIGINT REFERENCES organisations (id),
    active BOOLEAN NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('plenary', 'working_group', 'ad_hoc', 'extraordinary')),
    group_id BIGINT REFERENCES working_groups (id),
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    time_zone TEXT NOT NULL,
    venue_id BIGINT REFERENCES venues (id),
    online_url TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('planned', 'agenda_published', 'held', 'minutes_approved', 'cancelled')),
    cancel_reason TEXT,
    visibility TEXT NOT NULL CHECK (visibility IN ('members', 'public')),
    media_open BOOLEAN NOT NULL DEFAULT 0,
    media_reason TEXT NOT NULL DEFAULT '',
    uid TEXT NOT NULL UNIQUE,
    sequence INTEGER NOT NULL DEFAULT 0,
    plan_year INTEGER,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at),
    CHECK (kind <> 'working_group' OR group_id IS NOT NULL)
);
CREATE INDEX meetings_starts_at ON meetings (starts_at);

CREATE TABLE meeting_guests (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    affiliation TEXT NOT NULL DEFAULT '',
    attended BOOLEAN
);

-- The agenda being drafted; publishing freezes a copy as a version.
CREATE TABLE agenda_items (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    presenter TEXT NOT NULL DEFAULT '',
    duration_minutes INTEGER NOT NULL DEFAULT 0 CHECK (duration_minutes >= 0),
    description TEXT NOT NULL DEFAULT '',
    confidential BOOLEAN NOT NULL DEFAULT 0
);

CREATE TABLE agenda_versions (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    version_no INTEGER NOT NULL,
    items TEXT NOT NULL,
    published_by BIGINT REFERENCES people (id),
    published_at TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, version_no)
);

CREATE TABLE attendance (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    status TEXT NOT NULL CHECK (status IN ('present', 'apologies', 'absent')),
    represented_by TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMP NOT NULL,
    UNIQUE (meeting_id, organisation_id)
);

CREATE TABLE minutes (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL UNIQUE REFERENCES meetings (id),
    body TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_comment', 'approved')),
    comment_deadline DATE,
    approved_at TIMESTAMP,
    approved_by BIGINT REFERENCES people (id),
    approval_note TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE minute_comments (
    id INTEGER PRIMARY KEY,
    minutes_id BIGINT NOT NULL REFERENCES minutes (id),
    person_id BIGINT NOT NULL REFERENCES people (id),
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Approved minutes never change; corrections are addenda.
CREATE TABLE minute_addenda (
    id INTEGER PRIMARY KEY,
    minutes_id BIGINT NOT NULL REFERENCES minutes (id),
    body TEXT NOT NULL,
    created_by BIGINT REFERENCES people (id),
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE action_items (
    id INTEGER PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    title TEXT NOT NULL,
    owner_organisation_id BIGINT REFERENCES organisations (id),
    owner_person_id BIGINT REFERENCES people (id),
    due_on DATE,
    status TEXT NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE calendar_imports (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    imported_by BIGINT REFERENCES people (id),
    imported_at TIMESTAMP NOT NULL,
    events INTEGER NOT NULL,
    days INTEGER NOT NULL
);

-- Days to plan around. A yearly entry blocks its month and day in every year.
CREATE TABLE blocked_dates (
    id INTEGER PRIMARY KEY,
    import_id BIGINT NOT NULL REFERENCES calendar_imports (id),
    day DATE NOT NULL,
    yearly BOOLEAN NOT NULL DEFAULT 0,
    label TEXT NOT NULL
);
CREATE INDEX blocked_dates_day ON blocked_dates (day);

CREATE TABLE calendar_feeds (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL UNIQUE REFERENCES people (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);
