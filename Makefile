# Two commands do everything on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev

.PHONY: demo test install lint bench clean reproduce

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"

# torch is pinned in pyproject.toml; pip takes the local CPU wheel (never uv/poetry here).
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/pretrec demo --output runs/demo

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench examples

test: lint
	$(PY) -m pytest

# One headline row of BENCHMARKS.md: make reproduce ROW=beauty/bsarec [SEEDS=0,1,2]
SEEDS ?= 0,1,2
reproduce: $(STAMP)
	@test -f "configs/$(ROW).yaml" || { echo "usage: make reproduce ROW=DATASET/MODEL (a file configs/DATASET/MODEL.yaml)"; exit 2; }
	$(VENV)/bin/pretrec run --config configs/$(ROW).yaml --seeds $(SEEDS) --output runs/reproduce/$(ROW) --overwrite

bench: $(STAMP)
	$(PY) bench/eval_speed.py

clean:
	rm -rf $(VENV) runs .pytest_cache .ruff_cache
