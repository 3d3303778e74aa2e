package store

import (
	"context"
	"fmt"
	"time"
)

// TagCount is how often a tag was used since some time.
type TagCount struct {
	Tag          string
	Lessons      int // lessons carrying the tag
	Applications int // distinct rejected applications whose lessons carry it
}

// TagCounts counts tags on lessons logged since since, most used first.
func (s *Store) TagCounts(ctx context.Context, since time.Time) ([]TagCount, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.tag, count(*),
			count(DISTINCT CASE WHEN a.stage = 'rejected' THEN a.id END)
		FROM lesson_tags t JOIN lessons l ON l.id = t.lesson_id
		LEFT JOIN applications a ON a.id = l.application_id
		WHERE l.created_at >= ?
		GROUP BY t.tag ORDER BY count(*) DESC, t.tag`, ms(since))
	if err != nil {
		return nil, fmt.Errorf("store: count tags: %w", err)
	}
	defer rows.Close()
	var out []TagCount
	for rows.Next() {
		var c TagCount
		if err := rows.Scan(&c.Tag, &c.Lessons, &c.Applications); err != nil {
			return nil, fmt.Errorf("store: count tags: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Funnel counts what happened in a span of time. Each figure counts
// distinct applications, so two interviews at one company are one.
type Funnel struct {
	Applications      int // applied in the span
	Interviews        int // had an interview in the span
	Offers            int
	Rejections        int
	FeedbackRequested int // a feedback request was sent in the span
	FeedbackReplies   int // ...and the recruiter replied after it
}

// FunnelBetween counts events in [from, to).
func (s *Store) FunnelBetween(ctx context.Context, from, to time.Time) (Funnel, error) {
	var f Funnel
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT count(DISTINCT application_id) FROM events WHERE kind = 'applied' AND at >= ?1 AND at < ?2),
		(SELECT count(DISTINCT application_id) FROM events WHERE kind = 'interview' AND at >= ?1 AND at < ?2),
		(SELECT count(DISTINCT application_id) FROM events WHERE kind = 'offer' AND at >= ?1 AND at < ?2),
		(SELECT count(DISTINCT application_id) FROM events WHERE kind = 'rejected' AND at >= ?1 AND at < ?2),
		(SELECT count(DISTINCT application_id) FROM messages WHERE kind = 'feedback_request' AND status = 'sent'
			AND sent_at >= ?1 AND sent_at < ?2),
		(SELECT count(DISTINCT m.application_id) FROM messages m JOIN events e ON e.application_id = m.application_id
			WHERE m.kind = 'feedback_request' AND m.status = 'sent' AND m.sent_at >= ?1 AND m.sent_at < ?2
			AND e.kind = 'reply' AND e.at >= m.sent_at)`, ms(from), ms(to)).
		Scan(&f.Applications, &f.Interviews, &f.Offers, &f.Rejections, &f.FeedbackRequested, &f.FeedbackReplies)
	if err != nil {
		return f, fmt.Errorf("store: funnel: %w", err)
	}
	return f, nil
}
