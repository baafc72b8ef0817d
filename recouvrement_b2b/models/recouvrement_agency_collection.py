from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class RecouvrementAgencyCollection(models.Model):
    """A payment collected by the collection agency (or lawyer) a litigation case was handed
    over to, with the commission it keeps at the agreed fee rate."""

    _name = "recouvrement.agency.collection"
    _description = "Payment Collected by an Agency"
    _order = "date desc, id desc"
    _check_company_auto = True

    litigation_id = fields.Many2one(
        "recouvrement.litigation", string="Case", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="litigation_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="litigation_id.currency_id")
    agency_id = fields.Many2one(related="litigation_id.agency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        check_company=True,
        domain="[('id', 'in', parent.move_ids)]",
    )
    amount = fields.Monetary(string="Amount Collected", required=True)
    fee_rate = fields.Float(
        string="Fee Rate (%)",
        digits=(16, 2),
        compute="_compute_fee_rate",
        store=True,
        readonly=False,
        help="Commission of the agency, in percent of the amount collected (the case's agreed "
        "rate by default).",
    )
    commission_amount = fields.Monetary(
        string="Commission", compute="_compute_commission", store=True
    )
    net_amount = fields.Monetary(
        compute="_compute_commission", store=True, help="Amount due to us."
    )
    note = fields.Char()

    @api.depends("litigation_id")
    def _compute_fee_rate(self):
        for collection in self:
            if not collection.fee_rate:
                collection.fee_rate = collection.litigation_id.agency_fee_rate

    @api.depends("amount", "fee_rate", "currency_id")
    def _compute_commission(self):
        for collection in self:
            commission = collection.currency_id.round(collection.amount * collection.fee_rate / 100)
            collection.commission_amount = commission
            collection.net_amount = collection.amount - commission

    @api.constrains("amount", "fee_rate")
    def _check_amounts(self):
        for collection in self:
            if collection.amount <= 0 or not 0 <= collection.fee_rate <= 100:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: a payment collected by the agency needs a positive "
                        "amount and a fee rate between 0 and 100 %%.",
                        case=collection.litigation_id.name,
                    )
                )

    @api.constrains("move_id", "date", "litigation_id")
    def _check_case(self):
        """A payment collected by the agency is on one of the case's invoices and dated while
        the file was in the agency's hands (from the hand-over to its return).

        :raise ValidationError: naming the case and the invoice or the date
        """
        for collection in self:
            case = collection.litigation_id
            if collection.move_id and collection.move_id not in case.move_ids:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: invoice %(invoice)s is not one of the case's invoices; "
                        "the agency collects only those.",
                        case=case.name,
                        invoice=collection.move_id.display_name,
                    )
                )
            start, end = case.handover_date, case.handover_return_date
            # a payment is recorded once collected: never after today
            end = min(end or fields.Date.context_today(self), fields.Date.context_today(self))
            if not start or collection.date < start or collection.date > end:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s: a payment collected by the agency on %(date)s must be "
                        "dated while the file was handed over to it (from %(start)s to "
                        "%(end)s).",
                        case=case.name,
                        date=format_date(self.env, collection.date),
                        start=format_date(self.env, start) if start else "-",
                        end=format_date(self.env, end),
                    )
                )
