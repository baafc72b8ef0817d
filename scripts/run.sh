#!/usr/bin/env bash
# make run: a local Odoo 18 on http://localhost:$HTTP_PORT with the addon on a French demo database.
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/setup.sh"
have_odoo_src || { echo "No Odoo 18.0 source found at $ODOO_SRC (set ODOO_SRC)"; exit 1; }
"$ROOT/scripts/pg.sh" start
write_odoo_conf
mkdir -p "$STATE/logs"
ODOO=("$PY" "$ODOO_SRC/odoo-bin" -c "$STATE/odoo.conf" -d "$DEMO_DB")
if ! as_pg "$(pg_bin)/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -lqt | cut -d'|' -f1 | grep -qw "$DEMO_DB"; then
  log "creating the French demo database $DEMO_DB (a few minutes the first time)"
  # French first, so that the module's data and demo are created with their French terms.
  "${ODOO[@]}" -i base --load-language=fr_FR --stop-after-init --log-level=warn > "$STATE/logs/demo-install.log" 2>&1 \
    || { tail -30 "$STATE/logs/demo-install.log"; exit 1; }
  # sale_management: the Sales app, for the credit check on orders (a demo choice, not a
  # dependency of the module: issue 16)
  "${ODOO[@]}" -i "$MODULE,sale_management" --stop-after-init --log-level=warn >> "$STATE/logs/demo-install.log" 2>&1 \
    || { tail -30 "$STATE/logs/demo-install.log"; exit 1; }
  "$PY" "$ODOO_SRC/odoo-bin" shell -c "$STATE/odoo.conf" -d "$DEMO_DB" --no-http --log-level=warn > /dev/null 2>&1 <<'PY'
env['res.users'].search([('login', '=', 'admin')]).write({'lang': 'fr_FR', 'tz': 'Europe/Paris'})
env['res.partner'].search([('lang', '!=', 'fr_FR')]).write({'lang': 'fr_FR'})
env.cr.commit()
PY
fi
# the menu as a French Community user sees it (Accounting in Enterprise)
if [ -n "${RB2B_DAEMON:-}" ]; then stop="Stop with 'make stop' (server and PostgreSQL)."
else stop="Stop with Ctrl-C (server) and 'make stop' (PostgreSQL)."; fi
cat <<MSG

  recouvrement_b2b demo: http://localhost:$HTTP_PORT  (database $DEMO_DB)
  login: admin   password: admin   (French: Facturation > Clients > Recouvrement)
  $stop

MSG
if [ -n "${RB2B_DAEMON:-}" ]; then
  nohup "${ODOO[@]}" --log-level=info > "$STATE/logs/server.log" 2>&1 &
  echo $! > "$STATE/server.pid"
  log "server started in the background (pid $(cat "$STATE/server.pid"), log .odoo/logs/server.log)"
else
  exec "${ODOO[@]}"
fi
