package store

import "context"

// Timeline returns every event of an application in the order it was
// recorded, for the page that shows one application's story.
func (s *Store) Timeline(ctx context.Context, appID int64) ([]Event, error) {
	return listEvents(ctx, s.db, appID, "")
}
