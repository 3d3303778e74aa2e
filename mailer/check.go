package mailer

import (
	"context"
	"fmt"
	"time"
)

// Check connects, secures the connection and logs in as Send would, then
// says goodbye with QUIT: nothing is sent. It is how `config check
// --connect` learns that the settings work before a message depends on
// them. The error reads like a failed Send's (the step, the server's
// words, never the password).
func (s *SMTP) Check(ctx context.Context) error {
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("mailer: check %s: %w", s.addr, context.Cause(ctx))
	}
	defer func() { <-s.turn }()
	if s.closed {
		return fmt.Errorf("mailer: check %s: %w", s.addr, ErrClosed)
	}
	stop := context.AfterFunc(ctx, s.abort)
	defer stop()
	s.hangUp() // a kept session proves nothing about the login now
	s.end = time.Now().Add(s.sendTimeout)
	session, err := s.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		de := s.failure(ctx, err)
		s.drop()
		return de
	}
	s.session = session
	s.hangUp()
	return nil
}
