"""Tier 1 test setup: expose ``recouvrement_b2b/rules`` as the package ``recouvrement_rules``.

The addon's ``__init__.py`` imports odoo; the rules package must be importable without it, so
it is loaded directly from its folder instead of through ``recouvrement_b2b``.
"""

import importlib.util
import sys
from pathlib import Path

RULES_DIR = Path(__file__).resolve().parents[1] / "recouvrement_b2b" / "rules"
PACKAGE = "recouvrement_rules"


def _load_rules_package():
    """Import the rules package under the name ``recouvrement_rules`` (once)."""
    if PACKAGE in sys.modules:
        return sys.modules[PACKAGE]
    spec = importlib.util.spec_from_file_location(
        PACKAGE, RULES_DIR / "__init__.py", submodule_search_locations=[str(RULES_DIR)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        del sys.modules[PACKAGE]
        raise
    return module


_load_rules_package()
