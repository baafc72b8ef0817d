"""Tier 1: the README says what a (French) user sees (issue 16): menus, settings, banner."""

import re
from pathlib import Path

import polib
from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
ADDON = ROOT / "recouvrement_b2b"
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _french():
    return {e.msgid: e.msgstr for e in polib.pofile(str(ADDON / "i18n" / "fr.po"))}


def test_readme_menu_is_the_french_community_menu():
    """The root menu hangs under Odoo's Customers menu of the Invoicing app, named as in fr.po."""
    menus = etree.parse(str(ADDON / "views" / "recouvrement_menus.xml"))
    root = menus.find(".//menuitem[@id='menu_recouvrement_root']")
    assert root.get("parent") == "account.menu_finance_receivables"
    french = _french()[root.get("name")]
    assert f"Facturation > Clients > {french}" in README
    assert "Invoicing > Customers > Collection" in README


def test_readme_settings_exist_in_the_settings_view():
    """Every *setting name* the README quotes under Configuration is a setting of the view."""
    view = etree.parse(str(ADDON / "views" / "res_config_settings_views.xml"))
    strings = {s.get("string") for s in view.iter("setting")}
    quoted = re.findall(r"^  - \*([^*]+)\*", README, flags=re.MULTILINE)
    assert "Default dunning policy" in quoted
    assert set(quoted) <= strings, set(quoted) - strings
    block = view.find(".//block[@id='recouvrement_settings']").get("title")
    assert f"*{block}*" in README
    assert _french()[block] in README


def test_run_banner_in_background_mode():
    """`make start` runs the server in the background: no "Ctrl-C" there."""
    script = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    daemon = re.search(r'if \[ -n "\$\{RB2B_DAEMON:-\}" \]; then stop="([^"]+)"', script)
    assert daemon and "Ctrl-C" not in daemon.group(1) and "make stop" in daemon.group(1)


def test_demo_installs_the_sales_app_and_opens_the_actions_of_the_day():
    """Issue 16 (found by the break test): the demo had no Sales menu (sale_management is
    installed by `make run`, not a dependency of the module) and admin landed on Discuss."""
    script = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert re.search(r'-i "\$MODULE,sale_management"', script)
    manifest = (ADDON / "__manifest__.py").read_text(encoding="utf-8")
    assert "sale_management" not in manifest
    demo = etree.parse(str(ADDON / "demo" / "res_partner_demo.xml"))
    admin = demo.find(".//record[@id='base.user_admin']")
    action = admin.find("field[@name='action_id']")
    assert (
        action is not None and action.get("ref") == "recouvrement_b2b.recouvrement_worklist_action"
    )


def test_readme_says_what_interrupts_prescription():
    """Issue 16 (break test): the README said "filing interrupts prescription"; filing an
    injonction de payer does not (the debtor is not told of it), serving the order does
    (LEGAL.md, Prescription; Cass. 1re civ. 05/11/2009 n°08-18.095), as the code does."""
    text = " ".join(README.split())
    assert "filing interrupts prescription" not in text
    assert "the service of the order interrupts prescription, not its filing" in text
