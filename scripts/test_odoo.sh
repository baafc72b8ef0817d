#!/usr/bin/env bash
# Tier 2, in two steps:
# 1. Odoo's own runner installs the module on a fresh database with its demo data
#    (`-i recouvrement_b2b --test-enable`): the module's at-install tests run, and the install
#    log must hold no WARNING/ERROR record (checklog-odoo, exceptions in checklog-odoo.cfg).
# 2. pytest (pytest-odoo) runs every post-install test of the module against that database,
#    with an HTTP server for the browser and PDF tests (--odoo-http); tier 2 ends with pytest's
#    own summary line.
# Writes "passed failed skipped" to .odoo/logs/tier2.summary; exits non-zero when anything failed.
#
# RB2B_TEST_DB=name      database (default: a fresh rb2b_test_<pid>, dropped at the end)
# RB2B_KEEP_DB=1         keep the database; a kept database is updated (-u), not reinstalled
# RB2B_PYTEST_ARGS="..." more pytest arguments, e.g. "-k TestCredit" or "-x"
# When queue_job is installed in .venv (odoo-addon-queue-job, requirements-dev.txt), the glue
# addon recouvrement_b2b_queue is installed and tested too (its tests after the module's).
#
# RB2B_TEST_TAGS=...     Odoo-style filter, still accepted: "/recouvrement_b2b:TestA,/recouvrement_b2b:TestB.test_x"
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/pg.sh" start
write_odoo_conf
DB="${RB2B_TEST_DB:-rb2b_test_$$}"
LOGS="$STATE/logs"; mkdir -p "$LOGS"
BIN="$VENV/bin"
ODOO=("$PY" "$ODOO_SRC/odoo-bin" -c "$STATE/odoo.conf" -d "$DB" --http-port "${RB2B_TEST_HTTP_PORT:-8169}" --log-level=info --max-cron-threads=0)
echo "0 1 0" > "$LOGS/tier2.summary"
dropdb_quiet() { [ -z "${RB2B_KEEP_DB:-}" ] && as_pg "$(pg_bin)/dropdb" -h "$PGSOCK" -p "$PGPORT" -U postgres --if-exists "$DB" >/dev/null 2>&1 || true; }
trap dropdb_quiet EXIT
db_exists() { as_pg "$(pg_bin)/psql" -h "$PGSOCK" -p "$PGPORT" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1; }

# RB2B_TEST_TAGS (/module:Class.method, comma-separated) as a pytest -k expression.
tags_to_k() {
  local spec expr="" item
  IFS=',' read -ra spec <<< "$1"
  for item in "${spec[@]}"; do
    item="${item#*/"$MODULE"}"; item="${item#:}"
    [ -z "$item" ] && { echo ""; return; }   # the whole module
    item="${item//./ and }"
    expr="${expr:+$expr or }($item)"
  done
  echo "$expr"
}

GLUE="recouvrement_b2b_queue"
addons=("$MODULE"); tags="/$MODULE"
if have_queue_job; then addons+=("$GLUE"); tags="$tags,/$GLUE"; fi

# ---- 1. install (Odoo's runner): at-install tests and the install log --------------------------
if [ -n "${RB2B_KEEP_DB:-}" ] && db_exists; then
  step=(-u "$MODULE"); what="updating $MODULE on the kept database $DB"
  # the glue: installed when missing (-i on an installed module updates it)
  have_queue_job && step+=(-i "$GLUE") && what="$what, with $GLUE"
else
  dropdb_quiet; step=(-i "$(IFS=,; echo "${addons[*]}")"); what="installing ${addons[*]} on a fresh database $DB"
fi
echo "tier 2: $what (Odoo's runner: at-install tests, install log checked)"
set +e
"${ODOO[@]}" "${step[@]}" --test-enable --test-tags "$tags,-post_install" --stop-after-init > "$LOGS/install.log" 2>&1
rc=$?
set -e
at_install="$(grep -oE 'odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$LOGS/install.log" | tail -1 || true)"
if [ $rc -ne 0 ] || ! grep -q "Modules loaded" "$LOGS/install.log" \
    || ! (cd "$ROOT" && "$BIN/checklog-odoo" -c "$ROOT/checklog-odoo.cfg" "$LOGS/install.log" > "$LOGS/checklog.log" 2>&1); then
  echo "tier 2: install FAILED (odoo-bin exit code $rc; ${at_install#odoo.tests.result: })"
  cat "$LOGS/checklog.log" 2>/dev/null || true
  [ $rc -ne 0 ] && tail -30 "$LOGS/install.log"
  echo "tier 2: full log $LOGS/install.log"
  exit 1
fi
echo "tier 2: install log clean; at-install tests: ${at_install#odoo.tests.result: }"

# ---- 2. post-install tests (pytest-odoo) -----------------------------------------------------
args=(-p no:cacheprovider)
for addon in "${addons[@]}"; do args+=("$ROOT/$addon/tests"); done
args+=(--odoo-config="$STATE/odoo.conf" --odoo-database="$DB" --odoo-http)
if [ -n "${RB2B_TEST_TAGS:-}" ]; then
  k="$(tags_to_k "$RB2B_TEST_TAGS")"
  [ -n "$k" ] && args+=(-k "$k")
fi
# shellcheck disable=SC2206  # word splitting of RB2B_PYTEST_ARGS is wanted
args+=(${RB2B_PYTEST_ARGS:-})
echo "tier 2: pytest ${addons[*]} tests (pytest-odoo, database $DB)"
set +e
(cd "$ROOT" && "$PY" -m pytest "${args[@]}") 2>&1 | tee "$LOGS/tests.log"
rc=${PIPESTATUS[0]}
set -e
line="$(grep -E '^(=+ )?[0-9]+ [a-z]+.* in [0-9.]+s' "$LOGS/tests.log" | tail -1 || true)"
count() { echo "$line" | grep -oE "(^|[ =,])[0-9]+ $1" | grep -oE '[0-9]+' | head -1 || true; }
passed=$(count passed); failed=$(count failed); errors=$(count 'errors?'); skipped=$(count skipped)
passed=${passed:-0}; bad=$(( ${failed:-0} + ${errors:-0} )); skipped=${skipped:-0}
[ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
if [ "$passed" -eq 0 ] && [ "$bad" -eq 0 ]; then echo "tier 2: no test ran"; bad=1; fi
echo "$passed $bad $skipped" > "$LOGS/tier2.summary"
[ "$bad" -eq 0 ]
