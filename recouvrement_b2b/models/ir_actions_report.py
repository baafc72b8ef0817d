from odoo import models

#: letters rendered one event at a time (see IrActionsReport._render_qweb_pdf_prepare_streams)
DUNNING_LETTER_REPORTS = (
    "recouvrement_b2b.report_dunning_letter",
    "recouvrement_b2b.report_dunning_formal_notice",
    "recouvrement_b2b.report_customer_statement",
)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Render the dunning letters of several events one event at a time.

        With several records, Odoo renders one wkhtmltopdf document and splits it with the
        outlines that only the patched-Qt build writes; Debian's build returns no usable
        document and printing a selection crashed. One document per event works with either
        build; the caller merges them as usual.
        """
        report = self._get_report(report_ref)
        if report.report_name not in DUNNING_LETTER_REPORTS or not res_ids or len(res_ids) < 2:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        streams = {}
        for res_id in res_ids:
            streams.update(
                super()._render_qweb_pdf_prepare_streams(
                    report_ref, dict(data or {}), res_ids=[res_id]
                )
            )
        return streams
