-- What the user recorded about an interview, for the thank-you notes and
-- the prep note. Each row belongs to one interview event: a later
-- interview is a new event with details of its own, as it has a plan of
-- its own.
CREATE TABLE interview_details (
    event_id  INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    -- phone_screen, technical, panel, onsite, final, or '' when not said
    kind      TEXT    NOT NULL DEFAULT '',
    -- a video link or an address
    place     TEXT    NOT NULL DEFAULT '',
    -- the day they said they would decide by, at its start in the user's
    -- zone; NULL when they did not say
    expect_at INTEGER
);

-- Who interviewed the user, in the order recorded. An interviewer may
-- have no address: they are thanked through the recruiter.
CREATE TABLE interviewers (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT    NOT NULL,
    email    TEXT    NOT NULL DEFAULT '',
    title    TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (event_id, position)
);

-- What was discussed that the user wants to come back to.
CREATE TABLE interview_topics (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text     TEXT    NOT NULL,
    PRIMARY KEY (event_id, position)
);

-- The recruiter's feedback on a rejection, one row per feedback event:
-- given by phone and typed in, or read from their reply. declined is 1
-- for a reply that says they give none.
CREATE TABLE feedback (
    event_id       INTEGER PRIMARY KEY REFERENCES events (id) ON DELETE CASCADE,
    application_id INTEGER NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    text           TEXT    NOT NULL DEFAULT '',
    declined       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX feedback_application ON feedback (application_id);
