-- Lessons carry tags (#words in the text, or --tag), stored normalised so
-- patterns across rejections can be counted.
CREATE TABLE lesson_tags (
    lesson_id INTEGER NOT NULL REFERENCES lessons (id) ON DELETE CASCADE,
    tag       TEXT    NOT NULL,
    PRIMARY KEY (lesson_id, tag)
) WITHOUT ROWID;
CREATE INDEX lesson_tags_tag ON lesson_tags (tag);
