#!/usr/bin/env bash
# Export the module's terms to i18n/recouvrement_b2b.pot and merge them into i18n/fr.po.
source "$(dirname "$0")/common.sh"
DB="${1:-rb2b_dev}"
"$ROOT/scripts/pg.sh" start >/dev/null 2>&1
write_odoo_conf
"$PY" "$ODOO_SRC/odoo-bin" -c "$STATE/odoo.conf" -d "$DB" --i18n-export="$ROOT/$MODULE/i18n/$MODULE.pot" \
  --modules="$MODULE" --log-level=warn --stop-after-init
"$PY" "$ROOT/scripts/i18n.py"
