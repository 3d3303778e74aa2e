-- The web page's counts and pages, each a walk down an index rather than
-- a read of a whole table.
--
-- The board reads each column newest first and counts it: by stage, then
-- id (the rowid every index carries).
CREATE INDEX applications_stage ON applications (stage);
-- The funnel counts the applications with an event of a kind in a span:
-- by application, so that the count of distinct ones is a walk down the
-- index, with no sort (and the guards' last answer per application too).
CREATE INDEX events_kind ON events (kind, application_id, at);
-- ...and those sent a feedback request in it: only sent messages, so the
-- index stays small beside a backlog of scheduled ones.
CREATE INDEX messages_sent ON messages (kind, sent_at, application_id) WHERE status = 'sent';
