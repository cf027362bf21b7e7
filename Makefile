# The two commands of the README: `make serve` to work on the site, `make test`
# to check it. Both set up what they need first (scripts/setup.sh is idempotent).
PY := .venv/bin/python

.PHONY: serve build test bench setup setup-test clean

serve: setup
	$(PY) build.py serve

build: setup
	$(PY) build.py build

test: setup-test
	$(PY) -m pytest

bench: setup-test  # N = 1,000 and 10,000 against Hugo (bench/README.md); BENCH_ARGS=--quick for a smoke run
	$(PY) bench/run.py $(BENCH_ARGS)

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

clean:
	rm -rf public test-results .pytest_cache
