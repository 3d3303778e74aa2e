-- The scheduled time a recurring job last ran for: a run is never
-- repeated for the same time, whatever the clock does afterwards.
ALTER TABLE jobs ADD COLUMN last_run_for INTEGER;
-- The event that planned a message (an interview, a rejection): the
-- message renders, expires and is re-timed by that event, not by
-- whichever event of its kind is the latest.
ALTER TABLE messages ADD COLUMN event_id INTEGER REFERENCES events (id) ON DELETE SET NULL;
