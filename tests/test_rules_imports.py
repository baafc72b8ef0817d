"""The rules package stays plain Python: no odoo, relative imports only."""

import ast
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from conftest import RULES_DIR
from recouvrement_rules.numbers import to_decimal

# python-stdnum (identifiers), dateutil (periods), holidays (French public holidays: art. 642
# CPC, rules/proceedings.py)
ALLOWED_TOP_LEVEL = set(sys.stdlib_module_names) | {"stdnum", "dateutil", "holidays"}


def test_rules_import_only_stdlib_stdnum_dateutil_and_themselves():
    for path in sorted(RULES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in ALLOWED_TOP_LEVEL, f"{path.name} imports {name}"


def test_loading_the_rules_does_not_load_odoo():
    # A fresh interpreter, so that other tests of the session cannot interfere.
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import conftest, recouvrement_rules; "
        "assert 'odoo' not in sys.modules, 'odoo imported'"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, str(Path(__file__).parent)], capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr


def test_to_decimal():
    assert to_decimal(0.1) == D("0.1")
    assert to_decimal(12000.0) == D("12000.0")
    assert to_decimal("14.50") == D("14.50")
    assert to_decimal(7) == D(7)
    assert to_decimal(None) == 0 and to_decimal(False) == 0
    value = D("1.23")
    assert to_decimal(value) is value
