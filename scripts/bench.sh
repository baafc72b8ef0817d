#!/usr/bin/env bash
# Benchmarks (figures, not tests): a fresh database without demo data, the module installed,
# then every scripts/bench/*.py run through `odoo-bin shell` (each gets `env`).
# Then the production-mode benchmarks of the dunning (scripts/bench/production/run.sh): real
# servers with workers, PDF letters, one then two servers, and OCA account_credit_control side by
# side; RB2B_BENCH_CUSTOMERS=200 for a quick run, RB2B_BENCH_PRODUCTION=0 to skip them.
# Usage: make bench  |  scripts/bench.sh credit   (only scripts/bench/credit.py)
#        scripts/bench.sh production   (only the production-mode benchmarks)
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/setup.sh"
have_odoo_src || { echo "No Odoo 18.0 source found at $ODOO_SRC (set ODOO_SRC)"; exit 1; }
"$ROOT/scripts/pg.sh" start
write_odoo_conf
mkdir -p "$STATE/logs"
only="${1:-}"
# the scripts import the helpers they share (scripts/bench/lib/rb2b_bench.py)
export PYTHONPATH="$ROOT/scripts/bench/lib${PYTHONPATH:+:$PYTHONPATH}"
for script in "$ROOT"/scripts/bench/*.py; do
  name="$(basename "$script" .py)"
  [ -n "$only" ] && [ "$only" != "$name" ] && continue
  DB="rb2b_bench_$name"
  as_pg "$(pg_bin)/dropdb" -h "$PGSOCK" -p "$PGPORT" -U postgres --if-exists "$DB" >/dev/null
  echo "== bench $name: installing on $DB"
  "$PY" "$ODOO_SRC/odoo-bin" -c "$STATE/odoo.conf" -d "$DB" -i "$MODULE" --without-demo=all \
    --stop-after-init --log-level=warn > "$STATE/logs/bench-$name-install.log" 2>&1
  "$PY" "$ODOO_SRC/odoo-bin" shell -c "$STATE/odoo.conf" -d "$DB" --no-http --log-level=warn \
    < "$script" 2>&1 | grep -v "security risk" | tee "$STATE/logs/bench-$name.log"
  [ -n "${RB2B_KEEP_DB:-}" ] || as_pg "$(pg_bin)/dropdb" -h "$PGSOCK" -p "$PGPORT" -U postgres --if-exists "$DB"
done
if [ -z "$only" ] || [ "$only" = production ]; then
  [ "${RB2B_BENCH_PRODUCTION:-1}" = 0 ] || "$ROOT/scripts/bench/production/run.sh"
fi
