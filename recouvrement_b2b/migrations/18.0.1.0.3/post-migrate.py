"""18.0.1.0.3: each penalty line keeps what the computation gave for it (issue 17).

The next penalty invoice used to compare what a period owes now with what its lines CHARGED,
so a line lowered by hand (penalties the company gave up, art. L441-10 Code de commerce: the
creditor's to claim or to forgo) was charged again. It now compares with the new
``account.move.line.penalty_computed_amount``, set at creation. The lines created before have
no such amount (read as 0, every period they charged would be charged again): their charged
amount (``price_subtotal``, invoice currency) is the best knowledge left of it. A price changed
by hand before the upgrade is read as computed (nothing tells it apart): such a period is
caught up as it was before the upgrade.
"""

from odoo.tools import SQL


def fill_computed_amounts(cr):
    """Set ``penalty_computed_amount`` to ``price_subtotal`` on the penalty and indemnity lines
    that have none. One update whatever the number of lines; lines created since keep theirs.

    :return: number of lines filled
    """
    cr.execute(
        SQL(
            """
            UPDATE account_move_line
               SET penalty_computed_amount = COALESCE(price_subtotal, 0)
             WHERE penalty_kind IS NOT NULL
               AND penalty_computed_amount IS NULL
            """
        )
    )
    return cr.rowcount


def migrate(cr, version):
    if version:
        fill_computed_amounts(cr)
