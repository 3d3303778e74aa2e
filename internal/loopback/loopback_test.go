package loopback

import "testing"

func TestIs(t *testing.T) {
	t.Parallel()
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "localhost.": false, "127.0.0.1": true, "127.8.9.10": true, "::1": true, "[::1]": true,
		"smtp.example.com": false, "10.0.0.1": false, "192.168.1.1": false, "": false, "localhost.example.com": false,
		"0.0.0.0": false, "::": false,
	} {
		if got := Is(host); got != want {
			t.Errorf("Is(%q) = %v, want %v", host, got, want)
		}
	}
}
