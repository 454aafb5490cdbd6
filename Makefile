# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app brokerage
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo test e2e chromium system-libs lint format install install-dev serve migrate clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# WeasyPrint subsets the fonts it embeds with HarfBuzz-Subset (smaller PDFs); without it, it
# warns on every document, which the test suite treats as an error. Installed with apt-get
# when missing (with sudo unless run as root); elsewhere, a message says what to install.
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
system-libs:
	@if ! { ldconfig -p 2>/dev/null || /sbin/ldconfig -p; } | grep -q libharfbuzz-subset; then \
		if command -v apt-get >/dev/null; then \
			echo "Installing libharfbuzz-subset0 (WeasyPrint's font subsetting) with apt-get"; \
			$(SUDO) apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libharfbuzz-subset0; \
		else \
			echo "warning: install HarfBuzz's subset library (libharfbuzz-subset) for WeasyPrint"; \
		fi; \
	fi

# The stamp files make re-installs happen only when the requirements change.
$(VENV)/.installed: requirements.txt | $(BIN)/activate system-libs
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/activate system-libs
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

migrate: install
	$(FLASK) db upgrade

demo: migrate
	$(FLASK) demo
	$(FLASK) run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/pytest

# The browser suite (tests/e2e): Debian's Chromium driven by Playwright, axe-core from npm for
# the accessibility check, pdftoppm to read the printed badge's QR code. `make test` skips it;
# this target installs what it needs and runs it.
CHROMIUM ?= /usr/bin/chromium
AXE_DIR := tests/e2e/axe

# Only what is missing: a machine with its own Node.js has npm already, and Debian's npm
# package conflicts with it.
chromium:
	@missing=""; \
	[ -x "$(CHROMIUM)" ] || missing="$$missing chromium chromium-driver"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing with apt-get"; \
		$(SUDO) apt-get update && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y $$missing; \
	fi

$(AXE_DIR)/node_modules/.package-lock.json: $(AXE_DIR)/package-lock.json | chromium
	cd $(AXE_DIR) && npm ci --no-audit --no-fund
	touch $@

# A fresh SQLite database and the in-process job runner, whatever the environment says.
e2e: install-dev chromium $(AXE_DIR)/node_modules/.package-lock.json
	env -u REDIS_URL -u TEST_DATABASE_URL BROKERAGE_E2E=1 BROKERAGE_CHROMIUM=$(CHROMIUM) \
		$(BIN)/pytest tests/e2e

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
