# recouvrement_b2b: the two commands are `make run` and `make test`.
.PHONY: setup run start test test-rules lint stop bench clean

setup:
	@scripts/setup.sh

run:
	@scripts/run.sh

# Same as run, but in the background (used to check the demo from scripts).
start:
	@RB2B_DAEMON=1 scripts/run.sh

test:
	@scripts/test.sh

# Tier 1 only (no Odoo needed).
test-rules:
	@scripts/setup.sh && .venv/bin/python -m pytest -q -p no:odoo tests

# Every pre-commit check on every file (the same tools as tier 1's static checks).
lint:
	@scripts/setup.sh && .venv/bin/pre-commit run --all-files

stop:
	@if [ -f .odoo/server.pid ]; then kill $$(cat .odoo/server.pid) 2>/dev/null || true; rm -f .odoo/server.pid; fi
	@scripts/pg.sh stop

bench:
	@scripts/bench.sh

clean: stop
	rm -rf .pg .odoo
