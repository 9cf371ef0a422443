# tc — make targets. `make demo` and `make test` do all their own set-up (npm ci, build).
SHELL := /bin/bash
NODE_MODULES := node_modules/.package-lock.json
BUILD := dist/tc.js

.PHONY: all demo test build schemas fixtures bench clean typecheck

all: build

$(NODE_MODULES): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $(NODE_MODULES)

$(BUILD): $(NODE_MODULES) $(shell find src -name '*.ts') scripts/build.mjs
	node scripts/build.mjs

build: $(BUILD)

## Run the bundled hello module, recorded into a registry under .demo/, and show what was recorded.
demo: build
	@rm -rf .demo && mkdir -p .demo/out
	node bin/tc.js run --registry .demo/registry --dir .demo/out::/out wasm-fixtures/c/files.wasm /out
	node bin/tc.js run --registry .demo/registry wasm-fixtures/c/hello.wasm
	@echo "--- registry .demo/registry:"
	@find .demo/registry -type f | sort | while read f; do printf '%8d  %s\n' "$$(stat -c %s "$$f")" "$$f"; done

test: build
	npx vitest run

typecheck: $(NODE_MODULES)
	npx tsc --noEmit

## Regenerate src/format from schemas/*.fbs (needs Debian's flatbuffers-compiler).
schemas:
	rm -rf src/format && flatc --ts -o src/format schemas/*.fbs
	find src/format -name '*.ts' -exec sed -i -E "s#(from '\.[^']*)'#\1.js'#" {} +

## Rebuild the committed .wasm fixtures (C needs clang-14 and wasi-libc, see wasm-fixtures/README.md).
fixtures: $(NODE_MODULES)
	$(MAKE) -C wasm-fixtures all
	$(MAKE) -C bench/c all

bench: build
	node bench/run.mjs

clean:
	rm -rf dist .demo
