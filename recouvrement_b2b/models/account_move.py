from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    # --- Penalties ----------------------------------------------------------------------------

    # --- Dunning ------------------------------------------------------------------------------
    dunning_level_id = fields.Many2one(
        "recouvrement.level",
        copy=False,
        index="btree_not_null",
        tracking=True,
        help="Last dunning level applied to this invoice.",
    )

    # --- Payment plans ------------------------------------------------------------------------
    payment_plan_id = fields.Many2one(
        "recouvrement.payment.plan",
        copy=False,
        index="btree_not_null",
        help="Active payment plan covering this invoice (empty when none, broken or completed).",
    )
    prescription_interruption_date = fields.Date(
        copy=False,
        help="Last acknowledgment of the debt or legal action (art. 2240, 2241 Code civil): the "
        "5-year prescription restarts from this date.",
    )

    # --- Litigation ---------------------------------------------------------------------------
    litigation_id = fields.Many2one(
        "recouvrement.litigation",
        copy=False,
        index="btree_not_null",
        help="Open litigation case containing this invoice (empty once the case is closed).",
    )

    # --- Integration methods (shared by the collection features) -----------------------------

    def _get_penalty_figures(self, to_date):
        """Late-payment figures per invoice at ``to_date`` (L441-10, D441-5).

        Returns ``{move.id: {"penalty": float, "indemnity": float, "rate": float, "days": int}}``
        in the invoice currency, for all of ``self`` at once (batched).
        """
        return {
            move.id: {"penalty": 0.0, "indemnity": 0.0, "rate": 0.0, "days": 0} for move in self
        }
