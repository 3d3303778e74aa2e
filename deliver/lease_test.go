package deliver_test

import (
	"testing"
	"time"

	"github.com/onward-app/onward"
	"github.com/onward-app/onward/internal/smtptest"
	"github.com/onward-app/onward/mailer"
)

// A claim, the daemon's or a drafts send's, always outlasts the longest
// send the setup allows, however long the send timeout: a claim that ran
// out while its send was on the wire once let a draft go out twice.
func TestClaimsOutliveTheSendTimeout(t *testing.T) {
	t.Parallel()
	const sendTimeout = 20 * time.Minute // longer than the five-minute floor
	for _, tc := range []struct {
		name string
		kind onward.Kind
		// start claims the message and sends it; it returns when the
		// send is over.
		start func(b *bundle, id int64) error
	}{
		{name: "drafts send", kind: onward.ThankYou, start: func(b *bundle, id int64) error {
			_, err := b.d.SendDraft(b.ctx, b.setup, id)
			return err
		}},
		{name: "daemon", kind: onward.Learn, start: func(b *bundle, _ int64) error {
			_, err := b.d.Cycle(b.ctx, b.setup)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, smtptest.Script{Stall: "DATA"})
			slow, err := mailer.NewSMTP(mailer.SMTPConfig{Host: b.server.Host, Port: b.server.Port, Security: "none",
				Timeout: smtptest.WaitTimeout, SendTimeout: sendTimeout})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { slow.Close() })
			b.setup.Mail, b.setup.Send, b.setup.SendTimeout = slow, slow, slow.SendTimeout()

			app := b.apply(t, "Dana Reyes <dana@northwind.example>")
			if tc.kind == onward.ThankYou {
				b.setup.Mail = &mailer.Outbox{Dir: t.TempDir()} // the notice of the draft
				if _, err := b.tracker.Interview(b.ctx, app.ID, b.clock.Now(), time.Hour); err != nil {
					t.Fatal(err)
				}
				b.clock.Add(4 * time.Hour)
				b.cycle(t) // writes the draft
			} else {
				if _, err := b.tracker.Reject(b.ctx, app.ID, b.clock.Now(), ""); err != nil {
					t.Fatal(err)
				}
				b.clock.Add(25 * time.Hour)
			}
			claimedAt := b.clock.Now()
			done := make(chan error, 1)
			id := b.only(t, tc.kind).ID
			go func() { done <- tc.start(b, id) }()
			b.server.WaitStalled(t)
			m := b.only(t, tc.kind)
			if m.Status != onward.StatusSending {
				t.Fatalf("the %s is %s while on the wire", tc.kind, m.Status)
			}
			if lease := m.LeaseUntil.Sub(claimedAt); lease <= sendTimeout {
				t.Errorf("the claim lasts %s, not longer than the %s a send may take", lease, sendTimeout)
			}
			b.server.Release()
			select {
			case err := <-done:
				if err != nil {
					t.Fatal(err)
				}
			case <-time.After(smtptest.WaitTimeout):
				t.Fatal("the send did not end")
			}
			if got := b.only(t, tc.kind); got.Status != onward.StatusSent {
				t.Errorf("after the 250 the %s is %s (%q)", tc.kind, got.Status, got.LastError)
			}
		})
	}
}
