from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..rules import deadlines


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
    prescription_date = fields.Date(
        compute="_compute_prescription_date",
        store=True,
        help="Last day to act before the claim is time-barred: 5 years from the due date (or "
        "from an earlier delivery), 2 years against a consumer, restarted by the last "
        "acknowledgment or legal action (L110-4 Code de commerce, art. 2240-2241 Code civil).",
    )
    prescription_alert_date = fields.Date(
        copy=False, readonly=True, help="Date of the last prescription alert on this invoice."
    )
    prescription_next_alert_date = fields.Date(
        compute="_compute_prescription_next_alert_date",
        store=True,
        index="btree_not_null",
        help="Next prescription alert (60 and 15 days before), for unpaid invoices in no case.",
    )

    @api.depends("prescription_date", "prescription_alert_date")
    def _compute_prescription_next_alert_date(self):
        for move in self:
            upcoming = [
                day
                for day in (
                    deadlines.alert_dates(move.prescription_date) if move.prescription_date else []
                )
                if not move.prescription_alert_date or day > move.prescription_alert_date
            ]
            move.prescription_next_alert_date = upcoming[0] if upcoming else False

    @api.depends(
        "move_type",
        "invoice_date_due",
        "delivery_date",
        "invoice_date",
        "prescription_interruption_date",
        "commercial_partner_id.is_company",
    )
    def _compute_prescription_date(self):
        for move in self:
            if move.move_type != "out_invoice" or not move.invoice_date_due:
                move.prescription_date = False
                continue
            interruption = move.prescription_interruption_date
            move.prescription_date = deadlines.prescription_date(
                move.invoice_date_due,
                delivery_date=move.delivery_date,
                invoice_date=move.invoice_date,
                interruptions=[interruption] if interruption else (),
                consumer=move._is_consumer_debtor(),
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

    # --- Litigation ---------------------------------------------------------------------------

    def _is_consumer_debtor(self):
        """A natural person without company identifiers: the 2-year consumer prescription."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return not partner.is_company and not partner.siren and not partner.vat

    def action_open_litigation(self):
        """Open a new litigation case prefilled with the selected unpaid invoices."""
        moves = self.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted" and not m.litigation_id
        )
        partner = moves.commercial_partner_id
        if not moves or len(partner) > 1:
            raise UserError(
                self.env._(
                    "Select posted customer invoices of one customer that are in no open case."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Litigation Case"),
            "res_model": "recouvrement.litigation",
            "view_mode": "form",
            "context": {
                "default_partner_id": partner.id,
                "default_company_id": moves.company_id[:1].id,
                "default_move_ids": moves.ids,
            },
        }

    def action_view_litigation(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "recouvrement.litigation",
            "view_mode": "form",
            "res_id": self.litigation_id.id,
        }

    @api.model
    def _get_prescription_alert_domain(self, today):
        """Unpaid customer invoices in no litigation case whose prescription alert is due."""
        return [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("litigation_id", "=", False),
            ("prescription_next_alert_date", "<=", today),
            ("prescription_date", ">=", today),
        ]

    def _raise_litigation_alerts(self, today):
        """One activity per invoice before its prescription, then remember the alert."""
        todo = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        model = self.env["ir.model"]._get_id("account.move")
        vals_list = [
            {
                "activity_type_id": todo.id if todo else False,
                "res_model_id": model,
                "res_id": move.id,
                "user_id": (
                    move.company_id.recouvrement_user_id.id
                    or move.invoice_user_id.id
                    or self.env.uid
                ),
                "date_deadline": move.prescription_date,
                "summary": self.env._(
                    "Prescription of %(invoice)s on %(date)s",
                    invoice=move.name,
                    date=format_date(self.env, move.prescription_date),
                ),
                "note": self.env._(
                    "Invoice %(invoice)s is time-barred after %(date)s: obtain an "
                    "acknowledgment of the debt (payment plan) or open a litigation case.",
                    invoice=move.name,
                    date=format_date(self.env, move.prescription_date),
                ),
            }
            for move in self
        ]
        # quick update: no e-mail per activity, the responsible sees them in the activity menu.
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(vals_list)
        self.prescription_alert_date = today

    def _litigation_alert_failed(self, today, error):
        self.prescription_alert_date = today
        self.message_post(
            body=self.env._("The prescription alert could not be raised: %(error)s", error=error)
        )
