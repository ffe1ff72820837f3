# credit-ledger: the two set-up commands are `make run` and `make test`.
CARGO  ?= cargo
# Cargo's target directory: $(CARGO_TARGET_DIR) when set, as cargo does.
BIN    := $(or $(CARGO_TARGET_DIR),target)/release/credit-ledger
LEDGER ?= target/run/ledger
OUT    ?= out
ON     ?= 2025-12-31
FACTS  := fixtures/division-08/facts.jsonl

.PHONY: run test lint build fixtures bench clean

build:
	$(CARGO) build --release --locked -p credit-ledger

## The main job: a fresh ledger, the fixture division imported, the annual grading of 2025.
run: build
	rm -rf $(LEDGER)
	mkdir -p $(dir $(LEDGER)) $(OUT)
	$(BIN) --ledger $(LEDGER) import $(FACTS)
	$(BIN) --ledger $(LEDGER) grade-all --on $(ON) --division 08
	$(BIN) --ledger $(LEDGER) grade-all --on $(ON) --division 08 --format csv --output $(OUT)/grades-$(ON).csv
	@echo "CSV: $(OUT)/grades-$(ON).csv   ledger: $(LEDGER)"

## Every test: the purity lint, unit, scenarios, golden bytes, ledger, CLI, fixture checks.
test: lint
	$(CARGO) test --workspace --locked

## The functional core (model, rules, grading) does no I/O, reads no clock or
## environment: clippy's disallowed-methods (each crate's clippy.toml) enforce it.
lint:
	$(CARGO) clippy --locked -p model -p rules -p grading --lib -- -D clippy::disallowed_methods

## Regenerate the fixture division (deterministic: same seed, same bytes).
fixtures:
	$(CARGO) run --release --locked -p fixturegen -- --seed 8 --division 08 --enterprises 220 --out $(FACTS)

clean:
	rm -rf $(LEDGER) $(OUT)

## Timings of import, grade-all and one grade on the fixture division (medians).
bench:
	$(CARGO) run --release --locked -p credit-ledger --example bench
