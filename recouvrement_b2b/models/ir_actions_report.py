import io

from odoo import models

#: letters rendered by batches split per record (IrActionsReport._render_qweb_pdf_prepare_streams)
DUNNING_LETTER_REPORTS = (
    "recouvrement_b2b.report_dunning_letter",
    "recouvrement_b2b.report_dunning_formal_notice",
    "recouvrement_b2b.report_customer_statement",
)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Render the dunning letters of several events by batches, one wkhtmltopdf call per
        batch split per event (``recouvrement.letter.batch``), else one event at a time.

        With several records, Odoo renders one wkhtmltopdf document and splits it with the
        outlines that only the patched-Qt build writes; Debian's build returns no usable
        document and printing a selection crashed. The batches split the document on markers
        in the pages' text and work with either build; an event whose batch cannot be split
        with certainty is rendered alone. The caller merges the documents as usual.
        """
        report = self._get_report(report_ref)
        if report.report_name not in DUNNING_LETTER_REPORTS or not res_ids or len(res_ids) < 2:
            return super()._render_qweb_pdf_prepare_streams(report_ref, data, res_ids=res_ids)
        unique_ids = list(dict.fromkeys(res_ids))
        rendered = self.env["recouvrement.letter.batch"]._render_pdf_batch(
            report_ref, unique_ids, data=dict(data or {})
        )
        streams = {}
        for res_id in unique_ids:
            if res_id in rendered:
                streams[res_id] = {"stream": io.BytesIO(rendered[res_id]), "attachment": None}
                continue
            streams.update(
                super()._render_qweb_pdf_prepare_streams(
                    report_ref, dict(data or {}), res_ids=[res_id]
                )
            )
        return streams
