from odoo import fields, models
from odoo.exceptions import UserError


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

    # --- Credit: optional check at invoice posting ------------------------------------------

    def _post(self, soft=True):
        self._recouvrement_check_credit()
        return super()._post(soft=soft)

    def _recouvrement_check_credit(self):
        """Check the customers' credit of the invoices being posted, when the company asks for
        it (the draft invoice is already part of the exposure)."""
        invoices = self.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "draft"
                and m.company_id.recouvrement_credit_check_invoice
                and m.company_id.recouvrement_credit_check != "none"
            )
        )
        is_manager = self.env.user.has_group("recouvrement_b2b.recouvrement_group_manager")
        for company, moves in invoices.grouped("company_id").items():
            mode = company.recouvrement_credit_check
            if mode == "override" and is_manager:
                continue
            partners = moves.commercial_partner_id
            status = partners.with_company(company)._recouvrement_credit_status(company)
            for move in moves:
                reasons = status[move.commercial_partner_id.id]["reasons"]
                if not reasons:
                    continue
                if mode == "warning":
                    move.message_post(
                        body=self.env._(
                            "Posted despite the credit check: %(reasons)s",
                            reasons="\n".join(reasons),
                        ),
                        subtype_xmlid="mail.mt_note",
                    )
                    continue
                raise UserError(
                    self.env._(
                        "Invoice of %(partner)s cannot be posted:\n%(reasons)s",
                        partner=move.commercial_partner_id.display_name,
                        reasons="\n".join(reasons),
                    )
                )
