-- Reading the user's mailbox: where each folder was read up to, the
-- messages already handled (so a UIDVALIDITY reset reprocesses nothing),
-- and the outcome of the last poll, shown by `onward status`.
CREATE TABLE inbox_cursors (
    mailbox      TEXT    PRIMARY KEY,
    uid_validity INTEGER NOT NULL,
    last_uid     INTEGER NOT NULL
);

CREATE TABLE inbox_seen (
    message_id TEXT    PRIMARY KEY,
    seen_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE status (
    name       TEXT    PRIMARY KEY,
    value      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX messages_message_id ON messages (message_id);
CREATE INDEX applications_recruiter ON applications (lower(recruiter_email));

-- What a notice to the user is about (the words that read as a
-- rejection), kept with the message so it renders the same on a retry.
ALTER TABLE messages ADD COLUMN note TEXT NOT NULL DEFAULT '';
