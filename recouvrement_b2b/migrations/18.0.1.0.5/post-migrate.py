"""18.0.1.0.5: the first-run safeguard is the company's (issue 17 #12).

Until now a company counted as having made its first dunning run when it had
``res.company.dunning_first_run_date`` or, failing it, any reminder sent: a reminder recorded
by hand before the first run lost the first-run summary. The first run is now the company's
date only. A database upgraded from before kept the companies that ran their dunning before the
date existed (their reminders were sent by runs, no date was ever set): each company without
the date but with a reminder in evidence gets the day of its first such reminder, so that its
daily run goes on as before (one cannot tell now which of those reminders were recorded by
hand).
"""

from odoo.tools import SQL

#: the states of a reminder that went out (recouvrement.dunning.event.EVIDENCE_STATES)
EVIDENCE_STATES = ("sent", "to_post", "posted", "undelivered")


def mark_started_companies(cr):
    """Set ``dunning_first_run_date`` of the companies without one that have a reminder in
    evidence, to the day of their first; return the number of companies marked."""
    cr.execute(
        SQL(
            """
            UPDATE res_company c
               SET dunning_first_run_date = first.day
              FROM (SELECT company_id, MIN(date) AS day
                      FROM recouvrement_dunning_event
                     WHERE state IN %s
                  GROUP BY company_id) first
             WHERE first.company_id = c.id
               AND c.dunning_first_run_date IS NULL
            """,
            EVIDENCE_STATES,
        )
    )
    return cr.rowcount


def migrate(cr, version):
    if version:
        mark_started_companies(cr)
