package store

import (
	"context"
	"fmt"

	"github.com/onward-app/onward"
)

// InterviewRows lists every interview event as a row with its details:
// the events' columns, and "place", "interview_kind", "interviewers"
// ("Name (title)" joined by "; ") and "topics" ("; "), oldest recorded
// first per application.
func (s *Store) InterviewRows(ctx context.Context) ([]Row, error) {
	rows, err := readRows(ctx, s.db, `SELECT e.*, COALESCE(d.place, '') AS place, COALESCE(d.kind, '') AS interview_kind,
		COALESCE((SELECT group_concat(who, '; ') FROM (SELECT name || CASE WHEN title != '' THEN ' (' || title || ')' ELSE '' END AS who
			FROM interviewers WHERE event_id = e.id ORDER BY position)), '') AS interviewers,
		COALESCE((SELECT group_concat(text, '; ') FROM (SELECT text FROM interview_topics WHERE event_id = e.id ORDER BY position)), '') AS topics
		FROM events e LEFT JOIN interview_details d ON d.event_id = e.id
		WHERE e.kind = ? ORDER BY e.application_id, e.id`, string(onward.Interview))
	if err != nil {
		return nil, fmt.Errorf("store: interviews: %w", err)
	}
	return rows, nil
}
