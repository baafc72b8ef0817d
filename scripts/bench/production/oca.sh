#!/usr/bin/env bash
# OCA account_credit_control 18.0 side by side with this addon, on a copy of the book database
# given as $1 (createdb -T): account_credit_control installed on the copy, then oca.py.
source "$(dirname "$0")/../../common.sh"
BOOK="$1"
DB="${BOOK}_oca"
LOGS="$STATE/logs"
as_pg "$(pg_bin)/dropdb" -h "$PGSOCK" -p "$PGPORT" -U postgres --if-exists "$DB" >/dev/null
as_pg "$(pg_bin)/createdb" -h "$PGSOCK" -p "$PGPORT" -U postgres -O "$PGUSER_ODOO" -T "$BOOK" "$DB"
rm -rf "$STATE/data/filestore/$DB"
[ -d "$STATE/data/filestore/$BOOK" ] && cp -a "$STATE/data/filestore/$BOOK" "$STATE/data/filestore/$DB"
echo "== bench OCA: installing account_credit_control on $DB (a copy of $BOOK)"
"$PY" "$ODOO_SRC/odoo-bin" -c "$STATE/odoo.conf" -d "$DB" -i account_credit_control \
  --stop-after-init --log-level=warn > "$LOGS/bench-oca-install.log" 2>&1
"$PY" "$ODOO_SRC/odoo-bin" shell -c "$STATE/odoo.conf" -d "$DB" --no-http --log-level=warn \
  < "$ROOT/scripts/bench/production/oca.py" 2>&1 | grep -v "security risk" | tee "$LOGS/bench-oca.log"
