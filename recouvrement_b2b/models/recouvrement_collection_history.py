from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import format_amount, format_date

from ..tools.lang import company_env, format_number

# Company-dependent collection values of a customer whose changes are kept per company (issue
# 19): each company decides its own limit, cover, hold, pause, rate, collector, policy and
# score on a shared customer, so their history must not be in the shared customer's chatter,
# where the other companies' users would read it.
HISTORY_FIELDS = (
    "credit_limit",
    "credit_limit_above_insured",
    "credit_insurer_id",
    "credit_insured_amount",
    "credit_cover_start",
    "credit_cover_end",
    "credit_hold",
    "credit_hold_reason",
    "credit_score",
    "penalty_contract_rate",
    "penalty_excluded",
    "collection_user_id",
    "dunning_policy_id",
    "dunning_paused_until",
    "dunning_pause_reason",
)
# Values shown as amounts in the company's currency.
_AMOUNT_FIELDS = ("credit_limit", "credit_insured_amount")


class RecouvrementCollectionHistory(models.Model):
    """One change of a company-dependent collection value of a customer, in one company: who
    changed what, when, from which value to which, and why. Evidence: append-only (written by
    the system on the customer's change, never edited nor deleted by a user), read by that
    company's collection users only (multi-company record rule)."""

    _name = "recouvrement.collection.history"
    _description = "Collection Value Change"
    _order = "date desc, id desc"
    _rec_name = "field_description"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    field_id = fields.Many2one("ir.model.fields", required=True, readonly=True, ondelete="cascade")
    field_name = fields.Char(related="field_id.name", string="Technical Field Name")
    field_description = fields.Char(related="field_id.field_description", string="Value")
    old_value = fields.Char(readonly=True)
    new_value = fields.Char(readonly=True)
    user_id = fields.Many2one("res.users", string="Changed By", required=True, readonly=True)
    date = fields.Datetime(string="Changed On", required=True, readonly=True)
    reason = fields.Char(readonly=True)

    def write(self, vals):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The history of collection values is evidence: %(changes)s cannot be changed.",
                    changes=", ".join(self.mapped("display_name")),
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_evidence(self):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The history of collection values is evidence: %(changes)s cannot be deleted.",
                    changes=", ".join(self.mapped("display_name")),
                )
            )

    # --- Recording the changes of res.partner.write -------------------------------------------

    @api.model
    def _get_partner_values(self, partners, vals):
        """Current values of the history fields of ``partners`` that ``vals`` (of a
        ``res.partner.write``) changes, in the company of the environment, before the write:
        ``{partner id: {field name: value}}`` (empty when ``vals`` holds none of them)."""
        fnames = [fname for fname in HISTORY_FIELDS if fname in vals]
        if not fnames or not partners:
            return {}
        # sudo: the values are read to be compared, whatever the fields' groups.
        records = partners.sudo().with_company(self.env.company)
        return {partner.id: {fname: partner[fname] for fname in fnames} for partner in records}

    @api.model
    def _log_partner_creation(self, partners, vals_list):
        """Record the history values given to the new ``partners`` (``vals_list`` of their
        ``create``, in the same order), from empty, in the company of the environment.

        :return: the history rows created
        """
        before = {}
        for partner, vals in zip(partners, vals_list, strict=True):
            fnames = [fname for fname in HISTORY_FIELDS if fname in vals]
            if fnames:
                fields_ = partner._fields
                before[partner.id] = {
                    fname: fields_[fname].convert_to_record(
                        fields_[fname].convert_to_cache(False, partner), partner
                    )
                    for fname in fnames
                }
        return self._log_partner_changes(partners, before)

    @api.model
    def _log_partner_changes(self, partners, before):
        """Record the changes of ``partners`` since ``before`` (from
        :meth:`_get_partner_values`) in the company of the environment, one row per changed
        value, all in one ``create``; the reason is the context's ``collection_change_reason``.

        :return: the history rows created
        """
        if not before:
            return self.browse()
        company = self.env.company
        records = partners.sudo().with_company(company)
        field_ids = {
            field.name: field.id
            for field in self.env["ir.model.fields"]
            .sudo()
            .search([("model", "=", "res.partner"), ("name", "in", list(HISTORY_FIELDS))])
        }
        now = fields.Datetime.now()
        reason = self.env.context.get("collection_change_reason") or False
        note_env = company_env(self.env, company)
        vals_list = []
        for partner in records:
            for fname, old in before.get(partner.id, {}).items():
                new = partner[fname]
                if new == old:
                    continue
                vals_list.append(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "field_id": field_ids[fname],
                        "old_value": self._format_value(note_env, company, fname, old),
                        "new_value": self._format_value(note_env, company, fname, new),
                        "user_id": self.env.uid,
                        "date": now,
                        "reason": reason,
                    }
                )
        # sudo: the history is written by the system only (no user may create a row).
        return self.sudo().create(vals_list)

    @api.model
    def _format_value(self, env, company, fname, value):
        """``value`` of the partner field ``fname`` as the users of ``company`` read it, in the
        language of ``env`` (amounts in the company's currency, dates, labels); ``False`` for
        an empty value (not for a boolean, which reads Yes or No)."""
        field = self.env["res.partner"]._fields[fname]
        if field.type == "boolean":
            return env._("Yes") if value else env._("No")
        if field.type == "float":
            if fname in _AMOUNT_FIELDS:
                return format_amount(env, value or 0.0, company.currency_id)
            return format_number(env, value or 0.0, digits=2)
        if not value:
            return False
        if field.type == "many2one":
            return value.with_env(env).sudo().display_name
        if field.type == "selection":
            return dict(field._description_selection(env)).get(value, value)
        if field.type == "date":
            return format_date(env, value)
        return str(value)

    @api.model
    def _get_partner_history(self, partners, company=None):
        """History rows of ``partners`` in ``company`` (the current one when None), newest
        first, as the user may read them (record rules applied)."""
        company = company or self.env.company
        return self.search([("partner_id", "in", partners.ids), ("company_id", "=", company.id)])
