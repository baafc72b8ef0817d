import base64
import json
import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class RecouvrementPersonalData(models.AbstractModel):
    """Personal data held by collection (RGPD). Companies are not personal data; natural
    persons are (sole traders, individuals: ``res.partner.is_company`` unset). The CNIL
    référentiel "gestion des impayés" (délibération 2021-130) keeps collection data until the
    debt is settled, then archived for the limitation period (5 years by default, company
    setting ``recouvrement_personal_data_years``); accounting records stay 10 years and are
    not touched here.
    """

    _name = "recouvrement.personal.data"
    _description = "Collection Personal Data"

    # ------------------------------------------------------------------------------------------
    # Purge
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_purge_candidates(self, today, limit=None):
        """Natural persons whose collection data may be purged on ``today``: nothing left
        unpaid on their receivable, and their last receivable entry (the settlement) older
        than the retention of their company. Queries do not depend on the number of persons.

        :return: res.partner (commercial natural persons), at most ``limit``
        """
        Event = self.env["recouvrement.dunning.event"].sudo()
        groups = Event._read_group(
            [("partner_id.is_company", "=", False), ("partner_id.parent_id", "=", False)],
            ["partner_id", "company_id"],
            ["date:max"],
        )
        Case = self.env["recouvrement.litigation"].sudo()
        groups += Case._read_group(
            [("partner_id.is_company", "=", False), ("partner_id.parent_id", "=", False)],
            ["partner_id", "company_id"],
            ["create_date:max"],
        )
        partners = self.env["res.partner"].union(*(partner for partner, _c, _d in groups))
        if not partners:
            return partners
        Line = self.env["account.move.line"].sudo()
        receivable = [
            ("partner_id", "in", partners.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]
        open_partners = {
            partner.id
            for (partner,) in Line._read_group(
                [*receivable, ("reconciled", "=", False), ("amount_residual", "!=", 0)],
                ["partner_id"],
            )
        }
        settled = {
            (partner.id, company.id): last
            for partner, company, last in Line._read_group(
                receivable, ["partner_id", "company_id"], ["date:max"]
            )
        }
        result = self.env["res.partner"]
        for partner, company, last_activity in groups:
            if partner.id in open_partners or partner in result:
                continue
            last_activity = fields.Date.to_date(last_activity)
            last = max(filter(None, (last_activity, settled.get((partner.id, company.id)))))
            retention = relativedelta(years=company.recouvrement_personal_data_years or 5)
            purged = partner.sudo().collection_data_purged_on
            if last + retention < today and not (purged and purged >= last):
                result |= partner
            if limit and len(result) >= limit:
                break
        return result

    @api.model
    def _purge_partner_data(self, partners, today):
        """Anonymise the collection data of natural persons ``partners``: free-text notes of
        their reminders and cases cleared, chatter messages and files of those records and the
        call notes (done activities) of their record deleted. Invoices, accounting entries and
        the letters of sent reminders stay (accounting retention, evidence). Companies are never
        touched."""
        partners = partners.filtered(lambda p: not p.is_company)
        # sudo: a scheduled purge across every collection record of the person.
        events = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .search([("partner_id", "in", partners.ids)])
        )
        cases = (
            self.env["recouvrement.litigation"].sudo().search([("partner_id", "in", partners.ids)])
        )
        events.write({"note": False})
        cases.write({"reason": False})
        Message = self.env["mail.message"].sudo()
        messages = Message.search(
            [
                "|",
                "|",
                "&",
                ("model", "=", events._name),
                ("res_id", "in", events.ids),
                "&",
                ("model", "=", cases._name),
                ("res_id", "in", cases.ids),
                "&",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("mail_activity_type_id", "!=", False),
            ]
        )
        messages.unlink()
        # the letter of a sent reminder stays: it is evidence (ir.attachment refuses its deletion)
        self.env["ir.attachment"].sudo().search(
            [
                ("res_model", "=", events._name),
                ("res_id", "in", events.ids),
                ("id", "not in", events.attachment_id.ids),
            ]
        ).unlink()
        partners.sudo().write({"collection_data_purged_on": today})

    @api.model
    def _cron_purge_personal_data(self, batch_size=200):
        """Weekly cron: purge the collection data of natural persons past the retention, at
        most ``batch_size`` persons per call (progress reported to the scheduler)."""
        today = fields.Date.context_today(self)
        partners = self._get_purge_candidates(today, limit=batch_size + 1)
        batch, rest = partners[:batch_size], partners[batch_size:]
        for partner in batch:
            try:
                with self.env.cr.savepoint():
                    self._purge_partner_data(partner, today)
            except Exception:  # one person must not block the others
                _logger.exception("Personal data purge failed for partner %s", partner.id)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(rest))

    # ------------------------------------------------------------------------------------------
    # Export (right of access, art. 15 RGPD)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_partner_data(self, partner):
        """Everything collection holds on ``partner`` (and its contacts): identity, invoices,
        reminders, payment plans, cases, claim declarations and the notes on them, as a
        JSON-serialisable dict (dates as ISO strings)."""
        partners = self.env["res.partner"].search([("id", "child_of", partner.ids)])

        def rows(records, fnames):
            return [
                {
                    fname: (
                        record[fname].display_name
                        if isinstance(record[fname], models.BaseModel)
                        else record[fname]
                    )
                    for fname in fnames
                }
                for record in records
            ]

        invoices = self.env["account.move"].search(
            [("partner_id", "in", partners.ids), ("move_type", "in", ("out_invoice", "out_refund"))]
        )
        events = self.env["recouvrement.dunning.event"].search([("partner_id", "in", partners.ids)])
        plans = self.env["recouvrement.payment.plan"].search([("partner_id", "in", partners.ids)])
        cases = self.env["recouvrement.litigation"].search([("partner_id", "in", partners.ids)])
        declarations = self.env["recouvrement.claim.declaration"].search(
            [("partner_id", "in", partners.ids)]
        )
        messages = self.env["mail.message"].search(
            [
                ("message_type", "in", ("comment", "email")),
                "|",
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                "&",
                ("model", "=", events._name),
                ("res_id", "in", events.ids),
                "&",
                ("model", "=", cases._name),
                ("res_id", "in", cases.ids),
            ]
        )
        return {
            "partners": rows(
                partners,
                ["name", "email", "phone", "street", "zip", "city", "siren", "vat", "lang"],
            ),
            "invoices": rows(
                invoices,
                [
                    "name",
                    "invoice_date",
                    "invoice_date_due",
                    "amount_total",
                    "amount_residual",
                    "payment_state",
                ],
            ),
            "reminders": rows(events, ["date", "level_id", "channel", "state", "note"]),
            "payment_plans": rows(plans, ["name", "state"]),
            "litigation_cases": rows(cases, ["name", "litigation_type", "stage_id", "reason"]),
            "claim_declarations": rows(
                declarations, ["name", "proceedings", "judgment_date", "total_amount", "state"]
            ),
            "notes": rows(messages, ["date", "model", "author_id", "subject", "body"]),
        }

    @api.model
    def _export_partner_data(self, partner):
        """JSON file of :meth:`_get_partner_data`, attached to ``partner``: the ir.attachment."""
        data = self._get_partner_data(partner)
        content = json.dumps(data, default=str, ensure_ascii=False, indent=2)
        return self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Personal data %(partner)s %(date)s.json",
                    partner=partner.display_name,
                    date=fields.Date.context_today(self).isoformat(),
                ),
                "res_model": partner._name,
                "res_id": partner.id,
                "datas": base64.b64encode(content.encode()),
                "mimetype": "application/json",
            }
        )
