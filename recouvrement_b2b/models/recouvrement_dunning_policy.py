from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..rules import dunning as dunning_rules


class RecouvrementDunningPolicy(models.Model):
    _name = "recouvrement.dunning.policy"
    _description = "Dunning Policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    level_ids = fields.One2many(
        "recouvrement.dunning.level", "policy_id", string="Levels", copy=True
    )
    segment = fields.Selection(
        [("standard", "Standard"), ("strategic", "Strategic"), ("risky", "Risky")],
        default="standard",
        required=True,
        help="Customer segment this ladder is meant for.",
    )
    collection_user_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
        help="Collector of the customers of this segment who have no collector of their own "
        "(the customer's policy, else the company's default policy). Empty: the company's "
        "collection responsible.",
    )
    is_company_default = fields.Boolean(
        string="Company Default",
        compute="_compute_is_company_default",
        help="Applied to the company's customers that have no policy of their own.",
    )
    level_count = fields.Integer(compute="_compute_level_count")

    @api.depends("company_id.dunning_policy_id")
    def _compute_is_company_default(self):
        for policy in self:
            policy.is_company_default = policy.company_id.dunning_policy_id == policy

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    @api.constrains("level_ids")
    def _check_ladder(self):
        for policy in self:
            try:
                dunning_rules.check_ladder(policy._get_rule_levels())
            except dunning_rules.LadderError as error:
                if error.reason == "duplicate_days":
                    raise ValidationError(
                        self.env._(
                            "Policy %(policy)s: two levels have the same Days value "
                            "(%(days)s); each level needs its own day offset.",
                            policy=policy.display_name,
                            days=error.params["days"],
                        )
                    ) from error
                if error.reason == "duplicate_sequence":
                    raise ValidationError(
                        self.env._(
                            "Policy %(policy)s: two levels have the same Sequence (%(sequence)s).",
                            policy=policy.display_name,
                            sequence=error.params["sequence"],
                        )
                    ) from error
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: level %(level)s comes after a level with more "
                        "Days; order the levels by their day offset.",
                        policy=policy.display_name,
                        level=self.env["recouvrement.dunning.level"]
                        .browse(error.params["key"])
                        .name,
                    )
                ) from error

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        # sudo: the defaults of every company count, whoever deletes the policy
        default = (
            self.env["res.company"].sudo().search([("dunning_policy_id", "in", self.ids)], limit=1)
        )
        if default:
            raise UserError(
                self.env._(
                    "Policy %(policy)s is the default policy of %(company)s: archive it instead "
                    "of deleting it.",
                    policy=default.dunning_policy_id.with_env(self.env).display_name,
                    company=default.name,
                )
            )
        # Customers assigned to the policy in any company (company-dependent field: its jsonb
        # column holds one value per company), one query.
        Partner = self.env["res.partner"].sudo()
        Partner.flush_model(["dunning_policy_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT p.id, (v.value)::int
                  FROM res_partner p, jsonb_each_text(p.dunning_policy_id) v
                 WHERE p.dunning_policy_id IS NOT NULL AND (v.value)::int = ANY(%s)
                 LIMIT 1
                """,
                self.ids,
            )
        )
        if rows:
            raise UserError(
                self.env._(
                    "Policy %(policy)s is assigned to customers (%(partner)s): archive it "
                    "instead of deleting it.",
                    policy=self.browse(rows[0][1]).display_name,
                    partner=Partner.browse(rows[0][0]).display_name,
                )
            )
        # The levels go with their policy (cascade): the same guard as deleting them.
        levels = self.env["recouvrement.dunning.level"].with_context(active_test=False)
        levels.search([("policy_id", "in", self.ids)])._raise_if_used()

    @api.model
    def _get_collectors(self, partners, company):
        """The collector of each customer of ``partners`` in ``company``: its own
        (``res.partner.collection_user_id``, company-dependent), else the default collector of
        its segment (``collection_user_id`` of its dunning policy in ``company``, else of the
        company's default policy), else the company's collection responsible
        (``res.company.recouvrement_user_id``). The SQL reports resolve it the same way
        (``report.recouvrement_receivable_trend.collector_sql``).

        :return: ``{commercial partner id: res.users}`` (possibly an empty recordset); the
            company-dependent fields of the whole batch are read together
        """
        # sudo: the collector is a routing fact, read whatever the user may read of users
        customers = partners.commercial_partner_id.sudo().with_company(company)
        company = company.sudo()
        return {
            customer.id: (
                customer.collection_user_id
                or (customer.dunning_policy_id or company.dunning_policy_id).collection_user_id
                or company.recouvrement_user_id
            )
            for customer in customers
        }

    def _get_rule_levels(self):
        """The policy's levels as :class:`rules.dunning.Level` (key: the level id)."""
        self.ensure_one()
        return [level._get_rule_level() for level in self.level_ids]

    def _copy_to_company(self, company):
        """Copy this ladder to ``company``, names translated as in the original.

        ``copy`` keeps only the current language of the names it is given, so the French
        ladder would show English names to French users of the other company.
        """
        self.ensure_one()
        new = self.copy({"company_id": company.id, "name": self.name})
        pairs = [(self, new), *zip(self.level_ids, new.level_ids, strict=True)]
        for source, target in pairs:
            translations, _context = source.get_field_translations("name")
            values = {t["lang"]: t["value"] for t in translations if t["value"]}
            if values:
                target.update_field_translations("name", values)
        return new
