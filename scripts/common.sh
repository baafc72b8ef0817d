# Shared settings for the project's scripts (sourced, not run).
# Everything lives under the repository: .venv, .pg (throwaway PostgreSQL), .odoo (config, logs, filestore).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-$HOME/.cache/odoo/18.0}"
ODOO_BRANCH_URL="${ODOO_BRANCH_URL:-https://github.com/odoo/odoo.git}"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
STATE="$ROOT/.odoo"
PGDIR="$ROOT/.pg"
PGDATA="$PGDIR/data"
PGSOCK="$PGDIR/run"
PGPORT="${RB2B_PGPORT:-54329}"
PGUSER_ODOO="odoo"
HTTP_PORT="${RB2B_HTTP_PORT:-8069}"
DEMO_DB="${RB2B_DEMO_DB:-recouvrement_demo}"
MODULE="recouvrement_b2b"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }

have_odoo_src() { [ -f "$ODOO_SRC/odoo-bin" ] && [ -d "$ODOO_SRC/addons/account" ]; }

# Run a command as the postgres system user when we are root (PostgreSQL refuses root).
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/pg_ctl" ] && { echo "$d"; return; }; done
  dirname "$(command -v pg_ctl)"
}

# Where pip puts OCA addons installed from PyPI (odoo-addon-queue-job, ...), if any.
oca_addons_dir() {
  local d
  for d in "$VENV"/lib/python3*/site-packages/odoo/addons; do [ -d "$d" ] && { echo "$d"; return 0; }; done
  return 0
}

# Whether queue_job is installed (then the glue addon recouvrement_b2b_queue is tested too).
have_queue_job() { [ -n "$(oca_addons_dir)" ] && [ -f "$(oca_addons_dir)/queue_job/__manifest__.py" ]; }

# Write the Odoo configuration used by run and test.
write_odoo_conf() {
  mkdir -p "$STATE"
  local oca; oca="$(oca_addons_dir)"
  cat > "$STATE/odoo.conf" <<CONF
[options]
addons_path = $ODOO_SRC/odoo/addons,$ODOO_SRC/addons,$ROOT${oca:+,$oca}
data_dir = $STATE/data
db_host = $PGSOCK
db_port = $PGPORT
db_user = $PGUSER_ODOO
db_password = False
admin_passwd = admin
http_port = $HTTP_PORT
list_db = True
without_demo = False
CONF
}
