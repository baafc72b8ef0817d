from odoo import api, fields, models

from ..tools.bounds import check_bounds


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # --- Penalties ----------------------------------------------------------------------------
    penalty_source_move_id = fields.Many2one(
        "account.move",
        string="Late Invoice",
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="Customer invoice whose late payment this line charges.",
    )
    penalty_kind = fields.Selection(
        [("penalty", "Late-payment penalties"), ("indemnity", "Recovery indemnity")],
        copy=False,
    )
    penalty_date_from = fields.Date(string="Penalty Period Start", copy=False)
    penalty_date_to = fields.Date(string="Penalty Period End", copy=False)
    penalty_computed_amount = fields.Monetary(
        string="Computed Penalty Amount",
        currency_field="currency_id",
        readonly=True,
        copy=False,
        help="What the computation gave for this line when the penalty invoice was created "
        "(invoice currency). The line's price may be changed by hand: a lower price is given "
        "up, a higher one kept; the next penalty invoice only charges what a period owes "
        "beyond this amount.",
    )

    # --- Dunning ------------------------------------------------------------------------------
    dunning_level_id = fields.Many2one(
        "recouvrement.dunning.level",
        copy=False,
        index="btree_not_null",
        help="Last dunning level applied to this instalment (receivable line).",
    )
    litigation_case_ids = fields.Many2many(
        "recouvrement.litigation",
        "recouvrement_litigation_line_rel",
        "line_id",
        "litigation_id",
        string="Claimed in Litigation Cases",
        copy=False,
        readonly=True,
    )

    @api.constrains("penalty_date_from", "penalty_date_to")
    def _check_penalty_period(self):
        # the period a penalty line charges ends by today and starts before its end: one
        # ending on 9999-12-31 marked every later day charged (issue 19)
        today = fields.Date.context_today(self)
        for line in self.filtered("penalty_date_to"):
            check_bounds(
                line, "penalty_date_to", line.penalty_date_from or line.penalty_date_to, today
            )
