from odoo import fields, models


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

    # --- Dunning ------------------------------------------------------------------------------
    dunning_level_id = fields.Many2one(
        "recouvrement.dunning.level",
        copy=False,
        index="btree_not_null",
        help="Last dunning level applied to this instalment (receivable line).",
    )
