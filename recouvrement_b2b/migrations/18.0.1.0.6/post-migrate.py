"""18.0.1.0.6: what a served order covers is kept on its case (issue 17).

A case now records, when its service date is recorded, the instalments the order served
covers (``recouvrement.litigation.served_line_ids``): only they take the service's
interruption of prescription (art. 2241 Code civil), an instalment or an invoice joining the
case afterwards keeps its own. A case served before this version has none recorded, and would
read what it claims at each computation, so that an instalment joining it later would still
get the service's date. Each such case gets, once, what it claims on the day of the upgrade:
the closest record of what was served that the database holds (nothing was kept of the day of
the service itself). The credits a case closed before this version deducted
(``closing_credit_amount``) cannot be told any more (the credits may have been matched since):
they stay at 0.
"""

from odoo import SUPERUSER_ID, api


def keep_served_lines(env):
    """Record ``served_line_ids`` on the served cases without them; return the cases given
    them (recouvrement.litigation)."""
    cases = (
        env["recouvrement.litigation"]
        .with_context(active_test=False)
        .search([("service_date", "!=", False), ("served_line_ids", "=", False)])
    )
    cases._keep_served_lines()
    return cases.filtered("served_line_ids")


def migrate(cr, version):
    if version:
        keep_served_lines(api.Environment(cr, SUPERUSER_ID, {}))
