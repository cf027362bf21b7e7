# The two commands of the README: `make serve` to work on the site, `make test`
# to check it. Both set up what they need first (scripts/setup.sh is idempotent).
PY := .venv/bin/python

.PHONY: serve build test setup setup-test clean

serve: setup
	$(PY) build.py serve

build: setup
	$(PY) build.py build

test: setup-test
	$(PY) -m pytest

setup:
	scripts/setup.sh

setup-test:
	scripts/setup.sh --test

clean:
	rm -rf public test-results .pytest_cache
