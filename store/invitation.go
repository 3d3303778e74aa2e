package store

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// InvitationNote is what an invitation_notice tells, kept as its note
// (JSON): what the invitation says and what onward did about it.
type InvitationNote struct {
	// Change is "new", "moved" or "cancelled".
	Change  string `json:"change"`
	Summary string `json:"summary,omitempty"`
	// When is the start as RFC 3339 in the event's own zone, Zone its
	// name; Duration as Go writes it ("45m0s").
	When     string   `json:"when"`
	Zone     string   `json:"zone"`
	Duration string   `json:"duration"`
	With     []string `json:"with,omitempty"`
	Where    string   `json:"where,omitempty"`
	// Command records it by hand; empty for a cancellation.
	Command string `json:"command,omitempty"`
	// Recorded says the records were changed (auto_interview): the
	// interview recorded, moved or removed.
	Recorded bool `json:"recorded"`
	// Left says why nothing was changed with auto_interview on.
	Left string `json:"left,omitempty"`
}

// Encode returns the note as stored.
func (n InvitationNote) Encode() string {
	b, _ := json.Marshal(n) // strings and a bool: cannot fail
	return string(b)
}

// DecodeInvitationNote reads a note written by Encode.
func DecodeInvitationNote(s string) (InvitationNote, error) {
	var n InvitationNote
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		return n, fmt.Errorf("store: invitation note: %w", err)
	}
	return n, nil
}

// invitationPrefix starts the note of an interview recorded from a
// calendar invitation: it names the invitation, so its update finds it.
const invitationPrefix = "calendar invitation "

// InvitationMark is the note of an interview recorded from the
// invitation uid at sequence seq.
func InvitationMark(uid string, seq int) string {
	return invitationPrefix + strconv.Itoa(seq) + " " + uid
}

// ParseInvitationMark reads a note written by InvitationMark.
func ParseInvitationMark(note string) (uid string, seq int, ok bool) {
	rest, ok := strings.CutPrefix(note, invitationPrefix)
	if !ok {
		return "", 0, false
	}
	n, uid, ok := strings.Cut(rest, " ")
	if !ok {
		return "", 0, false
	}
	seq, err := strconv.Atoi(n)
	return uid, seq, err == nil && uid != ""
}
