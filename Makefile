# Build, test and lint onward. `make` alone builds the binary.
.PHONY: build test lint demo clean

build:
	go build -o onward ./cmd/onward

# The README's test command; CI runs the same through .ci/run.
test:
	go test -race -count=1 ./...

lint:
	go vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); exit 1)

demo:
	go run ./cmd/onward demo

clean:
	rm -f onward
