-- When a draft was filed in the user's Drafts folder over IMAP: only such
-- drafts are looked for in Sent and Drafts, so switching drafts = "imap"
-- on never discards the drafts that were delivered another way.
ALTER TABLE messages ADD COLUMN filed_at INTEGER;
