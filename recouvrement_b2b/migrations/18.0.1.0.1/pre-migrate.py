"""18.0.1.0.1: the exclusion from penalties became per company (issue 19).

``res.partner.penalty_excluded`` was one boolean column shared by the companies; it is now
company-dependent (a jsonb column, one value per company). PostgreSQL cannot cast a boolean
column to jsonb, so the ORM's own conversion would fail: the old column is set aside here and
copied to every company by ``post-migrate.py``.
"""

from odoo.tools import sql

#: where the shared value waits between the two steps of the migration
LEGACY_COLUMN = "penalty_excluded_shared"


def set_aside_shared_exclusion(cr):
    """Rename the boolean ``res_partner.penalty_excluded`` to ``LEGACY_COLUMN`` (no-op when the
    column is already per company, jsonb, or missing).

    :return: True when the old column was set aside
    """
    column = sql.table_columns(cr, "res_partner").get("penalty_excluded")
    if not column or column["udt_name"] != "bool":
        return False
    sql.rename_column(cr, "res_partner", "penalty_excluded", LEGACY_COLUMN)
    return True


def migrate(cr, version):
    if version:
        set_aside_shared_exclusion(cr)
