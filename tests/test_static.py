"""Tier 1 static checks: XML, manifest, translations, ruff, pylint-odoo and the OCA checks.

The same tools as .pre-commit-config.yaml, run read-only. No Odoo needed.
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
ADDON = ROOT / "recouvrement_b2b"
#: the queue_job glue addon (linted and checked like the module)
GLUE = ROOT / "recouvrement_b2b_queue"
BIN = Path(sys.executable).parent
MANIFEST = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))
XML_FILES = sorted(ADDON.rglob("*.xml"))


@pytest.mark.parametrize("path", XML_FILES, ids=lambda p: str(p.relative_to(ADDON)))
def test_xml_well_formed(path):
    etree.parse(str(path))


def test_manifest_basics():
    assert MANIFEST["version"] == "18.0.1.0.7"
    assert MANIFEST["license"] == "LGPL-3"
    for dep in ("account", "sale", "mail", "l10n_fr"):
        assert dep in MANIFEST["depends"]


def test_manifest_files_exist_and_all_are_referenced():
    listed = MANIFEST.get("data", []) + MANIFEST.get("demo", [])
    for rel in listed:
        assert (ADDON / rel).is_file(), f"manifest lists a missing file: {rel}"
    assert len(listed) == len(set(listed)), "a file is listed twice in the manifest"
    on_disk = {
        str(p.relative_to(ADDON))
        for folder in ("data", "demo", "report", "security", "views", "wizard")
        for p in (ADDON / folder).rglob("*")
        if p.suffix in (".xml", ".csv")
    }
    unreferenced = on_disk - set(listed)
    assert not unreferenced, f"files not referenced by the manifest: {sorted(unreferenced)}"


def _python_terms():
    """Literal strings passed to _(), _lt() or env._() in the module's Python code."""
    terms = {}
    for path in ADDON.rglob("*.py"):
        if "tests" in path.parts or "rules" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            arg = node.args[0]
            if (
                name in ("_", "_lt")
                and isinstance(arg, ast.Constant)
                and isinstance(arg.value, str)
            ):
                terms[arg.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return terms


def _po_entries():
    po = polib.pofile(str(ADDON / "i18n" / "fr.po"))
    return {e.msgid: e for e in po if not e.obsolete}


def test_french_translation_covers_the_pot():
    pot = polib.pofile(str(ADDON / "i18n" / "recouvrement_b2b.pot"))
    fr = _po_entries()
    missing = [e.msgid for e in pot if e.msgid and not (fr.get(e.msgid) and fr[e.msgid].msgstr)]
    assert not missing, (
        f"{len(missing)} term(s) of the .pot without French translation: {missing[:20]}"
    )
    fuzzy = [m for m, e in fr.items() if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy translations: {fuzzy[:20]}"


def test_python_terms_are_translated():
    fr = _po_entries()
    missing = {t: where for t, where in _python_terms().items() if not (t in fr and fr[t].msgstr)}
    assert not missing, "untranslated _() terms (run scripts/i18n.sh): " + "; ".join(
        f"{where}: {term!r}" for term, where in sorted(missing.items())[:20]
    )


def test_translation_placeholders_match():
    placeholder = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sd]|\{[a-z_0-9]*\}")
    bad = []
    for msgid, entry in _po_entries().items():
        if entry.msgstr and sorted(placeholder.findall(msgid)) != sorted(
            placeholder.findall(entry.msgstr)
        ):
            bad.append(msgid)
    assert not bad, f"placeholders differ between English and French: {bad[:10]}"


#: French typography (issue 16): a no-break space before ":" and inside « », a narrow one before
#: ";", "!" and "?", so that no line of a letter or a screen starts with the sign; checked in text
#: only (not inside tags, {{ }} expressions or %(...)s placeholders)
FRENCH_TYPOGRAPHY = re.compile(r" [:;!?](?=\s|$|<)|« | »")
MARKUP = re.compile(r"<[^>]*>|\{\{.*?\}\}|%\([^)]*\)[sdfr]|\{[^{}]*\}", re.S)


def test_french_typography():
    bad = [
        msgid
        for msgid, entry in _po_entries().items()
        if FRENCH_TYPOGRAPHY.search(MARKUP.sub("", entry.msgstr))
    ]
    assert not bad, (
        f"{len(bad)} French term(s) with a breaking space before : ; ! ? or in « »: {bad[:10]}"
    )


def test_french_amounts_in_euros():
    """French terms write an amount in euros with the sign, "40 €" (issue 16), not "40 EUR"."""
    bad = [
        msgid
        for msgid, entry in _po_entries().items()
        if re.search(r"\d[\s\u00a0\u202f]*EUR\b|\(EUR\)", entry.msgstr)
    ]
    assert not bad, f"French terms with an amount in 'EUR': {bad[:10]}"


PYTHON_PATHS = [
    "recouvrement_b2b",
    "recouvrement_b2b_queue",
    "tests",
    "scripts",
    "setup.py",
    "conftest.py",
]


def _run(*command):
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_ruff():
    """ruff with pyproject.toml's rules, the complexity limit of 16 (C901) included."""
    res = _run(str(BIN / "ruff"), "check", "--no-cache", *PYTHON_PATHS)
    assert res.returncode == 0, res.stdout + res.stderr


def test_ruff_format():
    res = _run(str(BIN / "ruff"), "format", "--check", "--no-cache", *PYTHON_PATHS)
    assert res.returncode == 0, res.stdout + res.stderr


def test_oca_checks_odoo_module():
    """OCA's manifest, XML and CSV checks (odoo-pre-commit-hooks), as pre-commit runs them."""
    files = [
        str(p.relative_to(ROOT))
        for addon in (ADDON, GLUE)
        for p in sorted(addon.rglob("*"))
        if p.suffix in (".py", ".xml", ".csv") and "__pycache__" not in p.parts
    ]
    res = _run(str(BIN / "oca-checks-odoo-module"), *files)
    assert res.returncode == 0, res.stdout + res.stderr


def test_oca_checks_po():
    files = [
        str(p.relative_to(ROOT))
        for addon in (ADDON, GLUE)
        for p in sorted((addon / "i18n").glob("*.po*"))
    ]
    res = _run(str(BIN / "oca-checks-po"), "--disable=po-pretty-format", *files)
    assert res.returncode == 0, res.stdout + res.stderr


def test_every_odoo_test_module_is_imported():
    """Odoo's runner sees the test modules that tests/__init__.py imports, pytest the
    test_*.py files: both must run the same tests."""
    init = (ADDON / "tests" / "__init__.py").read_text(encoding="utf-8")
    imported = set(re.findall(r"\btest_\w+", init))
    files = {p.stem for p in (ADDON / "tests").glob("test_*.py")}
    assert imported == files


def test_addon_readme_and_icon():
    """The OCA readme fragments and the icon shown in the Apps list."""
    for fragment in ("DESCRIPTION", "USAGE", "CONFIGURE", "CONTRIBUTORS"):
        assert (ADDON / "readme" / f"{fragment}.md").read_text(encoding="utf-8").strip()
    assert (ADDON / "static" / "description" / "icon.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_pylint_odoo_mandatory_checks():
    res = _run(
        sys.executable,
        "-m",
        "pylint",
        "--rcfile=.pylintrc",
        "recouvrement_b2b",
        "recouvrement_b2b_queue",
    )
    assert res.returncode == 0, res.stdout + res.stderr
