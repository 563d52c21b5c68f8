# The two commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test clean

$(BIN)/cek-integrasi: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Exit status 1 only means "findings were found": the demo itself succeeded.
demo: $(BIN)/cek-integrasi
	$(BIN)/cek-integrasi check samples/rilau_ale/ samples/kindang/ samples/uu_desa/ ; status=$$?; test $$status -le 1

test: $(BIN)/cek-integrasi
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache
