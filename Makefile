# meetvault developer entry points. The embedded stack (Temporal, Postgres,
# S3, simulator, worker) is managed by scripts/stack.sh; state lives in .dev/.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# Go may live at /usr/local/go/bin without being on PATH.
export PATH := $(PATH):/usr/local/go/bin
GO ?= go

BINARIES := ./workers ./starter ./zoomsim/cmd/zoomsim

# Fuzz targets as PKG:FuzzName (or just PKG when it holds one fuzz test),
# e.g. FUZZ_TARGETS := ./zoom:FuzzVerifyWebhook ./zoom:FuzzParseEvent
FUZZ_TARGETS ?= ./workers:FuzzZoomWebhook ./botprovider:FuzzVerifyWebhook ./botprovider:FuzzParseStatusEvent \
	./botprovider:FuzzBotAPIResponses ./zoom:FuzzAPIResponses ./zoom:FuzzTokenAnswer ./zoom:FuzzRecordingFileJSON \
	./zoom:FuzzMeetingIDFromURL ./zoomsim:FuzzScenario ./config:FuzzLoad ./codec:FuzzDecode ./codec:FuzzKeyConfig \
	./store:FuzzRedactWebhookBody ./zoom:FuzzCheckResponse ./netguard:FuzzAllowlist ./netguard:FuzzScrubText \
	./activities:FuzzObjectKey
FUZZTIME ?= 60s

.PHONY: build up down status reset demo test bench lint fuzz

build:
	$(GO) build ./...
	$(GO) build -o bin/ $(BINARIES)

up:
	scripts/stack.sh up

down:
	scripts/stack.sh down

status:
	scripts/stack.sh status

reset:
	scripts/stack.sh reset

demo: up
	scripts/demo.sh

test:
	scripts/test.sh

bench:
	scripts/bench.sh

# gofmt, go vet, staticcheck, errcheck and workflowcheck (pinned, built into
# the shared tool cache on first use; see scripts/lint.sh).
lint:
	scripts/lint.sh

fuzz:
	@if [ -z "$(strip $(FUZZ_TARGETS))" ]; then \
		echo "make fuzz: FUZZ_TARGETS is empty; list PKG:FuzzName entries in the Makefile"; exit 1; fi
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=.; \
		if [ "$$pkg" != "$$t" ]; then name="^$${t#*:}\$$"; fi; \
		echo "fuzz $$pkg $$name for $(FUZZTIME)"; \
		$(GO) test -run='^$$' -fuzz="$$name" -fuzztime=$(FUZZTIME) "$$pkg"; \
	done
