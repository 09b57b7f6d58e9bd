# Mutasi — every command a developer or CI needs. `make demo` and `make test` are the two that matter.
SHELL := /bin/bash
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON := python3.11
VENV := .venv
PY := $(VENV)/bin/python
# uv, pinned, in a bootstrap venv of its own: the same on every machine, whatever else is installed there.
UV := .tools/bin/uv

.PHONY: install prometheus-tools asyncapi-parser check mutation chaos demo test lint types contracts-check unit component integration e2e bench bench-round schemas up down stack-up stack-down clean

$(UV):
	python3.11 -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.installed: uv.lock pyproject.toml $(wildcard */*/pyproject.toml) cli/pyproject.toml | $(UV)
	$(UV) sync --locked --all-packages
	@touch $@

# promtool (alert rules: check and unit tests) and prometheus (the e2e alert check): Debian's packages, installed
# when missing; the tests that need them skip with the reason when they are absent (not root, no apt).
prometheus-tools:
	@command -v promtool >/dev/null && command -v prometheus >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; \
	  else echo "prometheus-tools: not root or no apt-get: the promtool and Prometheus tests will skip"; fi; }

# The official AsyncAPI parser (npm), pinned by tools/asyncapi/package-lock.json, for tests/unit/test_asyncapi.py.
asyncapi-parser: tools/asyncapi/node_modules/.package-lock.json
tools/asyncapi/node_modules/.package-lock.json: tools/asyncapi/package-lock.json
	@command -v npm >/dev/null || { echo "asyncapi-parser: npm missing: the AsyncAPI parser test will skip"; exit 0; }; \
	  npm ci --prefix tools/asyncapi --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed ## create .venv with exactly the locked versions

demo: install ## a whole programme round on the local stack (no Docker), then a summary line
	$(VENV)/bin/mutasi demo --stack

console: install ## the local stack, the console and a small demo round, left running; prints the URL and logins
	$(VENV)/bin/mutasi demo --stack --keep --size 400

# Debian's Chromium for the browser tests (Playwright drives it; no browser download). Installed when missing;
# without root or apt-get, or when apt-get fails, the browser tests skip with that reason.
chromium: ## Debian's Chromium and ChromeDriver for the browser tests (apt-get when missing; needs root)
	@command -v chromium >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    chromium chromium-driver) >/dev/null || echo "chromium: apt-get failed: the browser tests will be skipped"; \
	  else echo "chromium is missing and this is not root: the browser tests will be skipped"; fi; }

browser: install chromium ## only the console's browser tests (also in make test; screenshots in .run/console-screens/)
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/browser

test: install chromium lint types contracts-check prometheus-tools asyncapi-parser ## lint, types, import contracts, then every test in two lanes side by side
	$(PY) tools/test_lanes.py

check: install lint types contracts-check ## the fast subset: lint, types, import contracts, unit tests (what pre-commit runs, plus unit)
	$(VENV)/bin/pytest -q -p no:cacheprovider tests/unit

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: install
	$(VENV)/bin/mypy libs services cli

contracts-check: install
	$(VENV)/bin/lint-imports

unit: install
	$(VENV)/bin/pytest -q tests/unit
component: install
	$(VENV)/bin/pytest -q tests/component
integration: install
	$(VENV)/bin/pytest -q tests/integration
e2e: install
	$(VENV)/bin/pytest -q tests/e2e
chaos: install ## the fault suite: kill -9 each service and restart the database mid-round, compared with a clean run
	$(VENV)/bin/pytest -q -p no:cacheprovider -s tests/faults

mutation: install ## a bounded mutation pass over the chassis (cosmic-ray, a seeded sample); survivors listed at the end
	@mkdir -p out && rm -f out/mutation.sqlite
	$(VENV)/bin/cosmic-ray init tools/mutation.toml out/mutation.sqlite
	$(PY) tools/mutation_sample.py out/mutation.sqlite --keep $${MUTANTS:-60} --seed $${SEED:-2026}
	$(VENV)/bin/cosmic-ray exec tools/mutation.toml out/mutation.sqlite
	$(VENV)/bin/cr-report out/mutation.sqlite | tail -3
	@$(VENV)/bin/cosmic-ray dump out/mutation.sqlite | $(PY) -c 'import json,sys; [print("survived:", j["mutations"][0]["module_path"].split("/")[-1], j["mutations"][0]["start_pos"][0], j["mutations"][0]["operator_name"]) for j,r in map(json.loads, sys.stdin) if r and r.get("test_outcome") == "survived"]'

bench: install ## benchmarks; machine-readable JSON lines on stdout and in out/bench.jsonl
	$(PY) -m bench

# A province round through the four services on the local stack at each size, chassis ceiling beside it (JSON
# lines; docs/bench-round.md). The three sizes show how the time grows up to the whole province (117,000 ASN);
# on a quiet 2-core machine all three take 5-6 minutes (BENCH_ROUND_SIZES=2500,10000 for a quick look).
BENCH_ROUND_SIZES ?= 2500,10000,117000
bench-round: install ## a whole round through the services per size, per stage, with the chassis ceiling
	BENCH_ROUND_SIZES=$(BENCH_ROUND_SIZES) $(PY) -m bench round

schemas: install ## regenerate the committed JSON Schemas and examples of every topic
	$(PY) -m mutasi.contracts.schemagen
	$(PY) -m mutasi.chassis.kafka_acls > deploy/kafka/acls.sh

acls: install ## regenerate deploy/kafka/acls.sh from the topic registry (also part of `make schemas`)
	$(PY) -m mutasi.chassis.kafka_acls > deploy/kafka/acls.sh

stack-up: install
	$(VENV)/bin/mutasi stack up
stack-down: install
	$(VENV)/bin/mutasi stack down

up: ## Docker host only: Apache Kafka, MongoDB replica set, the four services, Prometheus, Grafana
	docker compose -f deploy/compose.yaml up -d --build
down:
	docker compose -f deploy/compose.yaml down -v

clean:
	rm -rf $(VENV) .tools .run out .mypy_cache .ruff_cache .pytest_cache
