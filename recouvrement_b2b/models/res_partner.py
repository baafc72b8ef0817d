from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # --- Identity (SIREN, RCS, company status, collective proceedings) -----------------------
    siren = fields.Char(
        string="SIREN",
        size=9,
        help="9-digit French company number, shared by the company and its establishments.",
    )
    rcs = fields.Char(string="RCS", help="Trade register mention, e.g. RCS Lyon B 123 456 789.")
    company_status = fields.Selection(
        [("active", "Active"), ("ceased", "Ceased"), ("unknown", "Unknown")],
        default="unknown",
        tracking=True,
    )
    company_status_date = fields.Date(help="Date the company status was last checked.")
    company_closed_on = fields.Date(string="Closed On")
    collective_proceedings = fields.Selection(
        [
            ("none", "None"),
            ("sauvegarde", "Sauvegarde"),
            ("redressement", "Redressement judiciaire"),
            ("liquidation", "Liquidation judiciaire"),
        ],
        default="none",
        tracking=True,
    )
    proceedings_date = fields.Date(
        string="Opening Judgment Date",
        help="Date of the judgment opening the collective proceedings.",
    )

    # --- Credit -------------------------------------------------------------------------------
    credit_hold = fields.Boolean(tracking=True, copy=False)
    credit_hold_reason = fields.Char(tracking=True, copy=False)
    credit_hold_date = fields.Date(copy=False)

    # --- Penalties ----------------------------------------------------------------------------

    # --- Dunning ------------------------------------------------------------------------------
    dunning_policy_id = fields.Many2one(
        "recouvrement.policy",
        company_dependent=True,
        help="Dunning ladder applied to this customer; empty: the company's default policy.",
    )
    dunning_paused_until = fields.Date(
        copy=False,
        tracking=True,
        help="No reminder for this customer until this date (included).",
    )
    dunning_pause_reason = fields.Char(copy=False, tracking=True)
    dunning_event_ids = fields.One2many("recouvrement.event", "partner_id", string="Reminders")
    dunning_event_count = fields.Integer(
        string="Reminder Count", compute="_compute_dunning_event_count"
    )
    dunning_level_id = fields.Many2one(
        "recouvrement.level",
        string="Current Dunning Level",
        compute="_compute_dunning_level_id",
        help="Highest level reached by the customer's open invoices (empty once all are paid).",
    )

    # --- Payment plans ------------------------------------------------------------------------

    # --- Litigation ---------------------------------------------------------------------------

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + [
            "siren",
            "rcs",
            "company_status",
            "company_status_date",
            "company_closed_on",
            "collective_proceedings",
            "proceedings_date",
            "credit_hold",
            "credit_hold_reason",
            "credit_hold_date",
        ]

    # --- Integration methods (shared by the collection features) -----------------------------

    def _set_credit_hold(self, reason):
        """Put the commercial partners on credit hold with ``reason`` (kept if already held)."""
        partners = self.commercial_partner_id.filtered(lambda p: not p.credit_hold)
        if partners:
            partners.write(
                {
                    "credit_hold": True,
                    "credit_hold_reason": reason,
                    "credit_hold_date": fields.Date.context_today(self),
                }
            )
        return partners

    # --- Dunning ------------------------------------------------------------------------------

    def _compute_dunning_event_count(self):
        groups = self.env["recouvrement.event"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.dunning_event_count = counts.get(partner.commercial_partner_id.id, 0)

    def _compute_dunning_level_id(self):
        groups = self.env["account.move"]._read_group(
            [
                ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "=", self.env.company.id),
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("dunning_level_id", "!=", False),
            ],
            ["commercial_partner_id", "dunning_level_id"],
        )
        levels = {}
        for partner, level in groups:
            current = levels.get(partner.id)
            if not current or (level.sequence, level.days) > (current.sequence, current.days):
                levels[partner.id] = level
        for partner in self:
            partner.dunning_level_id = levels.get(partner.commercial_partner_id.id, False)

    def action_view_dunning_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_event_action"
        )
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
