-- Times are Unix milliseconds in UTC: they sort and compare as integers,
-- and the zone they are shown in is decided when they are read.

CREATE TABLE applications (
    id              INTEGER PRIMARY KEY,
    company         TEXT    NOT NULL,
    role            TEXT    NOT NULL,
    recruiter_name  TEXT    NOT NULL DEFAULT '',
    recruiter_email TEXT    NOT NULL DEFAULT '',
    recruiter_tz    TEXT    NOT NULL DEFAULT '',
    url             TEXT    NOT NULL DEFAULT '',
    notes           TEXT    NOT NULL DEFAULT '',
    stage           TEXT    NOT NULL CHECK (stage IN ('applied', 'interviewing', 'rejected', 'offer', 'withdrawn')),
    applied_at      INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);

CREATE TABLE events (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL,
    at             INTEGER NOT NULL,
    ends_at        INTEGER,
    note           TEXT    NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
);
CREATE INDEX events_application ON events (application_id, at);

CREATE TABLE lessons (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER REFERENCES applications (id) ON DELETE SET NULL,
    text           TEXT    NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX lessons_application ON lessons (application_id);
CREATE INDEX lessons_created ON lessons (created_at);

CREATE TABLE messages (
    id             INTEGER PRIMARY KEY,
    application_id INTEGER REFERENCES applications (id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL,
    audience       TEXT    NOT NULL CHECK (audience IN ('user', 'recruiter')),
    recipient      TEXT    NOT NULL DEFAULT '',
    status         TEXT    NOT NULL CHECK (status IN ('scheduled', 'sending', 'drafted', 'sent', 'discarded', 'cancelled', 'failed', 'expired')),
    due_at         INTEGER NOT NULL,
    -- the first due time; retries move due_at, staleness counts from here
    planned_at     INTEGER NOT NULL,
    lease_until    INTEGER,
    -- who holds the claim: 'daemon' (the dispatcher) or 'hand' (drafts send)
    claimed_by     TEXT    NOT NULL DEFAULT '',
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT    NOT NULL DEFAULT '',
    message_id     TEXT    NOT NULL UNIQUE,
    subject        TEXT    NOT NULL DEFAULT '',
    body_text      TEXT    NOT NULL DEFAULT '',
    body_html      TEXT    NOT NULL DEFAULT '',
    -- for draft_ready: the recruiter draft it announces
    draft_id       INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    sent_at        INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
-- The dispatcher's one hot query: the earliest due message of a status.
CREATE INDEX messages_due ON messages (status, due_at);
CREATE INDEX messages_application ON messages (application_id, kind, status);

-- Recurring jobs keep their next run here, so a restart neither repeats
-- nor drops one.
CREATE TABLE jobs (
    name        TEXT    PRIMARY KEY,
    next_run_at INTEGER NOT NULL
);
