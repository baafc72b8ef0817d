from odoo import api, fields, models


class ReportCustomerStatement(models.AbstractModel):
    """Values of the customer statement report (``res.partner``): one batch of figures for
    all the printed customers (see ``recouvrement.statement._get_statements``)."""

    _name = "report.recouvrement_b2b.report_customer_statement"
    _description = "Customer Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        data = data or {}
        statements = self.env["recouvrement.statement"]._get_statements(
            partners,
            date=data.get("date"),
            recorded_by=fields.Datetime.to_datetime(data.get("recorded_by")),
            sent=data.get("sent"),
        )
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": statements,
        }


class ReportStatementSending(models.AbstractModel):
    """Values of the statement sent by email (``recouvrement.statement.sending``): each
    sending's statement in its own company, at its date, as recorded when it was made (a
    statement sent and printed again says what the one sent said)."""

    _name = "report.recouvrement_b2b.report_statement_sending"
    _description = "Customer Statement Sent Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        sendings = self.env["recouvrement.statement.sending"].browse(docids)
        service = self.env["recouvrement.statement"]
        statements = {}
        groups = sendings.grouped(lambda s: (s.company_id, s.date, s.create_date))
        for (company, date, recorded_by), group in groups.items():
            # the rows stored when it was sent, else the books as recorded then (issue 17)
            figures = service.with_company(company)._get_statements(
                group.partner_id,
                date=date,
                company=company,
                recorded_by=recorded_by,
                sent={sending.partner_id.id: sending.sent_statement for sending in group},
            )
            for sending in group:
                commercial = sending.partner_id.commercial_partner_id.id
                statements[sending.id] = {commercial: figures[commercial]}
        return {
            "doc_ids": docids,
            "doc_model": "recouvrement.statement.sending",
            "docs": sendings,
            "sending_statements": statements,
        }
