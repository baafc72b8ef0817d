#!/usr/bin/env bash
# Bootstrap: system packages, .venv, Odoo 18.0 source and requirements, this addon.
# Idempotent: a second run only checks and takes seconds.
source "$(dirname "$0")/common.sh"
STAMP="$VENV/.rb2b-setup"

apt_install() {
  # System packages when missing: PostgreSQL server, wkhtmltopdf (PDF letters), chromium (browser
  # tests), poppler-utils (PDF text in tests), gettext (msgmerge, for the translation template).
  local missing=()
  [ -n "$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null)" ] || command -v pg_ctl >/dev/null || missing+=(postgresql)
  command -v psql >/dev/null || missing+=(postgresql-client)
  command -v wkhtmltopdf >/dev/null || missing+=(wkhtmltopdf)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v msgmerge >/dev/null || missing+=(gettext)  # scripts/i18n.sh (click-odoo-makepot)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null; then
    log "missing system packages: ${missing[*]} (install them with apt as root)"; return 0
  fi
  local SUDO=""; [ "$(id -u)" != 0 ] && SUDO="sudo"
  log "installing system packages: ${missing[*]}"
  $SUDO apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
    || log "WARNING: apt-get install ${missing[*]} failed; continuing without them"
}

find_odoo() {
  if have_odoo_src; then return 0; fi
  log "no Odoo 18.0 source at $ODOO_SRC; trying a shallow clone of the official 18.0 branch"
  mkdir -p "$(dirname "$ODOO_SRC")"
  if timeout 300 git clone -q --depth 1 --branch 18.0 "$ODOO_BRANCH_URL" "$ODOO_SRC.tmp" 2>/dev/null; then
    mv "$ODOO_SRC.tmp" "$ODOO_SRC"
  else
    rm -rf "$ODOO_SRC.tmp"
    log "could not get the Odoo 18.0 source (set ODOO_SRC); the Odoo tier will be skipped"
    return 1
  fi
}

main() {
  apt_install
  if [ ! -x "$PY" ]; then
    log "creating $VENV"
    python3 -m venv "$VENV"
  fi
  local want="tools-v5"
  if have_odoo_src; then want="$want odoo:$(cd "$ODOO_SRC" && (cat odoo/release.py | md5sum | cut -c1-8))"; fi
  if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
    "$PY" -c "import importlib.util as u, sys; sys.exit(not all(map(u.find_spec, ('stdnum', 'holidays', 'pytest', 'pytest_odoo', 'checklog_odoo', 'pre_commit'))))" 2>/dev/null && { log "environment up to date"; return 0; }
  fi
  "$PY" -m pip install -q --upgrade "pip<25" "setuptools<70" wheel
  # OCA addons (odoo-addon-*) without their dependencies: they require Odoo, which comes from
  # the source below, never from PyPI
  grep -v '^odoo-addon-' "$ROOT/requirements-dev.txt" > "$VENV/requirements-tools.txt"
  grep '^odoo-addon-' "$ROOT/requirements-dev.txt" > "$VENV/requirements-oca.txt" || true
  "$PY" -m pip install -q -r "$VENV/requirements-tools.txt"
  if [ -s "$VENV/requirements-oca.txt" ]; then
    "$PY" -m pip install -q --no-deps -r "$VENV/requirements-oca.txt"
  fi
  if find_odoo; then
    # Odoo 18's pins on Python 3.11: cbor2 5.4.2 has no usable file (5.4.6 works);
    # python-ldap and gevent/greenlet are not needed to run or test this addon; polib 1.2 (same
    # API) is the one OCA's PO checks (oca-odoo-pre-commit-hooks) require.
    sed -e 's/^cbor2==5\.4\.2.*/cbor2==5.4.6/' -e 's/^polib==1\.1\.1.*/polib==1.2.0/' -e '/^python-ldap/d' -e '/^gevent/d' -e '/^greenlet/d' \
      "$ODOO_SRC/requirements.txt" > "$VENV/odoo-requirements.txt"
    "$PY" -m pip install -q --no-build-isolation -r "$VENV/odoo-requirements.txt"
    "$PY" -m pip install -q --no-build-isolation --no-deps -e "$ODOO_SRC"
    "$PY" -m pip install -q --no-build-isolation --no-deps -e "$ROOT"
    want="tools-v5 odoo:$(cd "$ODOO_SRC" && (cat odoo/release.py | md5sum | cut -c1-8))"
  fi
  echo "$want" > "$STAMP"
  log "setup done"
}
main "$@"
