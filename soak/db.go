package main

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// msg is one row of the outbox as the soak last read it.
type msg struct {
	ID, App        int64
	Kind, Audience string
	Recipient      string
	Status         string
	MessageID      string
	DueAt          time.Time
	Attempts       int
	LastError      string
	SentAt         bool
	LastSeen       time.Time
	Gone           bool // deleted with its application
}

// transition is one change of a message's status the sampler saw.
type transition struct {
	ID       int64
	Kind     string
	From, To string
	At       time.Time
}

// sampler reads the outbox a few times a second, read-only, and keeps
// every message it ever saw and every change of status between two reads.
type sampler struct {
	db *sql.DB
	ev *events

	mu sync.Mutex
	// msgs holds the rows of the last read by id; byMessageID every
	// message ever seen. A message is known by its Message-ID: SQLite
	// gives the id of a deleted row to the next one.
	msgs        map[int64]*msg
	byMessageID map[string]*msg
	transitions []transition
	reads       int
}

func openReadOnly(path string) (*sql.DB, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	q.Set("_busy_timeout", "5000")
	q.Set("_query_only", "1")
	db, err := sql.Open("sqlite3", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

func newSampler(path string, ev *events) (*sampler, error) {
	db, err := openReadOnly(path)
	if err != nil {
		return nil, err
	}
	return &sampler{db: db, ev: ev, msgs: map[int64]*msg{}, byMessageID: map[string]*msg{}}, nil
}

func (s *sampler) run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := s.read(ctx); err != nil && ctx.Err() == nil {
			s.ev.add("sampler: %v", err)
		}
	}
}

// read reads the whole outbox once.
func (s *sampler) read(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(application_id, 0), kind, audience, recipient, status,
		message_id, due_at, attempts, last_error, sent_at IS NOT NULL FROM messages`)
	if err != nil {
		return fmt.Errorf("read the outbox: %w", err)
	}
	defer rows.Close()
	now := time.Now()
	var got []msg
	for rows.Next() {
		var m msg
		var due int64
		if err := rows.Scan(&m.ID, &m.App, &m.Kind, &m.Audience, &m.Recipient, &m.Status, &m.MessageID, &due,
			&m.Attempts, &m.LastError, &m.SentAt); err != nil {
			return err
		}
		m.DueAt = time.UnixMilli(due)
		m.LastSeen = now
		got = append(got, m)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	seen := make(map[string]bool, len(got))
	cur := make(map[int64]*msg, len(got))
	for _, m := range got {
		seen[m.MessageID] = true
		old := s.byMessageID[m.MessageID]
		if old != nil && old.Status != m.Status {
			s.transitions = append(s.transitions, transition{ID: m.ID, Kind: m.Kind, From: old.Status, To: m.Status, At: now})
		}
		m := m
		cur[m.ID] = &m
		s.byMessageID[m.MessageID] = &m
	}
	for id, m := range s.byMessageID {
		if !seen[id] {
			m.Gone = true
		}
	}
	s.msgs = cur
	return nil
}

// pick returns the ids of messages that match f.
func (s *sampler) pick(f func(*msg) bool) []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []int64
	for id, m := range s.msgs {
		if !m.Gone && f(m) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func (s *sampler) get(id int64) (msg, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.msgs[id]
	if !ok {
		return msg{}, false
	}
	return *m, true
}

func (s *sampler) byMID(id string) (msg, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.byMessageID[id]
	if !ok {
		return msg{}, false
	}
	return *m, true
}
