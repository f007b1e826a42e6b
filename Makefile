# The two set-up commands of the README: `make demo` and `make test`.
# Both install what is missing (Debian packages, .venv with the Python dependencies) first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.servicehall-installed
DEMO_DIR ?= $(CURDIR)/var/demo

.PHONY: demo test lint bench soak system-packages venv clean

system-packages:
	@bash scripts/ensure-system-packages.sh

$(STAMP): setup.py pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# face_recognition_models imports pkg_resources, which setuptools 80+ no longer ships.
	$(PY) -m pip install -q --upgrade pip wheel "setuptools<80"
	# face_recognition pins `dlib`, which compiles for 20 minutes; dlib-bin ships the same module prebuilt.
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m pip install -q --no-deps 'face-recognition==1.3.0'
	@touch $(STAMP)

venv: system-packages $(STAMP)

demo: venv
	$(VENV)/bin/hall demo --data-dir $(DEMO_DIR) $(DEMO_ARGS)

test: venv
	$(PY) -m ruff check .
	$(PY) -m mypy .
	$(PY) -m pytest -q

lint: venv
	$(PY) -m ruff check .
	$(PY) -m mypy .

bench: venv
	$(PY) -m bench

# The fault and abuse suite at soak size (about 10 minutes): the same tests `make test` runs
# short, each printing its figures. Not part of `make test` nor of CI.
SOAK_TESTS := tests/soak tests/integration/test_flood.py \
	tests/integration/test_sender_identity.py tests/integration/test_crash.py

soak: venv
	HALL_SOAK=1 $(PY) -m pytest -q -o timeout=900 $(SOAK_TESTS)

clean:
	rm -rf $(VENV) var build *.egg-info
