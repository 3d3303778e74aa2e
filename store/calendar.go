package store

import (
	"context"
	"fmt"

	"github.com/onward-app/onward"
)

// InterviewRows lists every interview event as whole rows, oldest
// recorded first per application, so the calendar finds the details
// (people, place) in whatever columns the schema has.
func (s *Store) InterviewRows(ctx context.Context) ([]Row, error) {
	rows, err := readRows(ctx, s.db, "SELECT * FROM events WHERE kind = ? ORDER BY application_id, id", string(onward.Interview))
	if err != nil {
		return nil, fmt.Errorf("store: interviews: %w", err)
	}
	return rows, nil
}
