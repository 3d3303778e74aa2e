package mailer

import "github.com/onward-app/onward/address"

// Address is one mailbox; the package address reads and checks it, so that
// config can do so without linking this package's SMTP client.
type Address = address.Address

// ParseAddress parses a single address; see address.Parse.
func ParseAddress(s string) (Address, error) { return address.Parse(s) }
