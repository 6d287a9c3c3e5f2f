# make run  : create .venv, install the package (the server too), build everything into build/
# make test : the same set-up plus test extras, then the whole test suite (hypothesis derandomized)
# make fuzz : the property tests with fifty times the examples, drawn at random (HYPOTHESIS_PROFILE=deep)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: run test fuzz venv clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install --quiet -e '.[datasets]'
	# morph-kgc declares rdflib<7.3 and pyoxigraph<0.4; its own dependencies are in pyproject.toml
	$(PIP) install --quiet --no-deps morph-kgc==2.10.0
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[datasets,test]'
	touch $@

venv: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/python build_graph.py
	@echo "next / 下一步:  . $(VENV)/bin/activate   # puts cungai on PATH / 使 cungai 可用"
	@echo "                cungai query --list  ·  cungai find 北海  ·  cungai serve   (or $(BIN)/cungai …)"

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

# the property tests with a long random search instead of the fixed seed `make test` uses
FUZZED := tests/test_injection.py tests/test_link_hostile.py tests/test_endpoint_fuzz.py
fuzz: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -q $(FUZZED)

clean:
	rm -rf build .pytest_cache
