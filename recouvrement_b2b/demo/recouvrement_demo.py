import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class RecouvrementDemo(models.AbstractModel):
    """The steps of the demo (``demo/*.xml``) that run business code rather than declare records.

    Every method is called from a ``<function>`` of the demo files, with the ids of the
    records they declared; none is used outside the demo.
    """

    _name = "recouvrement.demo"
    _description = "Debt Collection Demo Replay"

    @api.model
    def _register_payments(self, payments):
        """Register customer payments in the bank journal of the invoices' company.

        :param list payments: ``[(invoice id, amount, days ago)]``; an amount below the amount
            due leaves the rest open (partial payment).
        """
        today = fields.Date.context_today(self)
        moves = self.env["account.move"].browse([move_id for move_id, _amount, _days in payments])
        journals = {
            company: self.env["account.journal"].search(
                [("company_id", "=", company.id), ("type", "=", "bank")], limit=1
            )
            for company in moves.company_id
        }
        for move, (_move_id, amount, days_ago) in zip(moves, payments, strict=True):
            self.env["account.payment.register"].with_company(move.company_id).with_context(
                active_model="account.move", active_ids=move.ids
            ).create(
                {
                    "amount": amount,
                    "payment_date": today - relativedelta(days=days_ago),
                    "journal_id": journals[move.company_id].id,
                    "payment_difference_handling": "open",
                }
            )._create_payments()

    @api.model
    def _create_penalty_invoices(self, move_ids):
        """Draft penalty invoices (art. L441-10 Code de commerce) for late invoices.

        None when the reference rate of the current half-year is not in the data yet.

        :param list move_ids: posted customer invoices past their due date
        """
        moves = self.env["account.move"].browse(move_ids).sorted()
        try:
            with self.env.cr.savepoint():
                moves.with_company(moves.company_id[:1])._create_penalty_invoices()
        except UserError as error:
            _logger.info("No demo penalty invoice: %s", error)

    @api.model
    def _start_payment_plans(self, plan_ids, months_ago=0):
        """Compute the schedule of draft payment plans and activate them.

        A schedule cannot start in the past: a plan that started ``months_ago`` months ago is
        scheduled from today, then its dates are moved back (monthly dates kept) and its
        progress is checked, which breaks it if an instalment is unpaid beyond the tolerance.

        The XML dates the demo in Paris (the server's clock is UTC: in the hour or two
        before midnight UTC, its today is Paris's yesterday) and the schedule is checked
        against the user's day (``context_today``): a date before the user's today, when his
        time zone is not Paris's, is moved to it first; the install never depends on the hour.

        :param list plan_ids: draft plans with their invoices and signature date
        :param int months_ago: months between the plan's first instalment and today
        """
        plans = self.env["recouvrement.payment.plan"].browse(plan_ids)
        for plan in plans:
            today = fields.Date.context_today(plan)
            if plan.first_date < today:
                plan.first_date = today
            if plan.down_payment_date and plan.down_payment_date < today:
                plan.down_payment_date = today
        plans.action_compute_schedule()
        if months_ago:
            for plan in plans:
                plan.first_date -= relativedelta(months=months_ago)
                for line in plan.line_ids:
                    line.date_due -= relativedelta(months=months_ago)
        plans.action_activate()
        if months_ago:
            plans._check_progress()

    @api.model
    def _load_translations(self):
        """Load the module's terms in the installed languages, as the first step of the demo.

        Odoo loads a module's translations at the end of its install, after its demo: without
        this step, the records the demo creates would be stored with the English terms, e.g.
        the creation note "Litigation Case créé" that mail logs with the model's name, or the
        English names of the ladders copied to the demo company (issue 16).
        """
        langs = [code for code, _name in self.env["res.lang"].get_installed() if code != "en_US"]
        if langs:
            self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], langs)
            # the model and record names read before are cached in English
            self.env.invalidate_all()

    @api.model
    def _copy_dunning_policy(self, company_id):
        """Give the company its own copy of the shipped dunning ladders (standard, strategic and
        risky customers: README, issue 16), the standard one as its default policy.

        The ladders get the names of the module's terms, loaded by ``_load_translations``.
        """
        template = self.env.ref("recouvrement_b2b.dunning_policy_standard")
        company = self.env["res.company"].browse(company_id)
        company.dunning_policy_id = template._copy_to_company(company)
        for xmlid in ("dunning_policy_strategic", "dunning_policy_risky"):
            self.env.ref(f"recouvrement_b2b.{xmlid}")._copy_to_company(company)

    @api.model
    def _replay_dunning(self, company_id, partner_ids, days_ago):
        """Run the dunning of the company's customers on past days, oldest first, so that the
        demo shows reminders at several levels with their history.

        Letters are rendered as HTML (no HTTP server for wkhtmltopdf during the install).

        :param list partner_ids: the customers to remind
        :param list days_ago: the days to replay, as a number of days before today
        """
        company = self.env["res.company"].browse(company_id)
        partners = self.env["res.partner"].browse(partner_ids)
        dunning = (
            self.env["recouvrement.dunning"]
            .with_company(company)
            .with_context(dunning_letter_html=True)
        )
        today = fields.Date.context_today(self)
        for days in sorted(days_ago, reverse=True):
            date = today - relativedelta(days=days)
            plan = dunning._get_plan(date, companies=company, partners=partners)
            dunning._dunning_render_letters(dunning._send_reminders(plan, date))

    @api.model
    def _update_credit_scores(self, partner_ids):
        """Compute and store the payment scores of the customers in the current company.

        :param list partner_ids: the customers to score
        """
        partners = self.env["res.partner"].browse(partner_ids)
        self.env["recouvrement.credit"]._update_scores(partners, self.env.company)
