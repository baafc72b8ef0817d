#!/usr/bin/env bash
# Tier 2: a fresh database, the module installed (with demo data), the install log checked for
# WARNING/ERROR lines from the module, then every Odoo test of the module (browser tours included
# when chromium is present). Writes "passed failed" to .odoo/logs/tier2.summary.
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/pg.sh" start
write_odoo_conf
DB="${RB2B_TEST_DB:-rb2b_test_$$}"
LOGS="$STATE/logs"; mkdir -p "$LOGS"
TAGS="${RB2B_TEST_TAGS:-/$MODULE}"
ODOO=("$PY" "$ODOO_SRC/odoo-bin" -c "$STATE/odoo.conf" -d "$DB" --http-port "${RB2B_TEST_HTTP_PORT:-8169}" --log-level=info --max-cron-threads=0)
echo "0 1" > "$LOGS/tier2.summary"
cleanup() { "$PY" "$ODOO_SRC/odoo-bin" db --help >/dev/null 2>&1; dropdb_quiet; }
dropdb_quiet() { [ -z "${RB2B_KEEP_DB:-}" ] && as_pg "$(pg_bin)/dropdb" -h "$PGSOCK" -p "$PGPORT" -U postgres --if-exists "$DB" >/dev/null 2>&1 || true; }
trap dropdb_quiet EXIT

# A kept database (RB2B_KEEP_DB) already has the module: update it, since installing it again
# would reload its demo over the records the demo created (posted invoices cannot be rewritten).
INSTALL=(-i "$MODULE") VERB="installing"
if [ -n "$(as_pg "$(pg_bin)/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -d "$DB" -tAc \
  "SELECT 1 FROM ir_module_module WHERE name = '$MODULE' AND state = 'installed'" 2>/dev/null)" ]; then
  INSTALL=(-u "$MODULE") VERB="updating"
fi
echo "tier 2: $VERB $MODULE on database $DB"
set +e
"${ODOO[@]}" "${INSTALL[@]}" --stop-after-init > "$LOGS/install.log" 2>&1
rc=$?
set -e
# Lines from the module: any WARNING/ERROR that names it, or that is logged while it loads.
bad="$(awk '/Loading module '"$MODULE"' /{inmod=1} / (WARNING|ERROR|CRITICAL) / && (inmod || tolower($0) ~ /recouvrement/){print} /Module '"$MODULE"' loaded in/{inmod=0}' "$LOGS/install.log")"
if [ $rc -ne 0 ] || [ -n "$bad" ] || ! grep -q "Modules loaded" "$LOGS/install.log"; then
  echo "tier 2: install FAILED (rc=$rc); WARNING/ERROR lines from the module:"
  echo "${bad:-$(tail -30 "$LOGS/install.log")}"
  exit 1
fi
echo "tier 2: install log clean (no WARNING/ERROR from $MODULE)"

echo "tier 2: running the module's tests ($TAGS)"
set +e
"${ODOO[@]}" -u "$MODULE" --test-enable --test-tags "$TAGS" --stop-after-init > "$LOGS/tests.log" 2>&1
rc=$?
set -e
grep -E "(FAIL|ERROR):|odoo.tests.result|Ran [0-9]+ tests|tests? (passed|failed)" "$LOGS/tests.log" | grep -v "^\s*$" | tail -40 || true
result="$(grep -E 'odoo\.tests\.result: ' "$LOGS/tests.log" | tail -1 || true)"
total=$(echo "$result" | grep -oE 'of [0-9]+ tests' | grep -oE '[0-9]+' || echo 0)
failed=$(echo "$result" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+' || echo 0)
errors=$(echo "$result" | grep -oE '[0-9]+ error' | grep -oE '[0-9]+' || echo 0)
if [ -z "$result" ]; then
  total=$(grep -cE 'odoo\.addons\.'"$MODULE"'\.tests.*Starting ' "$LOGS/tests.log" || true)
fi
bad=$((failed + errors))
# Any ERROR/CRITICAL line at all (e.g. a test class that could not even be set up) fails the tier.
crit=$(grep -cE ' (ERROR|CRITICAL) ' "$LOGS/tests.log" || true)
if [ "$bad" -eq 0 ] && { [ "$crit" -gt 0 ] || [ $rc -ne 0 ]; }; then
  grep -E ' (ERROR|CRITICAL) ' "$LOGS/tests.log" | head -20
  bad=1
fi
if [ "$total" -eq 0 ]; then echo "tier 2: no test ran"; bad=1; fi
echo "$((total - failed - errors)) $bad" > "$LOGS/tier2.summary"
echo "tier 2: $((total - failed - errors)) passed, $bad failed (full log: $LOGS/tests.log)"
[ "$bad" -eq 0 ]
