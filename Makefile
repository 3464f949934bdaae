# The two commands of README.md: `make repro` runs the study, `make test` runs the tests
# (`make test-fast`: all but the end-to-end dvc runs, for the inner loop; `make test-slow`: the runs of
# whole studies: README's command for each corpus to its results, a CREMA-D tree, the replicates, a pretrained
# model's embeddings through dvc, the DTU, original and contrastive configurations, speaker folds; about 20 minutes).
# Both create .venv on first use and install the exact versions of requirements.lock.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(abspath $(VENV))/bin
export PATH := $(BIN):$(PATH)
export DVC_NO_ANALYTICS := 1

.PHONY: repro test test-fast test-slow install install-test clean-venv

repro: install
	dvc repro

test: install-test
	pytest -n 2 -m "not slow"

test-fast: install-test
	pytest -n 2 -m "not e2e"

test-slow: install-test
	pytest -n 2 -m slow

install: $(VENV)/.installed .dvc/plots.html
install-test: $(VENV)/.installed-test .dvc/plots.html

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# tensorflow-cpu (pinned before keras-hub came) owns the same files as tensorflow: it leaves a venv made earlier first
$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/python -m pip uninstall --quiet --yes tensorflow-cpu 2>/dev/null || true
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $@

# dvc plots show / diff pages that draw offline: Vega inlined instead of loaded from a CDN (fewlabels.render_plots)
.dvc/plots.html: $(VENV)/.installed
	$(BIN)/python -m fewlabels.render_plots --html-template $@
	$(BIN)/dvc config --local plots.html_template plots.html

clean-venv:
	rm -rf $(VENV)
