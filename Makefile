# credit-ledger: the two set-up commands are `make run` and `make test`.
CARGO  ?= cargo
# Cargo's target directory: $(CARGO_TARGET_DIR) when set, as cargo does.
BIN    := $(or $(CARGO_TARGET_DIR),target)/release/credit-ledger
LEDGER ?= target/run/ledger
OUT    ?= out
ON     ?= 2025-12-31
FACTS  := fixtures/division-08/facts.jsonl

.PHONY: run test test-browser render-time lint build fixtures bench bench-huge clean mutants soak serve load

build:
	$(CARGO) build --release --locked -p credit-ledger

## The main job: a fresh ledger, the fixture division imported, the annual grading of 2025
## issued, and the 2026 supervision plan drawn, written as a workbook and re-checked (issue 11).
PLAN_SALT ?= make-run 2026
AUTHORITY ?= 11659001MB1234567K
run: build
	rm -rf $(LEDGER)
	mkdir -p $(dir $(LEDGER)) $(OUT)
	$(BIN) --ledger $(LEDGER) import $(FACTS)
	$(BIN) --ledger $(LEDGER) grade-all --on $(ON) --division 08
	$(BIN) --ledger $(LEDGER) grade-all --on $(ON) --division 08 --format csv --output $(OUT)/grades-$(ON).csv
	$(BIN) --ledger $(LEDGER) issue --year 2025
	$(BIN) --ledger $(LEDGER) plan --year 2026 --division 08 --salt "$(PLAN_SALT)" --authority $(AUTHORITY) \
	  --inspectors fixtures/plan/inspectors-08.toml --format xlsx --output $(OUT)/plan-2026-08.xlsx
	$(BIN) --ledger $(LEDGER) plan verify PLAN-2026-08
	@echo "CSV: $(OUT)/grades-$(ON).csv   plan: $(OUT)/plan-2026-08.xlsx   ledger: $(LEDGER)"

## The ledger as a service (README "The server", "The web pages"): the fixture division in its
## own ledger (imported, and the 2025 annual run issued, when missing) served on loopback with the
## demo access file; prints the URL (pages under /ui/); Ctrl-C stops.
SERVE_ADDR   ?= 127.0.0.1:8080
SERVE_LEDGER ?= target/serve/ledger
ACCESS       ?= fixtures/server/access.toml
serve: build
	@test -e $(SERVE_LEDGER) || (mkdir -p $(dir $(SERVE_LEDGER)) && $(BIN) --ledger $(SERVE_LEDGER) import $(FACTS) \
	  && $(BIN) --ledger $(SERVE_LEDGER) issue --year 2025)
	$(BIN) --ledger $(SERVE_LEDGER) serve --listen $(SERVE_ADDR) --access $(ACCESS)

## Every test: the purity lint, unit, scenarios, golden bytes, ledger, CLI, fixture checks.
test: lint
	$(CARGO) test --workspace --locked

## The pages in headless Chromium through WebDriver (crates/server/tests/browser.rs): needs
## chromium and chromedriver (Debian: chromium chromium-driver fonts-wqy-microhei poppler-utils);
## rewrites the screenshots under docs/screenshots.
test-browser:
	$(CARGO) test --locked -p server --test browser -- --ignored --test-threads=1

## The enterprise file with 200 facts, served by a release build (issue 10: under 100 ms on
## the server): 20 requests over loopback, the median and maximum printed, no time asserted.
render-time:
	$(CARGO) test --release --locked -p server --test pages_render_time -- --nocapture

## The crash harness at length (docs/TESTING.md "Crash safety"): CRASH_KILLS SIGKILLs of a
## writing child (make test runs 50), then the counts; CRASH_SEED=N replays another schedule.
CRASH_KILLS ?= 1000
soak:
	CRASH_KILLS=$(CRASH_KILLS) $(if $(CRASH_SEED),CRASH_SEED=$(CRASH_SEED)) \
	  $(CARGO) test --locked -p credit-ledger --test crash -- --exact issue7_crash_kills --nocapture

## The functional core (model, rules, grading, supervision), the page rendering (ui) and the workbook writer (xlsx) do no I/O, read no clock or
## environment: clippy's disallowed-methods (each crate's clippy.toml) enforce it.
lint:
	$(CARGO) clippy --locked -p model -p rules -p grading -p ui -p supervision -p xlsx --lib -- -D clippy::disallowed_methods

## Regenerate the fixture division and the spreadsheet fixtures (deterministic: same seed, same bytes).
fixtures:
	$(CARGO) run --release --locked -p fixturegen -- --seed 8 --division 08 --enterprises 220 --out $(FACTS)
	$(CARGO) run --release --locked -p fixturegen -- sheets --out fixtures/sheets

clean:
	rm -rf $(LEDGER) $(OUT) $(SERVE_LEDGER) $(SERVE_LEDGER).audit.jsonl $(SERVE_LEDGER).server

## Benchmarks (issue 7): credit-ledger vs a SQLite baseline vs the raw-file floor at 10^5 and
## 10^6 facts, side by side in one run; writes BENCHMARKS.md. BENCH_FLAGS: see `bench --help`.
## bench-huge adds 10^7 facts (also BENCH_HUGE=1 make bench).
BENCH_FLAGS ?=
bench:
	$(CARGO) build --release --locked -p credit-ledger -p fixturegen -p bench
	$(dir $(BIN))bench $(BENCH_FLAGS)

bench-huge:
	$(MAKE) bench BENCH_FLAGS="--huge $(BENCH_FLAGS)"

## The server under load (issue 9, item 9): group commit against one flush per append with 1, 8
## and 64 concurrent writers and 2 readers, in one run (about a minute and a half); replaces the
## section "Server under load (issue 9)" of BENCHMARKS.md. LOAD_FLAGS: see `load --help`.
LOAD_FLAGS ?=
load:
	$(CARGO) build --release --locked -p bench --bin load
	$(dir $(BIN))load $(LOAD_FLAGS)

## Mutation testing (docs/TESTING.md): cargo-mutants on each crate of MUTANTS_CRATES, in a
## scratch copy, against the tests of the pure crates (grading's own tests replay every
## scenario in memory); one report per crate in target/mutants/<crate>/mutants.out.
## Missed mutants do not fail the target; a failing baseline or a usage error does.
MUTANTS_CRATES ?= grading rules model
MUTANTS_JOBS   ?= 2
MUTANTS_FLAGS  ?=
mutants:
	@$(CARGO) mutants --version >/dev/null 2>&1 || $(CARGO) install --locked cargo-mutants
	@for c in $(MUTANTS_CRATES); do \
	  echo "== cargo mutants -p $$c (tests of model, rules, grading)"; rc=0; mkdir -p target/mutants/$$c; \
	  $(CARGO) mutants -p $$c --test-package model,rules,grading --profile mutants -j $(MUTANTS_JOBS) \
	    --minimum-test-timeout 60 -o target/mutants/$$c $(MUTANTS_FLAGS) || rc=$$?; \
	  case $$rc in 0|2|3) ;; *) echo "cargo mutants failed on $$c (exit $$rc)"; exit $$rc;; esac; \
	done
