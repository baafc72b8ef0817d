"""Fill French translations in i18n/fr.po from a JSON file {msgid: msgstr} (or several).

Usage: .venv/bin/python scripts/i18n_fill.py translations.json [more.json ...]
Only empty msgstr are filled unless --force is given.
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parents[1] / "recouvrement_b2b" / "i18n" / "fr.po"

if __name__ == "__main__":
    force = "--force" in sys.argv
    table = {}
    for arg in sys.argv[1:]:
        if arg != "--force":
            table.update(json.loads(Path(arg).read_text(encoding="utf-8")))
    po = polib.pofile(str(PO), wrapwidth=78)
    filled = 0
    for entry in po:
        if entry.msgid in table and (force or not entry.msgstr):
            entry.msgstr = table[entry.msgid]
            filled += 1
    po.save(str(PO))
    left = [e.msgid for e in po if not e.msgstr]
    print(f"filled {filled}, still untranslated {len(left)}")
    for m in left:
        print("  ", m.replace("\n", "\\n")[:150])
