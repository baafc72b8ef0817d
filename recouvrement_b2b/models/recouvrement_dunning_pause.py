from odoo import api, fields, models
from odoo.osv import expression


class RecouvrementDunning(models.AbstractModel):
    _inherit = "recouvrement.dunning"

    @api.model
    def _get_partner_pause_domain(self, date, companies, partner_field="commercial_partner_id"):
        """Domain (on ``account.move`` or its lines) leaving out the invoices whose customer
        is paused on ``date`` by the invoice's own company.

        ``res.partner.dunning_paused_until`` is company-dependent: company B's pause of a
        shared customer must not hide company A's reminders (nor A's planned transfer to
        litigation). One block per company, each a sub-query on the partners paused in that
        company: the number of queries does not depend on the number of invoices.

        :param date: day of the run
        :param companies: res.company the plan runs for
        :param partner_field: path to the customer from the domain's model (``account.move``:
            ``commercial_partner_id``; its receivable lines: ``move_id.commercial_partner_id``)
        :return: a domain (list), empty when no company is given
        """
        Partner = self.env["res.partner"].with_context(active_test=False)
        return expression.AND(
            [
                "|",
                ("company_id", "!=", company.id),
                (
                    partner_field,
                    "not in",
                    Partner.with_company(company)._search([("dunning_paused_until", ">=", date)]),
                ),
            ]
            for company in companies
        )

    @api.model
    def _hold_next_dates(self, moves, next_dates):
        """Correct ``next_dates`` (``{move id: date or False}``) of the open invoices
        ``moves`` for what the ladder leaves out (:meth:`_get_dunning_domain`): no next
        reminder for an invoice in an open litigation case or in a payment plan; an invoice
        paused until a day is reminded the day after at the earliest. No query (fields of the
        invoices).

        :return: ``next_dates``, changed in place
        """
        for move in moves:
            day = next_dates.get(move.id)
            if not day:
                continue
            if move.litigation_id or move.payment_plan_id:
                next_dates[move.id] = False
            elif move.dunning_paused_until and day <= move.dunning_paused_until:
                next_dates[move.id] = fields.Date.add(move.dunning_paused_until, days=1)
        return next_dates
