#!/usr/bin/env bash
# Refresh i18n/recouvrement_b2b.pot from a database where the module is installed, and merge it
# into i18n/fr.po (new terms untranslated, obsolete ones kept as #~), with click-odoo-makepot.
# Usage: scripts/i18n.sh [DB]  (default rb2b_dev; e.g. the database kept by the test loop)
source "$(dirname "$0")/common.sh"
DB="${1:-rb2b_dev}"
ADDONS_DIR="${RB2B_I18N_ADDONS_DIR:-$ROOT}"  # where the i18n/ folder is written
"$ROOT/scripts/pg.sh" start >/dev/null 2>&1
write_odoo_conf
"$VENV/bin/click-odoo-makepot" -c "$STATE/odoo.conf" -d "$DB" --addons-dir "$ADDONS_DIR" \
  --modules "$MODULE" --msgmerge --no-fuzzy-matching --purge-old-translations
"$PY" - "$ADDONS_DIR/$MODULE/i18n/fr.po" <<'PY'
import sys

import polib

po = polib.pofile(sys.argv[1])
missing = [e.msgid for e in po.untranslated_entries()]
for msgid in missing:
    print("untranslated:", msgid.replace("\n", "\\n")[:120])
print(f"{len(missing)} untranslated term(s) in {sys.argv[1]}")
PY
