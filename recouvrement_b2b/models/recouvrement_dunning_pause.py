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

    @api.model
    def _hold_next_dates(self, moves, next_dates):
        """Correct ``next_dates`` (``{move id: date or False}``) of the open invoices
        ``moves`` for what the ladder leaves out (:meth:`_search_dunning_lines`): no next
        reminder for an invoice in a payment plan or in an open litigation case that claims
        every open instalment of it (:meth:`_is_claimed_in_litigation`: a case opened by the
        transfer to litigation leaves the others to the reminders); an invoice
        paused until a day, or held by a proposed plan until a day
        (:meth:`_get_proposed_plan_hold_domain`), is reminded the day after at the earliest
        (the plan signed, it has none). One query at most (the proposed plans).

        :return: ``next_dates``, changed in place
        """
        for move in moves:
            day = next_dates.get(move.id)
            if not day:
                continue
            if move.payment_plan_id or (
                move.litigation_id
                and all(
                    self._is_claimed_in_litigation(line)
                    for line in move.line_ids
                    if line.account_id.account_type == "asset_receivable"
                    and not line.reconciled
                    and line.amount_residual > 0
                )
            ):
                next_dates[move.id] = False
                continue
            plan = move.penalty_plan_id
            held = [move.dunning_paused_until]
            if plan.state == "proposed":
                held.append(plan.proposal_hold_until)
            held = max(filter(None, held), default=False)
            if held and day <= held:
                next_dates[move.id] = fields.Date.add(held, days=1)
        return next_dates
