"""18.0.1.0.1: the exclusion from penalties became per company (issue 19).

The shared boolean set aside by ``pre-migrate.py`` is copied to every company's value of the
company-dependent ``res.partner.penalty_excluded``: a customer excluded before the upgrade stays
excluded in each company (art. L441-10 Code de commerce penalties are due by law; only an
exclusion decided by a credit manager stops them, and the upgrade must not revive them).
"""

import json

from odoo.tools import SQL, sql

#: the column ``pre-migrate.py`` set the shared value aside in
LEGACY_COLUMN = "penalty_excluded_shared"


def copy_shared_exclusion(cr):
    """Copy ``res_partner.LEGACY_COLUMN`` (bool) to ``penalty_excluded`` (jsonb per company) for
    every company, keeping a value a company already has, then drop the old column. One
    update whatever the number of customers; no-op without the old column.

    :return: number of customers whose exclusion was copied
    """
    if not sql.column_exists(cr, "res_partner", LEGACY_COLUMN):
        return 0
    cr.execute(SQL("SELECT id FROM res_company"))
    values = {str(company_id): True for (company_id,) in cr.fetchall()}
    cr.execute(
        SQL(
            """
            UPDATE res_partner
               SET penalty_excluded = %s::jsonb || COALESCE(penalty_excluded, '{}'::jsonb)
             WHERE %s
            """,
            json.dumps(values),
            SQL.identifier(LEGACY_COLUMN),
        )
    )
    copied = cr.rowcount
    cr.execute(SQL("ALTER TABLE res_partner DROP COLUMN %s", SQL.identifier(LEGACY_COLUMN)))
    return copied


def migrate(cr, version):
    if version:
        copy_shared_exclusion(cr)
