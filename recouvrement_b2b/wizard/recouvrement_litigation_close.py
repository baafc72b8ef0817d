from odoo import api, fields, models

from ..models.recouvrement_litigation import LITIGATION_OUTCOMES
from ..tools.bounds import check_date_horizon


class RecouvrementLitigationClose(models.TransientModel):
    _name = "recouvrement.litigation.close"
    _description = "Close a Litigation Case"

    litigation_id = fields.Many2one("recouvrement.litigation", string="Case", required=True)
    company_id = fields.Many2one(related="litigation_id.company_id")
    litigation_type = fields.Selection(related="litigation_id.litigation_type")
    outcome = fields.Selection(
        LITIGATION_OUTCOMES,
        required=True,
        default="recovered",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    loss = fields.Selection(
        [
            ("none", "Not definitively lost"),
            ("insufficient_assets", "Liquidation closed for insufficient assets"),
            ("court_decision", "Court decision"),
        ],
        string="Definitive Loss",
        compute="_compute_loss",
        store=True,
        precompute=True,
        readonly=False,
        required=True,
        help="A debt definitively lost gives back the output VAT paid on it (art. 272 CGI): the "
        "entry splits the written-off amount into the amount excluding tax (bad-debt account) "
        "and the VAT (tax accounts of the invoices), pro rata, shown in the VAT return. "
        "Otherwise the whole amount goes to the bad-debt account. VAT on payment (services) of "
        "the unpaid part was never due: it is always cleared from the VAT awaiting payment.",
    )
    write_off_account_id = fields.Many2one(
        "account.account",
        string="Bad-debt Account",
        compute="_compute_write_off_account_id",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('account_type', 'in', ('expense', 'expense_other'))]",
        help="Expense account of the write-off, e.g. 654100 Pertes sur créances irrécouvrables. "
        "Choose the account according to the VAT treatment decided by the accountant.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
        check_company=True,
        domain="[('type', '=', 'general')]",
    )

    @api.depends("litigation_id")
    def _compute_loss(self):
        # A liquidation closed for insufficient assets on the customer's claim declaration
        # makes the debt definitively lost (art. 272 CGI).
        closed = self.env["recouvrement.claim.declaration"].search(
            [
                ("partner_id", "in", self.litigation_id.commercial_partner_id.ids),
                ("proceedings", "=", "liquidation"),
                ("state", "=", "closed"),
                ("closure_reason", "=", "insufficient_assets"),
            ]
        )
        closed_keys = {(d.company_id, d.partner_id) for d in closed}
        for wizard in self:
            case = wizard.litigation_id
            if (case.company_id, case.commercial_partner_id) in closed_keys:
                wizard.loss = "insufficient_assets"
            elif not wizard.loss:
                wizard.loss = "none"

    @api.depends("outcome", "company_id")
    def _compute_write_off_account_id(self):
        for wizard in self:
            if wizard.outcome == "written_off" and not wizard.write_off_account_id:
                wizard.write_off_account_id = self.env[
                    "recouvrement.litigation"
                ]._get_bad_debt_account(wizard.company_id)

    @api.depends("outcome", "litigation_id")
    def _compute_journal_id(self):
        for wizard in self:
            if wizard.outcome == "written_off" and not wizard.journal_id:
                wizard.journal_id = wizard.litigation_id._default_write_off_journal()

    @api.constrains("date")
    def _check_date(self):
        # the case is closed, and written off, on a day that has come (issue 19)
        check_date_horizon(self, ["date"])

    def action_confirm(self):
        self.ensure_one()
        self.litigation_id._close(
            self.outcome,
            account=self.write_off_account_id,
            journal=self.journal_id,
            date=self.date,
            loss=self.loss,
        )
        return {"type": "ir.actions.act_window_close"}
