# The two set-up commands a newcomer runs: `make demo` and `make test`. Both create .venv first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install demo test serve package bench bench-day clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) -m devtools.demo

test: install
	$(PY) -m pytest -q

serve: install
	$(PY) -m devtools.serve

# The deployable template and code zip in dist/ (STAGE=prod for production); see the README's deploy guide.
package: install
	$(PY) -m devtools.package --stage $(or $(STAGE),dev)

# The benchmarks: triage accuracy and speed, cold-start imports (fails when a target is missed),
# AWS calls and write units per complaint on the local stack (about 5 minutes; ends with a JSON line),
# then the simulated day at state scale (bench-day).
bench: install
	$(PY) bench/triage_bench.py
	$(PY) bench/cold_start.py
	$(PY) bench/store_costs.py
	$(PY) bench/day.py

# A simulated day at state scale, new design against today's poll: a table, dist/bench/day.json and
# day_latency.png, and a closing JSON line (under 10 minutes on 2 quiet cores; see bench/day.py).
bench-day: install
	$(PY) bench/day.py

clean:
	rm -rf $(VENV) dist .pytest_cache
