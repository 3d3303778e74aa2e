# Build, test and lint onward. `make` alone builds the binary.
.PHONY: build test lint demo soak clean

build:
	go build -o onward ./cmd/onward

# staticcheck's version, pinned here and in .ci/run. `go run pkg@version`
# fetches it through the module proxy, checked against the checksum
# database, without adding its requirements to go.mod: a tool directive
# there would raise golang.org/x/net, x/text and x/crypto for the daemon
# too.
STATICCHECK = honnef.co/go/tools/cmd/staticcheck@v0.8.2

# The README's test command; CI runs the same through .ci/run. -shuffle=on
# runs the tests in a random order, so one that leans on another's leftovers
# fails; the seed is printed first (replay with -shuffle=SEED).
test:
	go test -race -count=1 -shuffle=on ./...

lint:
	go vet ./...
	go run $(STATICCHECK) ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

demo:
	go run ./cmd/onward demo

# Ten minutes of random faults against the real binary, every promise
# checked at the end (soak/README.md); SOAK_FLAGS="-minutes 1 -seed N".
soak:
	go run ./soak $(SOAK_FLAGS)

clean:
	rm -f onward
