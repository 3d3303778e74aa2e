-- The board reads each column newest first and counts it: by stage, then
-- id (the rowid every index carries). Without it each page of a column,
-- and each count, reads the whole table.
CREATE INDEX applications_stage ON applications (stage);
