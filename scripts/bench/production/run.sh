#!/usr/bin/env bash
# Production-mode benchmarks (called by scripts/bench.sh; figures, not tests):
# 1. a book of RB2B_BENCH_CUSTOMERS customers (default 2 000) x RB2B_BENCH_INVOICES overdue
#    invoices (default 5) on a template database (book.py);
# 2. run.py: the dunning cron on real servers (--workers=2, default limits, PDF letters), one
#    server then two on the same database (RB2B_BENCH_SERVERS="1,2");
# 3. oca.py: OCA account_credit_control 18.0 on a copy of the same book, side by side with
#    this addon (RB2B_BENCH_OCA=0 to skip; needs odoo-addon-account-credit-control).
source "$(dirname "$0")/../../common.sh"
BOOK="${RB2B_BENCH_BOOK:-rb2b_bench_book}"
# book.py imports the helpers shared by the benchmarks (scripts/bench/lib/rb2b_bench.py)
export PYTHONPATH="$ROOT/scripts/bench/lib${PYTHONPATH:+:$PYTHONPATH}"
LOGS="$STATE/logs"; mkdir -p "$LOGS"
psql_pg() { as_pg "$(pg_bin)/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres -qtAc "$1"; }
drop_bench_dbs() {
  local db
  for db in $(psql_pg "SELECT datname FROM pg_database WHERE datname LIKE '${BOOK}%'"); do
    as_pg "$(pg_bin)/dropdb" -h "$PGSOCK" -p "$PGPORT" -U postgres --if-exists "$db" >/dev/null
    rm -rf "$STATE/data/filestore/$db"
  done
}
drop_bench_dbs
echo "== bench production: installing on $BOOK, book of ${RB2B_BENCH_CUSTOMERS:-2000} customers x ${RB2B_BENCH_INVOICES:-5} invoices"
"$PY" "$ODOO_SRC/odoo-bin" -c "$STATE/odoo.conf" -d "$BOOK" -i "$MODULE" --without-demo=all \
  --stop-after-init --log-level=warn > "$LOGS/bench-production-install.log" 2>&1
"$PY" "$ODOO_SRC/odoo-bin" shell -c "$STATE/odoo.conf" -d "$BOOK" --no-http --log-level=warn \
  < "$ROOT/scripts/bench/production/book.py" 2>&1 | grep -v "security risk" > "$LOGS/bench-production-book.log"
grep -v '^expected: ' "$LOGS/bench-production-book.log" || true
grep '^expected: ' "$LOGS/bench-production-book.log" | tail -1 | cut -d' ' -f2- > "$LOGS/bench-production-expected.json"
[ -s "$LOGS/bench-production-expected.json" ] || { echo "book failed, see $LOGS/bench-production-book.log"; exit 1; }
if [ "${RB2B_BENCH_OCA:-1}" != 0 ]; then
  if [ -f "$(oca_addons_dir)/account_credit_control/__manifest__.py" ]; then
    "$ROOT/scripts/bench/production/oca.sh" "$BOOK"
  else
    echo "== bench OCA: account_credit_control not installed (pip install --no-deps odoo-addon-account-credit-control), skipped"
  fi
fi
"$PY" "$ROOT/scripts/bench/production/run.py" "$BOOK" "$LOGS/bench-production-expected.json"
[ -n "${RB2B_KEEP_DB:-}" ] || drop_bench_dbs
