"""Refresh i18n/recouvrement_b2b.pot from a database and merge it into i18n/fr.po.

Usage: scripts/i18n.sh [DB]  (the module must be installed on DB, default rb2b_dev)
Existing French translations are kept; new terms are added with an empty msgstr;
terms gone from the module are dropped. `--check` only reports the untranslated terms.
"""

from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "recouvrement_b2b" / "i18n"


def merge(pot_path, po_path):
    pot = polib.pofile(str(pot_path))
    old = polib.pofile(str(po_path)) if po_path.exists() and po_path.stat().st_size else None
    known = {e.msgid: e for e in old} if old else {}
    po = polib.POFile(wrapwidth=78)
    po.metadata = {
        "Project-Id-Version": "Odoo Server 18.0",
        "Report-Msgid-Bugs-To": "",
        "Last-Translator": "recouvrement_b2b developers",
        "Language-Team": "French",
        "Language": "fr",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "",
        "Plural-Forms": "nplurals=2; plural=(n > 1);",
    }
    missing = []
    for entry in pot:
        prev = known.get(entry.msgid)
        new = polib.POEntry(
            msgid=entry.msgid,
            msgstr=prev.msgstr if prev else "",
            occurrences=entry.occurrences,
            comment=entry.comment,
            flags=[f for f in entry.flags if f != "fuzzy"],
        )
        if not new.msgstr:
            missing.append(entry.msgid)
        po.append(new)
    po.save(str(po_path))
    return missing


if __name__ == "__main__":
    missing = merge(I18N / "recouvrement_b2b.pot", I18N / "fr.po")
    for m in missing:
        print("untranslated:", m.replace("\n", "\\n")[:120])
    print(f"{len(missing)} untranslated term(s)")
