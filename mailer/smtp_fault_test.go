package mailer

import (
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"
)

// After a read times out, the session is in doubt: the RSET or QUIT that
// go-mail sends next must fail at once instead of waiting a second
// timeout on a server that stopped answering, and nothing more may reach
// the wire.
func TestNetConnFailsFastAfterAFailure(t *testing.T) {
	t.Parallel()
	client, server := net.Pipe()
	got := make(chan int, 1)
	go func() {
		n, _ := io.Copy(io.Discard, server)
		got <- int(n)
	}()
	nc := &netConn{Conn: client, timeout: time.Millisecond}
	_, err := nc.Read(make([]byte, 16)) // nobody writes: the deadline passes
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("Read = %v, want a timeout", err)
	}
	if _, werr := nc.Write([]byte("RSET\r\n")); !errors.Is(werr, os.ErrDeadlineExceeded) {
		t.Errorf("Write after a timeout = %v, want the first failure again", werr)
	}
	if _, rerr := nc.Read(make([]byte, 16)); !errors.Is(rerr, os.ErrDeadlineExceeded) {
		t.Errorf("Read after a timeout = %v, want the first failure again", rerr)
	}
	_ = client.Close()
	select {
	case n := <-got:
		if n != 0 {
			t.Errorf("%d bytes reached the server after the session failed", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server side never saw the connection close")
	}
}
