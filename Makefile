# The two set-up commands a newcomer runs: `make demo` and `make test`. Both create .venv first.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: install demo test chaos serve soak package bench bench-day retrain places clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

demo: install
	$(PY) -m devtools.demo

test: install
	$(PY) -m pytest -q

# The fault and abuse suite: every scenario of devtools/chaos/scenarios/ on its own local stack (kills,
# overlaps, X and AWS faults, a burst and an outage), invariants checked, the HTTP surface abused, personal data
# scanned for; dist/chaos/report.json and a closing JSON line (about 9 minutes on 2 cores). See the README.
chaos: install
	$(PY) -m devtools.chaos

serve: install
	$(PY) -m devtools.serve

# `make serve` for SOAK_MINUTES (default 30) under steady load, each process's memory sampled: a table,
# dist/soak/report.json and a closing JSON line; fails when the memory bound does not hold (devtools/soak.py).
soak: install
	$(PY) -m devtools.soak

# The deployable template and code zip in dist/ (STAGE=prod for production); see the README's deploy guide.
package: install
	$(PY) -m devtools.package --stage $(or $(STAGE),dev)

# The benchmarks: triage accuracy and speed, cold-start imports (fails when a target is missed),
# AWS calls and write units per complaint on the local stack (about 5 minutes; ends with a JSON line),
# each Lambda function's peak memory and duration per batch against the deploy config (fails when the
# config lacks the headroom; see bench/function_bounds.py), then the simulated day at state scale (bench-day).
bench: install
	$(PY) bench/triage_bench.py
	$(PY) bench/cold_start.py
	$(PY) bench/store_costs.py
	$(PY) bench/function_bounds.py
	$(PY) bench/day.py

# A simulated day at state scale, new design against today's poll: a table, dist/bench/day.json and
# day_latency.png, and a closing JSON line (under 10 minutes on 2 quiet cores; see bench/day.py).
bench-day: install
	$(PY) bench/day.py

# Retrain the triage's model on the project's labelled set plus officers' corrections (CORRECTIONS=file.jsonl,
# as `python -m chalicelib.admin corrections export` writes it). Prints the cross-validated gain first and
# writes chalicelib/triage/data/model.json only when there is one; commit it after reading the report.
retrain: install
	$(PY) -m devtools.retrain $(if $(CORRECTIONS),--corrections $(CORRECTIONS))

# Rebuild the triage's India-wide place index (chalicelib/triage/data/india_places.json) from India
# Post's directory (the indian-pincode packages, development dependencies only).
places: install
	$(PY) -m devtools.build_india_places

clean:
	rm -rf $(VENV) dist .pytest_cache
