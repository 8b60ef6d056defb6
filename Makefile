# Two commands for a fresh machine (see README):
#   make run   - set up, then build, validate, analyse and map the bundled data
#   make test  - set up (system packages too, when run as root), then pass the tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= build

.PHONY: run test test-quick setup setup-test system-deps clean docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Editable: the commands read data/ and ontology/ from this checkout (an edited fact is in the
# next build) and keep the bundled graph in its build/, so the graph `make run` builds is the
# one the commands then use. A regular install would build it again in ~/.cache/harbin-kg and
# leave setuptools' build/lib/ in the output folder.
setup: $(BIN)/python
	$(BIN)/pip install --quiet -e .

setup-test: $(BIN)/python system-deps
	$(BIN)/pip install --quiet -e '.[test]'

# Debian packages the browser tests need: Chromium (driven by PyPI playwright, never
# `playwright install`) and a CJK font so Chinese labels render.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'wenquanyi\|wqy'; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; \
	  else \
	    echo "Chromium or the CJK font is missing: sudo apt-get install -y chromium fonts-wqy-zenhei" >&2; exit 1; \
	  fi; \
	fi

run: setup
	$(BIN)/harbin-kg build -o $(OUT)
	@# the summary line counts the warnings; `harbin-kg validate build/harbin.ttl` lists them
	$(BIN)/harbin-kg validate $(OUT)/harbin.ttl --no-warnings
	$(BIN)/harbin-kg stats $(OUT)/harbin.ttl
	$(BIN)/harbin-kg centrality $(OUT)/harbin.ttl --top 10 --save-rdf $(OUT)/analysis.ttl --force
	$(BIN)/harbin-kg map $(OUT)/harbin.ttl -o $(OUT)/ecosystem-map.html --force
	@echo "Open $(OUT)/ecosystem-map.html in a browser."

# Two workers; worksteal rebalances the long tests (builds, browsers, notebooks), which
# tests/conftest.py puts first. Each line of dots ends with [done/total]; the 20 slowest tests
# are listed before the summary.
PYTEST_FLAGS ?= -n 2 --dist worksteal -q -o console_output_style=count --durations=20

# ruff first (under a second); mypy (about 20 s of CPU from a fresh clone) beside the tests, its
# report shown after theirs; either failing fails `make test`.
test: setup-test
	$(BIN)/ruff check .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@mypy_log=$$(mktemp); \
	$(BIN)/mypy harbin_kg >$$mypy_log 2>&1 & mypy=$$!; \
	echo "$(BIN)/mypy harbin_kg (beside the tests, reported after them)"; \
	echo "$(BIN)/python -m pytest $(PYTEST_FLAGS) --nbmake tests notebooks"; \
	$(BIN)/python -m pytest $(PYTEST_FLAGS) --nbmake tests notebooks; tests=$$?; \
	wait $$mypy; typed=$$?; \
	echo "--- $(BIN)/mypy harbin_kg:"; cat $$mypy_log; rm -f $$mypy_log; \
	test $$tests -eq 0 -a $$typed -eq 0

# The quick loop while editing: everything but the tests marked slow (builds of the real data,
# browsers, servers, the docs examples, pySHACL per shape case, the query budget on the real
# graph) and the notebooks. `make test` runs them all.
test-quick:
	$(BIN)/python -m pytest $(PYTEST_FLAGS) -m "not slow" tests

# Docs that cannot drift: rerun every console example of README.md and docs/*.md, rewrite the
# outputs shown there that changed, and regenerate docs/cli.md from the commands (review the diff).
docs: setup-test
	$(BIN)/python tools/docs.py --update

clean:
	rm -rf $(OUT) $(VENV) *.egg-info
