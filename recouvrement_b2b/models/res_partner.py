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

    # --- Payment plans ------------------------------------------------------------------------

    # --- Litigation ---------------------------------------------------------------------------
    litigation_count = fields.Integer(
        compute="_compute_litigation_count",
        groups="recouvrement_b2b.recouvrement_group_user",
    )

    def _compute_litigation_count(self):
        counts = dict(
            self.env["recouvrement.litigation"]._read_group(
                [("partner_id", "child_of", self.commercial_partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.litigation_count = sum(
                count
                for case_partner, count in counts.items()
                if case_partner.commercial_partner_id == partner.commercial_partner_id
            )

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

    # --- Litigation ---------------------------------------------------------------------------

    def action_view_litigations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "recouvrement_b2b.recouvrement_litigation_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {
            "default_partner_id": self.commercial_partner_id.id,
            "search_default_open": 1,
        }
        return action
