from odoo import api, models
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
    def _get_proposed_plan_hold_domain(self, date, move_field="id"):
        """Domain leaving out the invoices a proposed payment plan holds on ``date`` (README,
        product decisions: "A proposed plan holds the ladder"): from the proposal until the
        plan is signed or called off, at most until its ``proposal_hold_until``. The plan is
        the invoice's ``penalty_plan_id`` (the proposed plan when there is one).

        :param move_field: path to the invoice from the domain's model (``account.move``:
            ``id``; its receivable lines: ``move_id``)
        :return: a domain (list)
        """
        prefix = "penalty_plan_id" if move_field == "id" else f"{move_field}.penalty_plan_id"
        return [
            "|",
            "|",
            "|",
            (prefix, "=", False),
            (f"{prefix}.state", "!=", "proposed"),
            # a plan proposed before the hold existed holds nothing
            (f"{prefix}.proposal_hold_until", "=", False),
            (f"{prefix}.proposal_hold_until", "<", date),
        ]
