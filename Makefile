# GridOps: `make run` to try it, `make test` to check it. docs/operations.md has the details.
PYTHON ?= python3
VENV := .venv
SERVICES := scripts/services.sh
# Exports DATABASE_URL, REDIS_URL and the TEST_* URLs for the rest of a recipe line.
WITH_SERVICES_ENV = urls=$$($(SERVICES) env $(1)) && eval "$$urls" &&

.PHONY: install services migrate run test stop clean

install: $(VENV)/.installed
	@if find gridops/translations -name '*.po' 2>/dev/null | grep -q .; then \
		$(VENV)/bin/pybabel --quiet compile -d gridops/translations; fi

# Reinstalled only when the dependencies change.
$(VENV)/.installed: pyproject.toml
	@$(SERVICES) ensure-python $(PYTHON)
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --editable '.[test]'
	@touch $@

services:
	@$(SERVICES) ensure-packages
	@$(SERVICES) start

migrate: install services
	@$(call WITH_SERVICES_ENV) $(VENV)/bin/gridops db upgrade

run: install
	@scripts/run.sh

# pytest's exit status is make's; 5 ("no tests collected") is a failure too, and says so.
test: install services
	@$(SERVICES) ensure-test-packages
	@$(call WITH_SERVICES_ENV,--test) $(VENV)/bin/python -m pytest $(PYTEST_ARGS); status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; \
	exit $$status

stop:
	@$(SERVICES) stop

clean: stop
	rm -rf var
