-- A draft_ready notice lives only as long as its draft waits. The moment
-- the draft reaches an end (sent by onward or from the user's mail
-- program, discarded, cancelled by a reply or an outcome, failed,
-- expired), a notice not yet out is cancelled in the same transaction,
-- whichever code moved the draft: an email saying "send it" about a
-- draft already sent invites a second send to the recruiter.
CREATE TRIGGER notice_follows_draft
AFTER UPDATE OF status ON messages
WHEN NEW.status NOT IN ('scheduled', 'sending', 'drafted')
BEGIN
    UPDATE messages SET status = 'cancelled', lease_until = NULL, claimed_by = '',
        last_error = 'cancelled: draft ' || NEW.id || ' was ' || NEW.status || ' before this notice went out',
        updated_at = NEW.updated_at
    WHERE draft_id = NEW.id AND status = 'scheduled';
END;

-- Notices already waiting for a draft that is gone.
UPDATE messages SET status = 'cancelled', lease_until = NULL, claimed_by = '',
    last_error = 'cancelled: draft ' || draft_id || ' was ' ||
        (SELECT d.status FROM messages d WHERE d.id = messages.draft_id) || ' before this notice went out'
WHERE status = 'scheduled' AND draft_id IN
    (SELECT id FROM messages WHERE status NOT IN ('scheduled', 'sending', 'drafted'));
