# Two commands on a fresh machine: `make run` and `make test`. Both create .venv when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-dates browser bench reliability check-config

# Reinstalled when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

# Slack when SLACK_* tokens are set; otherwise the local playground (ARGS="--port 9000 --db :memory:" to vary).
run: $(VENV)/.installed
	$(BIN)/sns-bot run $(ARGS)

test: $(VENV)/.installed browser
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

# The suite with the clock of the test processes, and of the processes they start, shifted to each of DATES:
# the April change before office hours, 年末年始, a leap day. PYTEST_ARGS="-x tests/test_report.py" to narrow.
DATES ?= 2027-04-01T08:29:00+09:00 2027-12-29T10:00:00+09:00 2028-02-29T12:00:00+09:00
PYTEST_ARGS ?=
# sitecustomize imports time_machine before pytest loads it as a plugin: pytest's warning about that is noise.
EARLY_IMPORT := ignore:Module already imported so cannot be rewritten; time_machine:pytest.PytestAssertRewriteWarning
test-dates: $(VENV)/.installed
	@failed=""; for at in $(DATES); do \
		echo "== the suite at $$at"; \
		SNS_BOT_TEST_NOW=$$at PYTHONPATH="$(CURDIR)/tests/dates$${PYTHONPATH:+:$$PYTHONPATH}" \
			$(BIN)/python -m pytest -W "$(EARLY_IMPORT)" $(PYTEST_ARGS) || failed="$$failed $$at"; \
	done; \
	if [ -n "$$failed" ]; then echo "failed at:$$failed"; exit 1; fi

# The playground's browser test drives Debian's chromium and needs a Japanese font. As root on Debian they are
# installed here when chromium is missing; otherwise that test skips (.ci/run makes it fail) and says how.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing chromium, chromium-driver and fonts-noto-cjk for the browser test"; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get -qq update && apt-get -qq install -y --no-install-recommends chromium chromium-driver fonts-noto-cjk >/dev/null \
			|| echo "could not install them: the browser test will skip"; \
	fi

# The benchmark against a bare Bolt floor; writes bench/RESULTS.md.
bench: $(VENV)/.installed
	$(BIN)/python -m bench

# Every fault-injection scenario, the long ones included; writes bench/RELIABILITY.md.
reliability: $(VENV)/.installed
	$(BIN)/python -m pytest tests/reliability -m "reliability_long or not reliability_long" -p no:cacheprovider -s

check-config: $(VENV)/.installed
	$(BIN)/sns-bot check-config
