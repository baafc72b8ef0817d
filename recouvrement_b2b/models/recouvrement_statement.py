from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.osv import expression

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
    def _get_statements(self, partners, date=None, company=None):
        """Statement figures of ``partners`` at ``date`` (default: the user's today).

        Two searches whatever the number of partners.

        :return: ``{commercial partner id: {"date", "company", "currency", "open_items",
            "credits", "payments" (``account.move.line`` recordsets), "days_late" ({line id:
            days past the due date, 0 when not due}), "total_open", "total_credits",
            "overdue", "balance" (floats, company currency; balance = open items + open
            credits, credits being negative)}}``
        """
        company = company or self.env.company
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        commercial = partners.commercial_partner_id
        lines = self.env["account.move.line"]
        base = self._get_statement_domain(partners, company)
        open_lines = lines.search(
            expression.AND([base, [("reconciled", "=", False), ("amount_residual", "!=", 0)]]),
            order="date_maturity, date, id",
        )
        payments = lines.search(
            expression.AND(
                [
                    base,
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
        open_ids = defaultdict(list)
        for line in open_lines:
            open_ids[line.partner_id.commercial_partner_id.id].append(line.id)
        paid_ids = defaultdict(list)
        for line in payments:
            paid_ids[line.partner_id.commercial_partner_id.id].append(line.id)
        result = {}
        for partner in commercial:
            mine = lines.browse(open_ids[partner.id])
            paid = lines.browse(paid_ids[partner.id])
            items = mine.filtered(lambda line: line.amount_residual > 0)
            credits = mine - items
            days_late = {
                line.id: max((date - (line.date_maturity or line.date)).days, 0) for line in items
            }
            result[partner.id] = {
                "date": date,
                "company": company,
                "currency": company.currency_id,
                "open_items": items,
                "credits": credits,
                "payments": paid,
                "days_late": days_late,
                "total_open": sum(items.mapped("amount_residual")),
                "total_credits": sum(credits.mapped("amount_residual")),
                "overdue": sum(line.amount_residual for line in items if days_late[line.id]),
                "balance": sum(mine.mapped("amount_residual")),
            }
        return result

    @api.model
    def _render_statement(self, partners, html=False):
        """The statement of each of ``partners`` (PDF, HTML when ``html``), as attachment
        values, rendered one customer at a time.

        :return: ``{partner id: {"name", "raw", "mimetype"}}``
        """
        report = self.env["ir.actions.report"]
        result = {}
        for partner in partners:
            if html:
                content, _type = report._render_qweb_html(STATEMENT_REPORT, partner.ids)
            else:
                content, _type = report._render_qweb_pdf(STATEMENT_REPORT, partner.ids)
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
    def _dunning_level_attachments(self, level, partners):
        """Attachments a reminder of ``level`` adds for each of ``partners``: the customer
        statement when the level has ``attach_statement`` (else nothing).

        Called by the dunning sending code. The statement is that of the level's company, in
        the customer's language; HTML instead of PDF with the ``dunning_letter_html`` context
        key (no HTTP server for wkhtmltopdf). The attachments are created on the partner.

        :param level: one ``recouvrement.dunning.level``
        :param partners: ``res.partner`` recordset (the reminded customers)
        :return: ``{partner id: ir.attachment recordset}`` (empty recordsets when the level
            attaches nothing)
        """
        attachments = self.env["ir.attachment"]
        if not level.attach_statement or not partners:
            return {partner.id: attachments for partner in partners}
        statements = self.with_company(level.company_id or self.env.company)._render_statement(
            partners, html=bool(self.env.context.get("dunning_letter_html"))
        )
        created = attachments.create(
            [
                dict(statements[partner.id], res_model="res.partner", res_id=partner.id)
                for partner in partners
            ]
        )
        return {attachment.res_id: attachment for attachment in created}

    @api.model
    def _action_send_statement(self, partners):
        """Email composer on ``partners`` with the statement template (its PDF attached)."""
        template = self.env.ref(
            "recouvrement_b2b.mail_template_customer_statement", raise_if_not_found=False
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Statement"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": partners.ids,
                "default_template_id": template.id if template else False,
                "default_composition_mode": "comment" if len(partners) == 1 else "mass_mail",
                "force_email": True,
            },
        }
