import base64
import json
import logging

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.osv import expression

from .recouvrement_collection_history import HISTORY_FIELDS

_logger = logging.getLogger(__name__)

#: The collection records that hold free-text notes about a customer, with their note field
#: and the date of the last activity they record: reminders, cases, calls, promises to pay,
#: disputes and claim declarations (a sole trader in collective proceedings): what was said on
#: the phone or written by the collector about the person.
PERSONAL_NOTES = (
    ("recouvrement.dunning.event", "note", "date"),
    ("recouvrement.litigation", "reason", "create_date"),
    ("recouvrement.call", "note", "date"),
    ("recouvrement.promise", "note", "date_recorded"),
    ("recouvrement.dispute", "description", "date"),
    ("recouvrement.claim.declaration", "note", "judgment_date"),
)


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
        """Natural persons with collection data to purge on ``today`` in at least one company
        (see :meth:`_get_purge_scope`). :return: res.partner, at most ``limit``"""
        return self.env["res.partner"].union(*self._get_purge_scope(today, limit=limit))

    @api.model
    def _get_purge_scope(self, today, limit=None):
        """What may be purged on ``today``, per natural person and per company: each company
        keeps its own collection data about a person until the person settled with it, then
        for its own retention (company setting, CNIL référentiel "gestion des impayés",
        délibération 2021-130); another company's retention or open debt never shortens nor
        extends it. Queries do not depend on the number of persons.

        :return: ``{partner: (companies, whole)}``: the companies (res.company) whose reminders
            and cases about ``partner`` still hold data past their retention, and ``whole``:
            every company holding data on the person is past its retention (the call notes of
            the shared customer record may go too). At most ``limit`` persons. The records
            looked at are those of ``PERSONAL_NOTES``.
        """
        person = [("partner_id.is_company", "=", False), ("partner_id.parent_id", "=", False)]
        groups = []
        for model, _note, date_field in PERSONAL_NOTES:
            groups += (
                self.env[model]
                .sudo()
                ._read_group(person, ["partner_id", "company_id"], [f"{date_field}:max"])
            )
        partners = self.env["res.partner"].union(*(partner for partner, _c, _d in groups))
        if not partners:
            return {}
        Line = self.env["account.move.line"].sudo()
        receivable = [
            ("partner_id", "in", partners.ids),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]
        open_pairs = {
            (partner.id, company.id)
            for partner, company in Line._read_group(
                [*receivable, ("reconciled", "=", False), ("amount_residual", "!=", 0)],
                ["partner_id", "company_id"],
            )
        }
        settled = {
            (partner.id, company.id): last
            for partner, company, last in Line._read_group(
                receivable, ["partner_id", "company_id"], ["date:max"]
            )
        }
        last_by_pair = {}
        for partner, company, last_activity in groups:
            key = (partner, company)
            day = fields.Date.to_date(last_activity)
            last_by_pair[key] = max(filter(None, (day, last_by_pair.get(key))))
        left = self._get_purge_data_left(partners)
        kept, expired = set(), {}
        for (partner, company), last_activity in last_by_pair.items():
            pair = (partner.id, company.id)
            last = max(filter(None, (last_activity, settled.get(pair))))
            retention = relativedelta(years=company.recouvrement_personal_data_years or 5)
            if pair in open_pairs or last + retention >= today:
                kept.add(partner.id)
            elif pair in left:
                expired.setdefault(partner, self.env["res.company"])
                expired[partner] |= company
        scope = {}
        for partner in partners:
            whole = partner.id not in kept
            companies = expired.get(partner, self.env["res.company"])
            purged = partner.sudo().collection_data_purged_on
            if companies or (whole and not purged):
                scope[partner] = (companies, whole)
            if limit and len(scope) >= limit:
                break
        return scope

    @api.model
    def _get_purge_data_left(self, partners):
        """``{(partner id, company id)}``: the pairs whose collection records about
        ``partners`` (``PERSONAL_NOTES``: reminders, cases, calls, promises, disputes) still
        hold free-text notes or chatter messages (a fixed number of queries)."""
        left = set()
        owners = {}
        for model, note, _date in PERSONAL_NOTES:
            records = (
                self.env[model]
                .sudo()
                .search_fetch(
                    [("partner_id", "in", partners.ids)], ["partner_id", "company_id", note]
                )
            )
            for record in records:
                pair = (record.partner_id.id, record.company_id.id)
                owners[model, record.id] = pair
                if record[note]:
                    left.add(pair)
        if owners:
            messages = (
                self.env["mail.message"]
                .sudo()
                ._read_group(
                    [
                        ("model", "in", [model for model, _note, _date in PERSONAL_NOTES]),
                        ("res_id", "in", [res_id for _model, res_id in owners]),
                    ],
                    ["model", "res_id"],
                )
            )
            left.update(owners[key] for key in messages if key in owners)
        return left

    @api.model
    def _purge_partner_data(self, partners, today, companies=None, whole=True):
        """Anonymise the collection data of natural persons ``partners`` held by ``companies``
        (res.company; None: every company): free-text notes of their reminders, cases, calls,
        promises and disputes (``PERSONAL_NOTES``) cleared, chatter messages and files of those
        records deleted; with ``whole`` (every company is past its retention) the call notes
        (done activities) of the shared customer record too. Invoices, accounting entries and
        the letters and emails of sent reminders stay (accounting retention, evidence).
        Companies are never touched."""
        partners = partners.filtered(lambda p: not p.is_company)
        domain = [("partner_id", "in", partners.ids)]
        if companies is not None:
            domain.append(("company_id", "in", companies.ids))
        # sudo: a scheduled purge across every collection record of the person.
        records = {}
        for model, note, _date in PERSONAL_NOTES:
            records[model] = self.env[model].sudo().search(domain)
            records[model].filtered(note).write({note: False})
        events = records["recouvrement.dunning.event"]
        Message = self.env["mail.message"].sudo()
        message_domain = expression.OR(
            [("model", "=", model), ("res_id", "in", found.ids)] for model, found in records.items()
        )
        if whole:
            message_domain = expression.OR(
                [
                    message_domain,
                    [
                        ("model", "=", "res.partner"),
                        ("res_id", "in", partners.ids),
                        ("mail_activity_type_id", "!=", False),
                    ],
                ]
            )
        # the email of a sent reminder stays too: it is evidence (mail.message refuses it)
        evidence = self.env["recouvrement.dunning.event"]._get_evidence_email_events(
            events.mail_message_id
        )
        (Message.search(message_domain) - evidence.mail_message_id).unlink()
        # the letter of a sent reminder stays: it is evidence (ir.attachment refuses its deletion)
        self.env["ir.attachment"].sudo().search(
            expression.AND(
                [
                    expression.OR(
                        [("res_model", "=", model), ("res_id", "in", found.ids)]
                        for model, found in records.items()
                    ),
                    # the letters and the files the emails of sent reminders carried
                    [
                        (
                            "id",
                            "not in",
                            (events.attachment_id | evidence.mail_message_id.attachment_ids).ids,
                        )
                    ],
                ]
            )
        ).unlink()
        if whole:
            partners.sudo().write({"collection_data_purged_on": today})

    @api.model
    def _cron_purge_personal_data(self, batch_size=200):
        """Weekly cron: purge the collection data of natural persons past the retention of
        each company (:meth:`_get_purge_scope`), at most ``batch_size`` persons per call
        (progress reported to the scheduler)."""
        today = fields.Date.context_today(self)
        scope = self._get_purge_scope(today, limit=batch_size + 1)
        partners = list(scope)
        batch, rest = partners[:batch_size], partners[batch_size:]
        for partner in batch:
            companies, whole = scope[partner]
            try:
                with self.env.cr.savepoint():
                    self._purge_partner_data(partner, today, companies=companies, whole=whole)
            except Exception:  # one person must not block the others
                _logger.exception("Personal data purge failed for partner %s", partner.id)
        self.env["ir.cron"]._notify_progress(done=len(batch), remaining=len(rest))

    # ------------------------------------------------------------------------------------------
    # Export (right of access, art. 15 RGPD)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_partner_data(self, partner):
        """Everything collection holds on ``partner`` (and its contacts): identity, invoices,
        reminders, payment plans, cases, calls, promises to pay, disputes, claim declarations
        and the notes on them, the collection values decided about it in the current company
        (hold and its reason, limit, score, pause: ``HISTORY_FIELDS``) and their history, as a
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
        calls = self.env["recouvrement.call"].search([("partner_id", "in", partners.ids)])
        promises = self.env["recouvrement.promise"].search([("partner_id", "in", partners.ids)])
        disputes = self.env["recouvrement.dispute"].search([("partner_id", "in", partners.ids)])
        declarations = self.env["recouvrement.claim.declaration"].search(
            [("partner_id", "in", partners.ids)]
        )
        history = self.env["recouvrement.collection.history"].search(
            [("partner_id", "in", partners.ids)], order="date, id"
        )
        messages = self.env["mail.message"].search(
            expression.AND(
                [
                    [("message_type", "in", ("comment", "email"))],
                    expression.OR(
                        [("model", "=", records._name), ("res_id", "in", records.ids)]
                        for records in (partners, events, cases, calls, promises, disputes)
                    ),
                ]
            )
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
            "calls": rows(calls, ["date", "user_id", "outcome", "note"]),
            "promises": rows(promises, ["date_recorded", "date", "amount", "state", "note"]),
            "disputes": rows(disputes, ["date", "move_id", "reason", "amount", "description"]),
            # what collection decided about the person in the current company (hold and its
            # reason, limit, score, pause...) that the user may read, and the history of those
            # decisions
            "collection_values": rows(
                partners,
                [
                    "name",
                    *(
                        fname
                        for fname in HISTORY_FIELDS
                        if partners._fields[fname].is_accessible(self.env)
                    ),
                ],
            ),
            "collection_history": rows(
                history,
                [
                    "date",
                    "company_id",
                    "partner_id",
                    "field_description",
                    "old_value",
                    "new_value",
                    "reason",
                    "user_id",
                ],
            ),
            "claim_declarations": rows(
                declarations,
                ["name", "proceedings", "judgment_date", "total_amount", "state", "note"],
            ),
            "notes": rows(messages, ["date", "model", "author_id", "subject", "body"]),
        }

    @api.model
    def _export_partner_data(self, partner):
        """JSON file of :meth:`_get_partner_data`: the ir.attachment, readable by its creator
        only (no ``res_model``): attached to the customer record, shared by the companies, it
        would hand one company's collection data to the users of the others."""
        data = self._get_partner_data(partner)
        content = json.dumps(data, default=str, ensure_ascii=False, indent=2)
        return self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Personal data %(partner)s %(date)s.json",
                    partner=partner.display_name,
                    date=fields.Date.context_today(self).isoformat(),
                ),
                "datas": base64.b64encode(content.encode()),
                "mimetype": "application/json",
            }
        )
