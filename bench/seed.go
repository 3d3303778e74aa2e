package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/compose"
	"github.com/onward-app/onward/mailer"
	"github.com/onward-app/onward/store"
	"github.com/onward-app/onward/templates"
)

// The user every figure works for.
var user = mailer.Address{Name: "Alex Morgan", Email: "alex@example.com"}

const userZone = "Europe/Berlin"

// seedChunk is how many rows one seeding transaction writes.
const seedChunk = 100_000

// seedApps records n rejected applications, each with an interview, a
// rejection and a lesson, through the store's own API, and returns their
// ids. The check-ins rendered later read all of these.
func seedApps(ctx context.Context, st *store.Store, n int, rng *rand.Rand) ([]int64, error) {
	ids := make([]int64, 0, n)
	for done := 0; done < n; done += seedChunk {
		err := st.Update(ctx, func(tx *store.Tx) error {
			for i := done; i < min(done+seedChunk, n); i++ {
				now := tx.Now()
				a := store.Application{
					Company:        fmt.Sprintf("Company %d", i+1),
					Role:           roles[i%len(roles)],
					RecruiterName:  fmt.Sprintf("Recruiter %d", i+1),
					RecruiterEmail: fmt.Sprintf("recruiter%d@company%d.example", i+1, i+1),
					RecruiterTZ:    "America/New_York",
					URL:            fmt.Sprintf("https://jobs.company%d.example/%d", i+1, rng.IntN(1e6)),
					Stage:          onward.StageRejected,
					AppliedAt:      now.AddDate(0, 0, -30),
				}
				if err := tx.InsertApplication(ctx, &a); err != nil {
					return err
				}
				interview := now.AddDate(0, 0, -10).Add(time.Duration(rng.IntN(8*60)) * time.Minute)
				for _, e := range []store.Event{
					{ApplicationID: a.ID, Kind: onward.Applied, At: a.AppliedAt},
					{ApplicationID: a.ID, Kind: onward.Interview, At: interview, EndsAt: interview.Add(time.Hour)},
					{ApplicationID: a.ID, Kind: onward.Rejected, At: now.AddDate(0, 0, -2)},
				} {
					if err := tx.InsertEvent(ctx, &e); err != nil {
						return err
					}
				}
				l := store.Lesson{ApplicationID: a.ID, Text: lessons[i%len(lessons)]}
				if err := tx.InsertLesson(ctx, &l); err != nil {
					return err
				}
				ids = append(ids, a.ID)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("seed applications: %w", err)
		}
	}
	return ids, nil
}

var roles = []string{"Platform Engineer", "Backend Developer", "Site Reliability Engineer", "Data Engineer"}

var lessons = []string{
	"Explain the trade-offs of the design before the details.",
	"Ask what the team measures itself by.",
	"Bring one concrete story about an outage I handled.",
}

// seedMessages plans n check-ins to the user (learn and let_go in turn, the
// kinds the daemon sends by itself) on the given applications, due at
// due(i), and returns each one's Message-ID with its stored due time.
func seedMessages(ctx context.Context, st *store.Store, apps []int64, n int, due func(i int) time.Time) (map[string]time.Time, error) {
	out := make(map[string]time.Time, n)
	for done := 0; done < n; done += seedChunk {
		err := st.Update(ctx, func(tx *store.Tx) error {
			for i := done; i < min(done+seedChunk, n); i++ {
				kind := onward.Learn
				if i%2 == 1 {
					kind = onward.LetGo
				}
				m := store.Message{ApplicationID: apps[i%len(apps)], Kind: kind, Audience: onward.User,
					To: user.String(), DueAt: due(i), MessageID: store.NewMessageID(user.Email)}
				if err := tx.InsertMessage(ctx, &m); err != nil {
					return err
				}
				out["<"+m.MessageID+">"] = time.UnixMilli(m.DueAt.UnixMilli())
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("seed messages: %w", err)
		}
	}
	return out, nil
}

// future spreads message i of a backlog over the coming year, never due in
// the next hour, the way a long job hunt's stay-in-touch notes would lie.
func future(now time.Time, rng *rand.Rand) func(int) time.Time {
	return func(int) time.Time {
		return now.Add(time.Hour + time.Duration(rng.Int64N(int64(365*24*time.Hour))))
	}
}

// newDB returns a fresh database file path under dir.
func newDB(dir, name string) (string, error) {
	path := filepath.Join(dir, name)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return "", err
		}
	}
	return path, nil
}

// figureDB makes the folder of one figure under -dir and returns it with
// the path of a fresh database in it.
func figureDB(o *options, figure string) (dir, db string, err error) {
	dir = filepath.Join(o.dir, figure)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", "", err
	}
	db, err = newDB(dir, "onward.db")
	return dir, db, err
}

// composer is what the daemon builds from the config, for the same user.
func composer(st *store.Store, tpl *templates.Set, loc *time.Location) *compose.Composer {
	return &compose.Composer{Store: st, Templates: tpl, User: user, Location: loc, Command: "onward"}
}

// world is what every figure that renders needs: the built-in templates
// and the user's zone.
func world() (*templates.Set, *time.Location, error) {
	tpl, err := templates.Load("")
	if err != nil {
		return nil, nil, err
	}
	loc, err := time.LoadLocation(userZone)
	if err != nil {
		return nil, nil, err
	}
	return tpl, loc, nil
}
