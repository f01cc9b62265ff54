-- Data care, set by the administrator: a daily backup kept N deep, and how long records
-- that only serve for a while are kept (mail bodies, ended sessions, sign-in throttling).
CREATE TABLE care_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    backup_daily BOOLEAN NOT NULL DEFAULT 0,
    backup_keep INTEGER NOT NULL DEFAULT 7,
    mail_body_days INTEGER NOT NULL DEFAULT 365,
    session_days INTEGER NOT NULL DEFAULT 90,
    throttle_days INTEGER NOT NULL DEFAULT 30,
    last_backup_at TIMESTAMP,
    last_backup_result TEXT NOT NULL DEFAULT ''
);
INSERT INTO care_settings (id) VALUES (1);
