from collections import defaultdict

from odoo import api, fields, models

from ..rules import dunning as dunning_rules


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
    dunning_last_date = fields.Date(
        string="Last Reminder", copy=False, help="Date of the last reminder listing this invoice."
    )
    dunning_next_date = fields.Date(
        string="Next Reminder",
        compute="_compute_dunning_next_date",
        store=True,
        help="Date the next dunning level becomes due (empty: paid, excluded or at the top of "
        "the ladder).",
    )
    dunning_paused_until = fields.Date(
        copy=False,
        tracking=True,
        help="No reminder for this invoice until this date (included).",
    )
    dunning_pause_reason = fields.Char(copy=False, tracking=True)
    dunning_event_ids = fields.Many2many(
        "recouvrement.event",
        "account_move_recouvrement_event_rel",
        "account_move_id",
        "recouvrement_event_id",
        string="Reminders",
        copy=False,
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

    # --- Dunning ------------------------------------------------------------------------------

    @api.depends(
        "move_type",
        "state",
        "payment_state",
        "amount_residual",
        "invoice_date_due",
        "dunning_level_id",
        "partner_id",
    )
    def _compute_dunning_next_date(self):
        open_moves = self.filtered(
            lambda m: (
                m.move_type == "out_invoice"
                and m.state == "posted"
                and m.payment_state in ("not_paid", "partial")
                and m.invoice_date_due
            )
        )
        (self - open_moves).dunning_next_date = False
        policies = open_moves._get_dunning_policies()
        ladders = {policy: policy._get_rule_levels() for policy in set(policies.values())}
        for move in open_moves:
            policy = policies.get(move.id)
            move.dunning_next_date = policy and dunning_rules.next_action_date(
                ladders[policy],
                move._get_dunning_sequence(policy),
                move.invoice_date_due,
                amount=move.amount_residual,
            )

    def _get_dunning_policies(self):
        """Dunning policy of each invoice: ``{move id: policy}`` (the customer's in the
        invoice's company, else the company's default). Batched per company."""
        policies = {}
        for company in self.company_id:
            moves = self.filtered(lambda m, c=company: m.company_id == c)
            partners = moves.commercial_partner_id.with_company(company)
            by_partner = {p.id: p.dunning_policy_id or company.dunning_policy_id for p in partners}
            for move in moves:
                policy = by_partner.get(move.commercial_partner_id.id)
                if policy:
                    policies[move.id] = policy
        return policies

    def _get_dunning_sequence(self, policy):
        """Sequence of the invoice's current level in ``policy`` (0: no level reached).

        A level of another policy (the customer changed policy) counts as the highest level of
        ``policy`` with as many days or fewer.
        """
        self.ensure_one()
        level = self.dunning_level_id
        if not level:
            return 0
        if level.policy_id == policy:
            return level.sequence
        reached = policy.level_ids.filtered(lambda lvl: lvl.days <= level.days)
        return max(reached.mapped("sequence"), default=0)

    def _dunning_advance(self, move_levels, date):
        """Record a reminder on the invoices: last date, and the new level of those in
        ``move_levels`` (``{move id: level id}``). One query per level, whatever the number of
        invoices; the history is in the events, so no tracking message per invoice."""
        self.check_access("write")
        fnames = ["dunning_last_date", "dunning_level_id"]
        # account.move.write() resynchronises the journal items of each move and flags them
        # as manually modified: far too heavy, and wrong, for these collection bookkeeping
        # fields, so they are written low-level (then caches and dependents are refreshed).
        self.flush_recordset(fnames)
        self._write({"dunning_last_date": date})
        by_level = defaultdict(list)
        for move_id, level_id in move_levels.items():
            by_level[level_id].append(move_id)
        for level_id, move_ids in by_level.items():
            self.browse(move_ids)._write({"dunning_level_id": level_id})
        self.invalidate_recordset(fnames)
        self.modified(fnames)

    def action_view_dunning_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_event_action"
        )
        action["domain"] = [("move_ids", "in", self.ids)]
        return action
