from odoo import api, fields, models
from odoo.exceptions import AccessError, RedirectWarning, UserError
from odoo.tools import format_amount


class SaleOrder(models.Model):
    _inherit = "sale.order"

    # --- Credit -------------------------------------------------------------------------------
    recouvrement_credit_warning = fields.Text(
        string="Credit Warning", compute="_compute_recouvrement_credit_warning"
    )
    credit_override_user_id = fields.Many2one(
        "res.users", string="Credit Approved By", copy=False, readonly=True
    )
    credit_override_reason = fields.Text(string="Credit Approval Reason", copy=False, readonly=True)

    @api.depends("partner_id", "amount_total", "company_id", "state")
    @api.depends_context("company")
    def _compute_recouvrement_credit_warning(self):
        self.recouvrement_credit_warning = False
        orders = self.filtered(
            lambda o: (
                o.state in ("draft", "sent")
                and o.partner_id
                and o.company_id.recouvrement_credit_check != "none"
            )
        )
        for company, company_orders in orders.grouped("company_id").items():
            reasons = company_orders._recouvrement_credit_reasons(company)
            for order in company_orders:
                order.recouvrement_credit_warning = "\n".join(reasons.get(order, []))

    def write(self, vals):
        if (
            {"credit_override_user_id", "credit_override_reason"} & set(vals)
            and not self.env.su
            and not self.env.user.has_group("recouvrement_b2b.recouvrement_group_manager")
        ):
            raise AccessError(self.env._("Only a credit manager can approve an order over credit."))
        return super().write(vals)

    def action_confirm(self):
        self._recouvrement_check_credit()
        return super().action_confirm()

    def action_open_credit_override(self):
        """Open the wizard where a credit manager approves the order with a reason."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve Over Credit"),
            "res_model": "recouvrement.credit.override",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _recouvrement_is_paid_online(self):
        """Whether the order is confirmed by an online payment (never blocked)."""
        self.ensure_one()
        return (
            bool(self.transaction_ids.filtered(lambda tx: tx.state in ("authorized", "done")))
            and self._is_confirmation_amount_reached()
        )

    def _recouvrement_credit_reasons(self, company):
        """Block reasons per order of ``self`` (all in ``company``), in a constant number of
        queries: ``{order: [message]}``. The amount of each order is added to its customer's
        exposure (not the other orders of ``self``)."""
        partners = self.partner_id.commercial_partner_id
        status = partners.with_company(company)._recouvrement_credit_status(company)
        base = {pid: values["exposure"] for pid, values in status.items()}
        result = {}
        for order in self:
            partner = order.partner_id.commercial_partner_id
            amount = order.amount_total / (order.currency_rate or 1.0)
            if not amount:
                result[order] = status[partner.id]["reasons"]
                continue
            # Only the limit depends on the amount: recompute this partner's reasons with it.
            result[order] = partner._recouvrement_reasons_with_amount(
                company, status[partner.id], base[partner.id], amount
            )
        return result

    def _recouvrement_check_credit(self):
        """Apply the company's credit check mode to the orders being confirmed."""
        to_check = self.filtered(
            lambda o: (
                o.state in ("draft", "sent")
                and o.company_id.recouvrement_credit_check != "none"
                and not (
                    o.credit_override_user_id
                    and o.company_id.recouvrement_credit_check == "override"
                )
            )
        )
        to_check = to_check.filtered(lambda o: not o._recouvrement_is_paid_online())
        for company, orders in to_check.grouped("company_id").items():
            reasons = orders._recouvrement_credit_reasons(company)
            for order in orders:
                if reasons[order]:
                    order._recouvrement_credit_blocked(reasons[order])

    def _recouvrement_credit_blocked(self, reasons):
        """React to a failed credit check according to the company mode."""
        self.ensure_one()
        mode = self.company_id.recouvrement_credit_check
        text = "\n".join(reasons)
        if mode == "warning":
            self.message_post(
                body=self.env._(
                    "Confirmed despite the credit check: %(reasons)s",
                    reasons=text,
                ),
                subtype_xmlid="mail.mt_note",
            )
            return
        if mode == "override" and self.env.user.has_group(
            "recouvrement_b2b.recouvrement_group_manager"
        ):
            raise RedirectWarning(
                self.env._(
                    "Order %(order)s cannot be confirmed:\n%(reasons)s",
                    order=self.name,
                    reasons=text,
                ),
                self.action_open_credit_override(),
                self.env._("Approve with a reason"),
            )
        if mode == "override":
            raise UserError(
                self.env._(
                    "Order %(order)s cannot be confirmed:\n%(reasons)s\nAsk a credit manager to "
                    "approve it.",
                    order=self.name,
                    reasons=text,
                )
            )
        raise UserError(
            self.env._(
                "Order %(order)s cannot be confirmed:\n%(reasons)s",
                order=self.name,
                reasons=text,
            )
        )

    def _recouvrement_approve_credit(self, reason):
        """Record a credit manager's approval, post it with the figures, notify the credit
        responsible and confirm the order."""
        self.ensure_one()
        company = self.company_id
        partner = self.partner_id.commercial_partner_id
        status = partner.with_company(company)._recouvrement_credit_status(company)[partner.id]
        figures = status["figures"]
        currency = company.currency_id
        amount = self.amount_total / (self.currency_rate or 1.0)
        reasons = partner._recouvrement_reasons_with_amount(
            company, status, status["exposure"], amount
        )
        self.write({"credit_override_user_id": self.env.uid, "credit_override_reason": reason})
        body = self.env._(
            "Credit approved by %(user)s: %(reason)s\nExposure %(exposure)s including this "
            "order (%(amount)s), limit %(limit)s, overdue %(overdue)s (%(days)s days), score "
            "%(score)s.\n%(reasons)s",
            user=self.env.user.name,
            reason=reason,
            exposure=format_amount(self.env, status["exposure"] + amount, currency),
            amount=format_amount(self.env, amount, currency),
            limit=format_amount(self.env, figures.get("credit_limit") or 0.0, currency),
            overdue=format_amount(self.env, figures.get("overdue_amount") or 0.0, currency),
            days=figures.get("overdue_days") or 0,
            score=partner.with_company(company).credit_score or "-",
            reasons="\n".join(reasons),
        )
        self.message_post(body=body, subtype_xmlid="mail.mt_note")
        responsible = company.recouvrement_user_id or self.env.user
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=responsible.id,
            summary=self.env._("Order confirmed over credit"),
            note=body,
        )
        return self.action_confirm()
