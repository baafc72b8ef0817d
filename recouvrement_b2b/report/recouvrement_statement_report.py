from odoo import api, models


class ReportCustomerStatement(models.AbstractModel):
    """Values of the customer statement report (``res.partner``): one batch of figures for
    all the printed customers (see ``recouvrement.statement._get_statements``)."""

    _name = "report.recouvrement_b2b.report_customer_statement"
    _description = "Customer Statement Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        statements = self.env["recouvrement.statement"]._get_statements(
            partners, date=(data or {}).get("date")
        )
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": statements,
        }
