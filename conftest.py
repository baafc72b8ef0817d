"""pytest settings for the module's Odoo tests (``pytest recouvrement_b2b/tests``, pytest-odoo).

Tier 1 (``pytest tests``) runs without Odoo and is untouched by this file. When the collected
paths are in the addon, pytest-odoo runs its tests against a database where the module is
installed; this file then:

- defaults the pytest-odoo options, so that ``pytest recouvrement_b2b/tests -k <name>`` is the
  whole developer loop: ``--odoo-config=.odoo/odoo.conf`` (written by the project's scripts),
  ``--odoo-database=$RB2B_TEST_DB`` (default ``rb2b_dev``), ``--odoo-http`` (browser and PDF
  tests need the HTTP server; without it pytest-odoo skips them) and ``--odoo-log-level=warn``;
- imports Odoo's test framework in test mode, as Odoo's own runner does (else Odoo logs an
  error "Importing test framework" at each run);
- runs the module's tests as without queue_job (queue_job's "no delay" switch,
  ``QUEUE_JOB__NO_DELAY``: the dunning cron sends inline even when ``recouvrement_b2b_queue``
  is installed in the database), the glue addon's tests with it;
- fails a test during which an ERROR or CRITICAL record was logged and not muted
  (``mute_logger`` / ``assertLogs``), as the project's Odoo runner did: an error in the log is a
  failure even when the assertions pass.
"""

import logging
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
ADDON = ROOT / "recouvrement_b2b"
#: the queue_job glue addon, tested with the module when queue_job is installed
GLUE = ROOT / "recouvrement_b2b_queue"


def _runs_odoo_tests(config):
    """Whether this pytest run collects the addon's tests with the pytest-odoo plugin."""
    if not config.pluginmanager.has_plugin("odoo"):
        return False
    paths = [Path(str(arg).split("::")[0]).resolve() for arg in config.args]
    return any(path == addon or addon in path.parents for path in paths for addon in (ADDON, GLUE))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_cmdline_main(config):
    # Runs before pytest-odoo's own hook, which reads these options to configure Odoo.
    if _runs_odoo_tests(config):
        option = config.option
        if not (option.odoo_config or os.environ.get("ODOO_RC")):
            option.odoo_config = str(ROOT / ".odoo" / "odoo.conf")
            if not Path(option.odoo_config).is_file():
                raise pytest.UsageError(
                    f"{option.odoo_config} is missing: run `make run` or scripts/test_odoo.sh "
                    "once (they write it), or pass --odoo-config"
                )
        if not option.odoo_database:
            option.odoo_database = os.environ.get("RB2B_TEST_DB") or "rb2b_dev"
        if option.odoo_log_level == "critical":
            option.odoo_log_level = "warn"
        option.odoo_http = True
        config.stash[_ODOO_RUN] = True
        _import_test_framework()
    return (yield)


def _import_test_framework():
    """Import ``odoo.tests`` in test mode, as Odoo's runner does.

    pytest-odoo imports it before it turns the test mode on, and Odoo then logs an error
    ("Importing test framework ... when not running in test mode") at every run.
    """
    from odoo.tools import config  # noqa: PLC0415 (only the addon's tests need Odoo)

    previous = config["test_enable"]
    config["test_enable"] = True
    try:
        import odoo.tests  # noqa: F401, PLC0415
    finally:
        config["test_enable"] = previous


_ODOO_RUN = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if not item.config.stash.get(_ODOO_RUN, False):
        return
    if GLUE in Path(str(item.path)).parents:
        os.environ.pop("QUEUE_JOB__NO_DELAY", None)
    else:
        os.environ["QUEUE_JOB__NO_DELAY"] = "1"


_RECORDS = pytest.StashKey[list]()


class _ErrorRecords(logging.Handler):
    """Keeps the ERROR and CRITICAL records that reach the root logger."""

    def __init__(self, records):
        super().__init__(level=logging.ERROR)
        self.records = records

    def emit(self, record):
        self.records.append(self.format(record))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not item.config.stash.get(_ODOO_RUN, False):
        return (yield)
    records = item.stash[_RECORDS] = []
    handler = _ErrorRecords(records)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        return (yield)
    finally:
        root.removeHandler(handler)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    records = item.stash.get(_RECORDS, None)
    if records and report.when == "call" and report.passed:
        report.outcome = "failed"
        report.longrepr = "ERROR records logged during the test (mute or fix them):\n" + (
            "\n".join(records)
        )
    return report
