from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..models.recouvrement_call import CALL_OUTCOMES
from ..models.recouvrement_dispute import DISPUTE_REASONS


class RecouvrementCallLog(models.TransientModel):
    """Log a call to a customer in two clicks (from the worklist or the customer).

    The call is stored (``recouvrement.call``) and its outcome applied
    (:meth:`recouvrement.call._apply_outcomes`: activities, follow-ups, score). A promise
    outcome with its amount and date creates the promise (channel phone); a dispute outcome
    with its invoice creates the dispute; without their figures, their creation form opens.
    """

    _name = "recouvrement.call.log"
    _description = "Log a Call"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    outcome = fields.Selection(CALL_OUTCOMES, required=True, default="reached")
    note = fields.Text()
    promise_amount = fields.Monetary(string="Promised Amount", currency_field="currency_id")
    promise_date = fields.Date(string="Promised Date")
    dispute_move_id = fields.Many2one(
        "account.move",
        string="Disputed Invoice",
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'),"
        " ('payment_state', 'in', ('not_paid', 'partial')),"
        " ('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id)]",
    )
    dispute_currency_id = fields.Many2one(
        related="dispute_move_id.currency_id", string="Invoice Currency"
    )
    dispute_amount = fields.Monetary(
        string="Disputed Amount",
        currency_field="dispute_currency_id",
        help="In the invoice's currency. Empty: the whole amount due of the invoice.",
    )
    dispute_reason = fields.Selection(DISPUTE_REASONS, default="other")

    @api.model
    def _get_action(self, partner, company):
        """Window action opening the call log of ``partner`` (res.partner) in ``company``."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": partner.commercial_partner_id.id,
                "default_company_id": company.id,
            },
        }

    def action_log(self):
        """Store the call and apply its outcome (see the class).

        :return: the promise or dispute creation form when their figures were not given,
            else closes
        :raise ValidationError: a promised amount without date (or the reverse), or a
            promise or dispute refused by its own checks
        """
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        promise = dispute = None
        if self.outcome == "promise" and (self.promise_amount or self.promise_date):
            promise = self._create_promise(partner)
        if self.outcome == "dispute" and self.dispute_move_id:
            dispute = self._create_dispute()
        call = self.env["recouvrement.call"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "outcome": self.outcome,
                "note": self.note,
                "promise_id": promise.id if promise else False,
                "dispute_id": dispute.id if dispute else False,
            }
        )
        call._apply_outcomes()
        if self.outcome == "promise" and not call.promise_id:
            return self._open_creation("recouvrement.promise", partner)
        if self.outcome == "dispute" and not call.dispute_id:
            return self._open_creation("recouvrement.dispute", partner)
        return {"type": "ir.actions.act_window_close"}

    def _create_promise(self, partner):
        """The promise given on the call (phone), on the customer's account."""
        if not self.promise_amount or not self.promise_date:
            raise ValidationError(
                self.env._(
                    "Call with %(partner)s: a promise needs both its amount and its date "
                    "(fields Promised Amount and Promised Date).",
                    partner=partner.display_name,
                )
            )
        return self.env["recouvrement.promise"].create(
            {
                "partner_id": partner.id,
                "company_id": self.company_id.id,
                "amount": self.promise_amount,
                "date": self.promise_date,
                "channel": "phone",
                "note": self.note,
            }
        )

    def _create_dispute(self):
        """The dispute raised on the call, on its invoice (whole amount due by default).

        :raise ValidationError: the invoice is not one of the called customer's in the call's
            company (the form's domain bypassed), naming the invoice, the customer and the field
        """
        move = self.dispute_move_id
        if (
            move.commercial_partner_id != self.partner_id.commercial_partner_id
            or move.company_id != self.company_id
        ):
            raise ValidationError(
                self.env._(
                    "Call with %(partner)s: invoice %(invoice)s is not an invoice of this "
                    "customer in %(company)s (field Disputed Invoice).",
                    partner=self.partner_id.commercial_partner_id.display_name,
                    invoice=move.display_name,
                    company=self.company_id.name,
                )
            )
        vals = {
            "move_id": self.dispute_move_id.id,
            "reason": self.dispute_reason or "other",
            "description": self.note,
        }
        if self.dispute_amount:
            vals["amount"] = self.dispute_amount
        return self.env["recouvrement.dispute"].create(vals)

    def _open_creation(self, model, partner):
        """Form creating a ``model`` record (promise or dispute) for ``partner``."""
        context = {"default_company_id": self.company_id.id, "default_channel": "phone"}
        if model == "recouvrement.promise":
            context["default_partner_id"] = partner.id
        else:
            context["default_description"] = self.note or False
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "view_mode": "form",
            "target": "current",
            "context": context,
        }
