package address

import (
	"errors"
	"net/mail"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    Address
		wantErr string // part of the error; "" for success
	}{
		{in: "Dana Reyes <dana@acme.example>", want: Address{Name: "Dana Reyes", Email: "dana@acme.example"}},
		{in: "dana@acme.example", want: Address{Email: "dana@acme.example"}},
		{in: "<dana@acme.example>", want: Address{Email: "dana@acme.example"}},
		{in: `"Reyes, Dana" <dana@acme.example>`, want: Address{Name: "Reyes, Dana", Email: "dana@acme.example"}},
		{in: "Zoë Ünal <zoe@acme.example>", want: Address{Name: "Zoë Ünal", Email: "zoe@acme.example"}},
		{in: "=?utf-8?q?Zo=C3=AB?= <zoe@acme.example>", want: Address{Name: "Zoë", Email: "zoe@acme.example"}},
		{in: "dana@bücher.example", want: Address{Email: "dana@bücher.example"}},
		{in: `"dana reyes"@acme.example`, want: Address{Email: "dana reyes@acme.example"}},
		{in: "Dana (recruiting) <dana@acme.example>", want: Address{Name: "Dana", Email: "dana@acme.example"}},
		{in: "", wantErr: `address: invalid address "": empty`},
		{in: "   ", wantErr: "empty"},
		{in: "x", wantErr: `address: invalid address "x": missing @`},
		{in: "dana@acme.example\r\nBcc: evil@x.example", wantErr: "line break"},
		{in: "Dana\n <dana@acme.example>", wantErr: "line break"},
		{in: "dana@acme.example\x00", wantErr: "NUL"},
		{in: "dana@acme.example, evil@x.example", wantErr: "expected single address"},
		{in: "Dana <dana@acme.example> trailing", wantErr: "expected single address"},
		{in: "team: dana@acme.example, evil@x.example;", wantErr: "group syntax"},
		{in: "team: dana@acme.example;", wantErr: "group syntax"},
		{in: "undisclosed-recipients:;", wantErr: "missing @"},
		{in: "dana@", wantErr: "invalid address"},
		{in: "=?utf-8?q?Dana=0D=0ABcc=3A_evil=40x.example?= <dana@acme.example>", wantErr: "CR, LF or NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse(%q) = %v, %v; want an ErrInvalid with %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseAcceptsColonInQuotesAndLiterals(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`"Re: Dana" <dana@acme.example>`,
		`Dana (note: recruiter) <dana@acme.example>`,
	} {
		if _, err := Parse(in); err != nil {
			t.Errorf("Parse(%q): %v", in, err)
		}
	}
}

func TestAddressString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   Address
		want string
	}{
		{Address{Email: "dana@acme.example"}, "dana@acme.example"},
		{Address{Name: "Dana Reyes", Email: "dana@acme.example"}, `"Dana Reyes" <dana@acme.example>`},
		{Address{Name: "Zoë", Email: "zoe@acme.example"}, "=?utf-8?q?Zo=C3=AB?= <zoe@acme.example>"},
		{Address{Email: "dana reyes@acme.example"}, `"dana reyes"@acme.example`},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.in, got, tt.want)
		}
		// Whatever String writes, net/mail and Parse read back.
		back, err := Parse(tt.in.String())
		if err != nil || back != tt.in {
			t.Errorf("Parse(%q) = %#v, %v; want %#v", tt.in.String(), back, err, tt.in)
		}
		if _, err := mail.ParseAddress(tt.in.String()); err != nil {
			t.Errorf("net/mail cannot parse %q: %v", tt.in.String(), err)
		}
	}
}

func TestDisplayRoundTrips(t *testing.T) {
	t.Parallel()
	for _, a := range []Address{
		{Name: "José Müller", Email: "jose@acme.example"},
		{Name: "Reyes, Dana", Email: "dana@acme.example"},
		{Name: `Dana "DJ" Reyes`, Email: "dana@acme.example"},
		{Name: `back\slash`, Email: "b@acme.example"},
		{Name: "", Email: "plain@acme.example"},
		{Name: "李小龍", Email: "li@acme.example"},
	} {
		d := a.Display()
		if strings.Contains(d, "=?") {
			t.Errorf("Display(%+v) = %q is encoded", a, d)
		}
		back, err := Parse(d)
		if err != nil || back != a {
			t.Errorf("Parse(Display(%+v) = %q) = %+v, %v", a, d, back, err)
		}
	}
}
