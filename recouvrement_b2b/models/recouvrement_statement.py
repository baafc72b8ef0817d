from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.osv import expression
from odoo.tools.pdf import merge_pdf

from ..tools.lang import company_env, partner_env


class PrintedLine:
    """A row of a document sent as it was printed (``recouvrement.statement._get_printed_line``,
    stored with it), read by the reports as they read a journal item (``id``, ``date``,
    ``move_name``, ``ref``, ``date_maturity``, ``balance``, ``amount_currency``,
    ``currency_id``): a reprint states it even when the item was deleted or renamed since
    (issue 17)."""

    def __init__(self, currencies, line_id, printed):
        self.id = line_id
        self.move_name = printed["name"]
        self.ref = printed["ref"]
        self.date = fields.Date.to_date(printed["date"])
        self.date_maturity = fields.Date.to_date(printed["date_maturity"])
        self.balance = printed["balance"]
        self.amount_currency = printed["amount_currency"]
        self.currency_id = currencies.browse(printed["currency"])


#: days of payments shown on a statement
STATEMENT_PAYMENT_DAYS = 90
STATEMENT_REPORT = "recouvrement_b2b.action_report_customer_statement"


class RecouvrementStatement(models.AbstractModel):
    """Customer statement (relevé de compte): open items, recent payments and open credits.

    Amounts are in the company currency (the receivable account's balance), for the customer's
    commercial entity in one company. Used by the statement report, its email template and the
    dunning levels that attach the statement.
    """

    _name = "recouvrement.statement"
    _description = "Customer Statement"

    @api.model
    def _get_statement_domain(self, partners, company):
        """Posted receivable items of ``partners``' commercial entities in ``company``."""
        return [
            ("partner_id", "child_of", partners.commercial_partner_id.ids),
            ("company_id", "=", company.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]

    @api.model
    def _get_statements(self, partners, date=None, company=None, recorded_by=None, sent=None):
        """Statement figures of ``partners`` at ``date`` (default: the user's today).

        As at ``date``: the items dated up to it, what was left of them on it (the
        reconciliations of a later date undone, :meth:`_get_residuals_at`), the payments of
        the 90 days before it. Three searches whatever the number of partners.

        :param recorded_by: a datetime (UTC), for a statement sent then and printed again
            (attached to a reminder, emailed): also leave out the items and the
            reconciliations recorded after it (``create_date``), e.g. a payment entered or
            matched later with an earlier date; the statement reprinted says what the one
            sent said (evidence is never rewritten)

        :return: ``{commercial partner id: {"date", "company", "currency", "open_items",
            "credits", "payments", "left_out" (``account.move.line`` recordsets: the items
            the customer may not pay us, see
            ``recouvrement.proceedings._get_statement_left_out``), "judgment_date" (the
            opening judgment that froze the claims left out, ``_get_judgments``, or None),
            "days_late" ({line id:
            days past the due date, 0 when not due}), "residuals" ({line id: what is left
            of each open item or credit, company currency: a line in another currency at
            the rate of ``date``, as the reminders claim it}), "residuals_currency" (the
            same in the line's currency), "residuals_books" ({line id: what was left, at
            the books' rate}), "total_open",
            "total_credits", "overdue" (what is past due net of the open credits of its
            currency, never below 0: :meth:`_get_overdue_net`), "balance" (floats, company
            currency; balance = open items + open credits, credits being negative)}}``
        """
        company = company or self.env.company
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        commercial = partners.commercial_partner_id
        lines = self.env["account.move.line"]
        base = self._get_statement_domain(partners, company)
        # as recorded by ``recorded_by``: the items and matchings recorded after it left out
        recorded = self._get_recorded_domain(recorded_by)
        matches = ("matched_debit_ids", "matched_credit_ids")
        settled_since = [[(f"{matched}.max_date", ">", date)] for matched in matches]
        # ... or matched after ``recorded_by`` (the opposite of _get_recorded_domain)
        settled_since += [
            [(field, ">=", value)]
            for matched in matches
            for field, _operator, value in self._get_recorded_domain(recorded_by, matched)
        ]
        # as at ``date``: the items booked by then, open then (open now, or settled since)
        open_lines = lines.search(
            expression.AND(
                [
                    base,
                    [("date", "<=", date), *recorded],
                    expression.OR(
                        [[("reconciled", "=", False), ("amount_residual", "!=", 0)], *settled_since]
                    ),
                ]
            ),
            order="date_maturity, date, id",
        )
        left_at_date = self._get_residuals_at(open_lines, date, recorded_by=recorded_by)
        open_lines = open_lines.filtered(lambda line: line.id in left_at_date)
        sent = {int(partner_id): figures for partner_id, figures in (sent or {}).items() if figures}
        # stored with what was printed per row (issue 17): stated from the rows alone, below
        printed = {
            partner_id: figures for partner_id, figures in sent.items() if "payment_rows" in figures
        }
        if sent:
            stored = {
                line_id: (residual, currency)
                for partner_id, figures in sent.items()
                if partner_id not in printed
                for line_id, residual, currency, *_printed in figures["lines"]
            }
            open_lines = (
                open_lines.filtered(
                    lambda line: line.partner_id.commercial_partner_id.id not in sent
                )
                | lines.browse(list(stored)).exists()
            )
            left_at_date.update(stored)
        payments = lines.search(
            expression.AND(
                [
                    base,
                    recorded,
                    [
                        ("date", ">", date - timedelta(days=STATEMENT_PAYMENT_DAYS)),
                        ("date", "<=", date),
                        ("balance", "<", 0),
                        "|",
                        ("move_id.origin_payment_id", "!=", False),
                        ("journal_id.type", "in", ("bank", "cash")),
                    ],
                ]
            ),
            order="date desc, id desc",
        )
        if sent:
            payments = (
                payments.filtered(lambda line: line.partner_id.commercial_partner_id.id not in sent)
                | lines.browse(
                    [
                        i
                        for partner_id, figures in sent.items()
                        if partner_id not in printed
                        for i in figures["payments"]
                    ]
                ).exists()
            )
        open_ids = defaultdict(list)
        for line in open_lines:
            open_ids[line.partner_id.commercial_partner_id.id].append(line.id)
        paid_ids = defaultdict(list)
        for line in payments:
            paid_ids[line.partner_id.commercial_partner_id.id].append(line.id)
        # what the customer may not pay us: asked by no statement, listed apart
        left_out = self.env["recouvrement.proceedings"]._get_statement_left_out(
            open_lines, date, residuals=left_at_date
        )
        # a line in another currency is worth what settles it on the statement's date, as the
        # reminder the statement goes with claims it (README, Product decisions: one rate)
        residuals = self.env["recouvrement.dunning"]._get_line_amounts(
            open_lines, date, residuals=left_at_date
        )
        judgments = self.env["recouvrement.proceedings"]._get_judgments(commercial)
        factors = {
            line.id: line.move_id.factor_id.commercial_partner_id.name
            for line in left_out
            if line.move_id.is_factored and line.move_id.factoring_mode == "notified"
        }
        result = {}
        for partner in commercial:
            if partner.id in printed:
                result[partner.id] = self._get_printed_statement(
                    printed[partner.id], date, company, judgments.get(partner.id, {}).get("date")
                )
                continue
            mine = lines.browse(open_ids[partner.id]) - left_out
            paid = lines.browse(paid_ids[partner.id])
            items = mine.filtered(lambda line: left_at_date[line.id][0] > 0)
            credits = mine - items
            days_late = {
                line.id: max((date - (line.date_maturity or line.date)).days, 0) for line in items
            }
            result[partner.id] = {
                "date": date,
                "company": company,
                "currency": company.currency_id,
                "open_items": items,
                "left_out": lines.browse(open_ids[partner.id]) & left_out,
                "factors": factors,
                "judgment_date": judgments.get(partner.id, {}).get("date"),
                "credits": credits,
                "payments": paid,
                "days_late": days_late,
                "residuals": {line.id: residuals[line.id] for line in mine},
                "residuals_currency": {
                    line.id: left_at_date[line.id][1] for line in lines.browse(open_ids[partner.id])
                },
                "residuals_books": {
                    line.id: left_at_date[line.id][0] for line in lines.browse(open_ids[partner.id])
                },
                "total_open": sum(residuals[line.id] for line in items),
                "total_credits": sum(residuals[line.id] for line in credits),
                "overdue": self._get_overdue_net(items, credits, residuals, days_late, company),
                "balance": sum(residuals[line.id] for line in mine),
            }
        return result

    @api.model
    def _get_sent_statement_figures(self, partners, date, company=None):
        """The rows of the statement of each of ``partners`` at ``date`` as it is sent now
        (:meth:`_get_statements`), to store with what it goes with (a reminder, a statement
        emailed): evidence, every reprint states them (issue 17: a payment unmatched after
        the sending cannot be rebuilt from the reconciliations left). Three searches
        whatever the number of partners.

        :return: ``{commercial partner id: {"lines": [[line id, what was left (company
            currency, books' rate), what was left (line currency)], ...] (open items,
            credits and items left out, in the statement's order), "payments": [line id,
            ...]}}``
        """
        statements = self._get_statements(partners, date=date, company=company)
        result = {}
        for partner_id, statement in statements.items():
            listed = (
                statement["open_items"] | statement["credits"] | statement["left_out"]
            ).sorted(lambda line: (line.date_maturity or date.max, line.date, line.id))
            sections = {
                **dict.fromkeys(statement["open_items"].ids, "open"),
                **dict.fromkeys(statement["credits"].ids, "credit"),
                **dict.fromkeys(statement["left_out"].ids, "left_out"),
            }
            result[partner_id] = {
                "lines": [
                    [
                        line.id,
                        statement["residuals_books"][line.id],
                        statement["residuals_currency"][line.id],
                        dict(
                            self._get_printed_line(line),
                            section=sections[line.id],
                            residual=statement["residuals"].get(
                                line.id, statement["residuals_books"][line.id]
                            ),
                            days_late=statement["days_late"].get(line.id, 0),
                            factor=statement["factors"].get(line.id) or "",
                        ),
                    ]
                    for line in listed
                ],
                "payments": statement["payments"].ids,
                "payment_rows": [
                    dict(self._get_printed_line(line), id=line.id) for line in statement["payments"]
                ],
            }
        return result

    @api.model
    def _get_printed_line(self, line):
        """What a document sent prints about the journal item ``line`` (an invoice's
        instalment, a credit note, a payment), stored with it (evidence, issue 17): every
        reprint states it, even after the line is deleted, its move reset to draft and renamed,
        or its credit note cancelled.

        :return: ``{"move": move id, "name": its number, "ref", "date", "invoice_date",
            "date_maturity" (ISO strings or False), "balance", "amount_currency" (floats,
            company and line currency), "currency": the line's currency id, "reference": what
            the customer quotes to pay it (its payment reference, else its number)}``
        """
        move = line.move_id
        return {
            "move": move.id,
            "name": line.move_name or "",
            "ref": line.ref or "",
            "date": fields.Date.to_string(line.date),
            "invoice_date": fields.Date.to_string(move.invoice_date),
            "date_maturity": fields.Date.to_string(line.date_maturity),
            "balance": line.balance,
            "amount_currency": line.amount_currency,
            "currency": line.currency_id.id,
            "reference": move.payment_reference or move.name or "",
        }

    @api.model
    def _get_printed_statement(self, figures, date, company, judgment_date):
        """The statement of one customer stated from its rows stored when it was sent
        (``figures``, :meth:`_get_sent_statement_figures` with the printed rows), whatever
        became of the lines since (deleted, renamed, cancelled: issue 17). No query but the
        currencies'. Same shape as one statement of :meth:`_get_statements`, its lines being
        :class:`PrintedLine` rows instead of journal items."""
        currencies = self.env["res.currency"]
        rows = {"open": [], "credit": [], "left_out": []}
        residuals, residuals_books, residuals_currency, days_late, factors = {}, {}, {}, {}, {}
        for line_id, residual_books, residual_currency, printed in figures["lines"]:
            row = PrintedLine(currencies, line_id, printed)
            rows[printed["section"]].append(row)
            residuals_books[line_id] = residual_books
            residuals_currency[line_id] = residual_currency
            if printed["section"] != "left_out":
                residuals[line_id] = printed["residual"]
            if printed["section"] == "open":
                days_late[line_id] = printed["days_late"]
            factors[line_id] = printed.get("factor") or ""
        items, credits = rows["open"], rows["credit"]
        return {
            "date": date,
            "company": company,
            "currency": company.currency_id,
            "open_items": items,
            "left_out": rows["left_out"],
            "factors": factors,
            "judgment_date": judgment_date,
            "credits": credits,
            "payments": [
                PrintedLine(currencies, printed["id"], printed)
                for printed in figures["payment_rows"]
            ],
            "days_late": days_late,
            "residuals": residuals,
            "residuals_currency": residuals_currency,
            "residuals_books": residuals_books,
            "total_open": sum(residuals[line.id] for line in items),
            "total_credits": sum(residuals[line.id] for line in credits),
            "overdue": self._get_overdue_net(items, credits, residuals, days_late, company),
            "balance": sum(residuals.values()),
        }

    @api.model
    def _get_overdue_net(self, items, credits, residuals, days_late, company):
        """What is past due among ``items`` net of the open ``credits`` (account.move.line),
        currency by currency: the credits of a currency settle only the items of that currency,
        the oldest first (LEGAL.md, open credits: same company and currency; art. 1347 and
        1347-1 Code civil; issue 17 #2), and a currency whose credits exceed what is past due
        adds nothing (never below 0). ``residuals`` and ``days_late`` as
        :meth:`_get_statements` gives them. Returns a float in the currency of ``company``."""
        overdue = 0.0
        for currency in {line.currency_id for line in [*items, *credits]}:
            past_due = sum(
                residuals[line.id]
                for line in items
                if line.currency_id == currency and days_late[line.id]
            )
            credit = sum(residuals[line.id] for line in credits if line.currency_id == currency)
            overdue += max(company.currency_id.round(past_due + credit), 0.0)
        return company.currency_id.round(overdue)

    @api.model
    def _get_recorded_domain(self, recorded_by, path=None):
        """Domain of the records (or of their ``path`` relation) recorded by ``recorded_by``
        (a datetime, UTC, as the ORM reads a ``create_date``: to the second), ``[]`` when it
        is empty: ``[(create_date, "<", recorded_by + 1 second)]``. A ``create_date`` is
        stored to the microsecond: a record of the same second (e.g. the same transaction)
        counts as recorded by then."""
        if not recorded_by:
            return []
        fname = f"{path}.create_date" if path else "create_date"
        return [(fname, "<", fields.Datetime.to_datetime(recorded_by) + timedelta(seconds=1))]

    @api.model
    def _get_residuals_at(self, lines, date, recorded_by=None):
        """What was left of the receivable ``lines`` (account.move.line) on ``date``: their
        amount less their reconciliations dated up to ``date`` (``max_date``, the later of the
        two lines' dates), those of a later date not counted. One query.

        :param recorded_by: a datetime (UTC): also leave out the reconciliations recorded
            after it (``create_date``), what a document issued then could not know, e.g. an
            open credit note of February matched after a reminder of March (its ``max_date``
            is in February): the reminder deducted it, its letter printed later still does
        :return: ``{line id: (residual, residual in the line's currency)}`` of the lines still
            open on ``date`` only
        """
        if not lines:
            return {}
        left = {line.id: [line.balance, line.amount_currency] for line in lines}
        recorded = self._get_recorded_domain(recorded_by)
        # sudo: the reconciliations of the customer's items, whoever reads its statement
        partials = (
            self.env["account.partial.reconcile"]
            .sudo()
            .search_fetch(
                [
                    ("max_date", "<=", date),
                    *recorded,
                    "|",
                    ("debit_move_id", "in", lines.ids),
                    ("credit_move_id", "in", lines.ids),
                ],
                [
                    "debit_move_id",
                    "credit_move_id",
                    "amount",
                    "debit_amount_currency",
                    "credit_amount_currency",
                ],
            )
        )
        for partial in partials:
            debit, credit = partial.debit_move_id.id, partial.credit_move_id.id
            if debit in left:
                left[debit][0] -= partial.amount
                left[debit][1] -= partial.debit_amount_currency
            if credit in left:
                left[credit][0] += partial.amount
                left[credit][1] += partial.credit_amount_currency
        result = {}
        for line in lines:
            residual, residual_currency = left[line.id]
            if line.currency_id.is_zero(residual_currency) and line.company_currency_id.is_zero(
                residual
            ):
                continue
            result[line.id] = (
                line.company_currency_id.round(residual),
                line.currency_id.round(residual_currency),
            )
        return result

    @api.model
    def _get_report_filename(self, partner, company=None):
        """Name of the printed statement's file of ``partner`` (res.partner), without
        extension (no ``/``), in the customer's language (issue 16: was "Releve de compte - ..."
        in every language)."""
        return (
            partner_env(self.env, partner, company)
            ._("Statement of account - %(partner)s", partner=partner.commercial_partner_id.name)
            .replace("/", "-")
        )

    def _render_statement(self, partners, html=False, date=None, recorded_by=None, sent=None):
        """The statement of each of ``partners`` at ``date`` (default: today) (PDF, HTML when
        ``html``), as attachment values; PDF statements by batches of one wkhtmltopdf call
        (``recouvrement.letter.batch``), else one customer at a time.

        :param recorded_by: a datetime (UTC): the statement as recorded then
            (:meth:`_get_statements`), e.g. the creation of the reminder it goes with
        :param sent: ``{commercial partner id: figures}``, the rows stored when the statement
            was sent (:meth:`_get_sent_statement_figures`), stated as they are
        :return: ``{partner id: {"name", "raw", "mimetype"}}``
        """
        report = self.env["ir.actions.report"]
        data = {"date": fields.Date.to_string(date)} if date else {}
        if recorded_by:
            data["recorded_by"] = fields.Datetime.to_string(recorded_by)
        sent = {str(partner_id): figures for partner_id, figures in (sent or {}).items() if figures}
        if sent:
            data["sent"] = sent
        data = data or None
        batch = (
            {}
            if html
            else self.env["recouvrement.letter.batch"]._render_pdf_batch(
                STATEMENT_REPORT, partners.ids, data=data
            )
        )
        result = {}
        for partner in partners:
            if partner.id in batch:
                content = batch[partner.id]
            elif html:
                content, _type = report._render_qweb_html(STATEMENT_REPORT, partner.ids, data)
            else:
                content, _type = report._render_qweb_pdf(STATEMENT_REPORT, partner.ids, data)
            extension = "html" if html else "pdf"
            name = partner.with_context(lang=partner.lang).env._(
                "Statement %(partner)s", partner=partner.commercial_partner_id.name
            )
            result[partner.id] = {
                "name": f"{name}.{extension}",
                "raw": content,
                "mimetype": "text/html" if html else "application/pdf",
            }
        return result

    @api.model
    def _dunning_level_attachments(self, events, statements=None):
        """Statement attachments of the reminders ``events`` whose level has
        ``attach_statement`` (the others get nothing).

        ``statements`` (``{event id: attachment values}`` of :meth:`_render_statement`) are
        those a batch already rendered (``recouvrement.letter.batch._prerender_letters``).

        Each statement is that of the event's company only, at the event's date, as
        recorded when the event was created (its rows stored then, ``sent_statement``, else
        the books as recorded then: a payment entered, matched or unmatched later changes no
        statement rendered again), in the customer's language; HTML
        instead of PDF with the ``dunning_letter_html`` context key (no HTTP server for
        wkhtmltopdf). The attachments are created on the event, a record
        of its company, not on the customer shared by the companies (issue 19).

        :param events: ``recouvrement.dunning.event`` recordset
        :return: ``{event id: ir.attachment recordset}`` (empty recordsets when the level
            attaches nothing)
        """
        attachments = self.env["ir.attachment"]
        result = {event.id: attachments for event in events}
        html = bool(self.env.context.get("dunning_letter_html"))
        vals_list = []
        for event in events.filtered(lambda e: e.level_id.attach_statement):
            statement = (statements or {}).get(event.id) or self.with_company(
                event.company_id
            )._render_statement(
                event.partner_id,
                html=html,
                date=event.date,
                recorded_by=event.create_date,
                sent={event.partner_id.commercial_partner_id.id: event.sent_statement},
            )[event.partner_id.id]
            vals_list.append(dict(statement, res_model=event._name, res_id=event.id))
        for attachment in attachments.create(vals_list):
            result[attachment.res_id] = attachment
        return result

    @api.model
    def _dunning_add_statement(self, event, letter, report_type, statement=None):
        """The letters step's part of the statement of ``event`` (a reminder whose level has
        ``attach_statement``; others are returned as they are): the statement is attached to
        the event and

        * for an email, to its email while it is still in the mail queue (the letters step is
          triggered by the sending step, the mail queue runs later: rendering the PDF in the
          sending step would take about a second per customer out of its time budget, issue
          18); an email already gone leaves the statement on the event, with a note;
        * for a letter, appended to the letter's file (one PDF, merged as the print queue
          merges letters), the statement alone when the level has no letter model.

        :param letter: content of the event's letter (bytes, empty when the level has none)
        :param report_type: ``"pdf"`` or ``"html"``
        :param statement: attachment values of the statement already rendered by a batch
            (:meth:`_dunning_level_attachments`), if any
        :return: ``(content, report_type)`` of the letter to keep on the event (empty content:
            no letter)
        """
        statements = {event.id: statement} if statement else None
        statement = self._dunning_level_attachments(event, statements=statements)[event.id]
        if not statement:
            return letter, report_type
        if event.channel == "email":
            self._attach_to_mail(event, statement)
            return letter, report_type
        if not letter:
            return statement.raw, report_type
        if report_type == "pdf":
            return merge_pdf([letter, statement.raw]), report_type
        return letter + statement.raw, report_type

    @api.model
    def _attach_to_mail(self, event, attachment):
        """Add ``attachment`` to the email of ``event`` still in the mail queue, else note on
        the event that the email left without it."""
        # sudo: the mail queue is read by the system; the email is the event's own
        mail = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("mail_message_id", "=", event.mail_message_id.id),
                    ("state", "=", "outgoing"),
                ],
                limit=1,
            )
            if event.mail_message_id
            else self.env["mail.mail"]
        )
        if mail:
            # a letter rendered again (action_regenerate_letter) does not add a second copy
            if attachment.name not in mail.attachment_ids.mapped("name"):
                mail.attachment_ids = [Command.link(attachment.id)]
            return
        # internal: in the company's language (issue 16)
        note_env = company_env(self.env, event.company_id)
        event._message_log(
            body=note_env._(
                "The email of this reminder had already left: the customer statement "
                "%(name)s is kept on the reminder, not sent.",
                name=attachment.name,
            ),
            attachment_ids=attachment.ids,
        )

    @api.model
    def _action_send_statement(self, partners):
        """Email composer with the statement template (its PDF attached) on a new
        ``recouvrement.statement.sending`` of each of ``partners`` in the current company:
        the email and the PDF are posted there, read by this company's collection users only,
        not in the customer's chatter shared by the companies (issue 19)."""
        template = self.env.ref(
            "recouvrement_b2b.mail_template_statement_sending", raise_if_not_found=False
        )
        # no creation note: a sending lists once its email is posted (a closed composer
        # leaves a record without message, out of the Statements Sent list)
        sendings = (
            self.env["recouvrement.statement.sending"]
            .with_context(mail_create_nolog=True)
            .create(
                [
                    {"partner_id": partner.id, "company_id": self.env.company.id}
                    for partner in partners.commercial_partner_id
                ]
            )
        ).with_env(self.env)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Statement"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": sendings._name,
                "default_res_ids": sendings.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment" if len(sendings) == 1 else "mass_mail",
                "force_email": True,
            },
        }
