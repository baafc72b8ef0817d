import io
import logging
import re
import secrets
import subprocess
from collections import defaultdict

from odoo import api, models, tools
from odoo.exceptions import UserError
from odoo.tools import split_every
from odoo.tools.pdf import ArrayObject, NameObject, PdfFileReader, PdfFileWriter

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

_logger = logging.getLogger(__name__)

#: letters rendered by one wkhtmltopdf call (issue 18): about the time of one letter for 20
PDF_BATCH_SIZE = 20
#: the split marker: an empty link of no height (a 1 px block pulled back by its margin), so
#: nothing on paper nor in the text; wkhtmltopdf writes it as a link annotation of its page,
#: removed from the page once the document is split
MARKER_HTML = '<a href="{url}" style="{style}display:block;height:1px;margin-bottom:-1px;"></a>'
MARKER_URL = "https://rb2b.invalid/split/{nonce}/{index}"
BODY = re.compile(r"(<body\b[^>]*>)(.*)</body>", re.DOTALL | re.IGNORECASE)

#: ``True`` when the wkhtmltopdf build has Qt patched (several input files, headers, outlines)
_patched_qt = None


def _wkhtmltopdf_patched_qt():
    """Whether the wkhtmltopdf build is the one "with patched qt" (cached per process)."""
    global _patched_qt
    if _patched_qt is None:
        try:
            version = subprocess.run(
                [_get_wkhtmltopdf_bin(), "--version"],
                capture_output=True,
                text=True,
                check=False,
                timeout=30,
            ).stdout
        except (OSError, subprocess.SubprocessError):
            version = ""
        _patched_qt = "patched qt" in version.lower()
    return _patched_qt


class RecouvrementLetterBatch(models.AbstractModel):
    """Letters (and customer statements) rendered by batches: one wkhtmltopdf call for up to
    :data:`PDF_BATCH_SIZE` records instead of one per record (issue 18: about 0.4 s for 20
    letters instead of 0.4 s each).

    The records' HTML bodies (``ir.actions.report._prepare_html``) go in one call: joined in
    one document with page breaks on Debian's wkhtmltopdf (unpatched Qt: one input file
    only, no outlines), as separate files with the patched build (its headers and page
    numbers stay per record). Each body starts with a marker unique to the call: an empty link
    of no height, nothing on paper nor in the text, that wkhtmltopdf writes as a link
    annotation of the page; the PDF is split where the markers are, and the markers removed.
    When the split is not certain (a marker missing, twice or out of order, a page without
    text), nothing of the call is kept and the callers render one record per call as before:
    a page is never attached to the wrong letter.
    """

    _name = "recouvrement.letter.batch"
    _description = "Batch rendering of the dunning letters"

    @api.model
    def _get_batch_size(self):
        """Records rendered by one wkhtmltopdf call: the ``recouvrement_b2b.letter_batch_size``
        system parameter (default :data:`PDF_BATCH_SIZE`; 1: one call per record, as before
        issue 18). A value that is not a whole number of at least 1 is logged and the default
        used."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("recouvrement_b2b.letter_batch_size", PDF_BATCH_SIZE)
        )
        try:
            size = int(value)
        except (TypeError, ValueError):
            size = 0
        if size < 1:
            _logger.warning(
                "recouvrement_b2b.letter_batch_size %r is not a whole number of at least 1: "
                "%s used",
                value,
                PDF_BATCH_SIZE,
            )
            size = PDF_BATCH_SIZE
        return size

    @api.model
    def _render_pdf_batch(self, report_ref, res_ids, data=None):
        """Render the PDF of ``res_ids`` for the report ``report_ref`` (xmlid, name or record)
        by batches of :meth:`_get_batch_size`, one wkhtmltopdf call each.

        :param res_ids: list of record ids of the report's model
        :param data: the report's data (as ``_render_qweb_pdf`` takes it)
        :return: ``{res id: PDF bytes}`` for the records split with certainty; the others
            (uncertain split, wkhtmltopdf failing, duplicated ids, a report saving its own
            attachments, tests without ``force_report_rendering``, a lone record) are missing
            and left to the caller's one-record rendering
        """
        Report = self.env["ir.actions.report"]
        report = Report._get_report(report_ref)
        test_mode = tools.config["test_enable"] or tools.config["test_file"]
        if (
            len(res_ids) < 2
            or len(set(res_ids)) != len(res_ids)
            or report.attachment
            or (test_mode and not self.env.context.get("force_report_rendering"))
            or Report.get_wkhtmltopdf_state() == "install"
        ):
            return {}
        result = {}
        for chunk in split_every(self._get_batch_size(), list(res_ids), list):
            if len(chunk) > 1:
                result.update(self._render_pdf_chunk(report, chunk, data))
        return result

    @api.model
    def _render_pdf_chunk(self, report, res_ids, data=None):
        """One wkhtmltopdf call for ``res_ids`` (see :meth:`_render_pdf_batch`).

        :return: ``{res id: PDF bytes}``, all of them or none
        """
        Report = self.env["ir.actions.report"].with_context(debug=False)
        data = dict(data or {}, report_type="pdf")
        html = Report._render_qweb_html(report.id, res_ids, data=data)[0]
        bodies, html_ids, header, footer, paper_args = report.with_context(
            debug=False
        )._prepare_html(html, report_model=report.model)
        if html_ids != list(res_ids):
            return {}
        nonce = secrets.token_hex(6)
        documents = self._mark_bodies(bodies, nonce)
        if documents is None:
            return {}
        try:
            pdf = Report._run_wkhtmltopdf(
                documents,
                report_ref=report.id,
                header=header,
                footer=footer,
                landscape=self.env.context.get("landscape"),
                specific_paperformat_args=paper_args,
                set_viewport_size=self.env.context.get("set_viewport_size"),
            )
        except UserError as error:
            _logger.warning("Batch of %s letters not rendered at once: %s", len(res_ids), error)
            return {}
        parts = self._split_pdf(pdf, nonce, len(res_ids))
        if parts is None:
            _logger.warning(
                "Batch of %s letters of %s not split with certainty: rendered one by one",
                len(res_ids),
                report.report_name,
            )
            return {}
        return dict(zip(res_ids, parts, strict=True))

    @api.model
    def _mark_bodies(self, bodies, nonce):
        """The wkhtmltopdf input files of ``bodies`` (HTML documents, one per record), each
        body starting with its marker (:data:`MARKER_HTML`): the bodies as they are with
        a patched-Qt build, else one document joining them with page breaks.

        :return: list of HTML strings, or ``None`` when the bodies cannot be joined (their
            ``<body>`` tags differ, e.g. another text direction)
        """
        marked, open_tags = [], set()
        for index, body in enumerate(map(str, bodies)):  # Markup: joined as HTML, not escaped
            match = BODY.search(body)
            if not match:
                return None
            open_tags.add(match.group(1))
            marker = MARKER_URL.format(nonce=nonce, index=index)
            marked.append((body, match, marker))
        if _wkhtmltopdf_patched_qt():
            # one file per record: each keeps its header, footer and page numbers
            return [
                body[: match.end(1)]
                + MARKER_HTML.format(style="", url=marker)
                + body[match.end(1) :]
                for body, match, marker in marked
            ]
        if len(open_tags) != 1:
            return None
        inner = "".join(
            MARKER_HTML.format(style="page-break-before:always;" if index else "", url=marker)
            + match.group(2)
            for index, (_body, match, marker) in enumerate(marked)
        )
        first, first_match, _marker = marked[0]
        return [first[: first_match.end(1)] + inner + first[first_match.end(2) :]]

    @api.model
    def _split_pdf(self, pdf, nonce, count):
        """Split ``pdf`` at the pages holding the markers of :meth:`_mark_bodies` (link
        annotations to :data:`MARKER_URL` of ``nonce``), and remove the markers.

        :return: list of ``count`` PDF documents (bytes), in the markers' order, or ``None``
            when the split is not certain: a marker missing, twice or out of order, the first
            page without one, or a page without any text (whose letter cannot be told)
        """
        reader = PdfFileReader(io.BytesIO(pdf))
        prefix = re.escape(MARKER_URL.format(nonce=nonce, index=""))
        pattern = re.compile(prefix + r"(\d+)")
        starts = []
        for page_no in range(reader.numPages):
            page = reader.getPage(page_no)
            found = self._pop_markers(page, pattern)
            if len(found) > 1 or not (found or (page.extractText() or "").strip()):
                return None
            if found:
                starts.append((found[0], page_no))
        if [index for index, _page in starts] != list(range(count)) or starts[0][1] != 0:
            return None
        ends = [page for _index, page in starts[1:]] + [reader.numPages]
        parts = []
        for (_index, start), end in zip(starts, ends, strict=True):
            writer = PdfFileWriter()
            for page_no in range(start, end):
                writer.addPage(reader.getPage(page_no))
            stream = io.BytesIO()
            writer.write(stream)
            parts.append(stream.getvalue())
        return parts

    @api.model
    def _pop_markers(self, page, pattern):
        """Remove from ``page`` (a PDF page object) the link annotations whose URI matches
        ``pattern`` (the markers of a batch).

        :return: the markers' indexes (list of int), in the page's order
        """
        annots = page.get("/Annots")
        if annots is None:
            return []
        annots = annots.getObject()
        found, kept = [], ArrayObject()
        for annot in annots:
            uri = annot.getObject().get("/A", {}).get("/URI")
            match = pattern.fullmatch(str(uri)) if uri else None
            if match:
                found.append(int(match.group(1)))
            else:
                kept.append(annot)
        if found:
            page[NameObject("/Annots")] = kept
        return found

    # ------------------------------------------------------------------------------------------
    # The letters step
    # ------------------------------------------------------------------------------------------

    @api.model
    def _prerender_letters(self, events):
        """Render the PDF letters of ``events`` (recouvrement.dunning.event) and the
        statements their levels attach, by batches (:meth:`_render_pdf_batch`), for
        ``recouvrement.dunning._render_letter``: letters of one company and one report per
        batch, statements of one company, one date and one time of record (the events'
        creation, ``recouvrement.statement._dunning_level_attachments``) per batch. Nothing with the
        ``dunning_letter_html`` context key (HTML letters are rendered one by one).

        A batch that fails is logged and left out: those letters are rendered one by one.

        :return: ``{event id: {"letter": PDF bytes, "statement": attachment values}}``, each
            key present only when rendered here
        """
        result = defaultdict(dict)
        if self.env.context.get("dunning_letter_html") or len(events) < 2:
            return result
        letters, statements = defaultdict(list), defaultdict(lambda: self.env[events._name])
        for event in events:
            report = event._get_letter_report()
            if report:
                letters[event.company_id, report].append(event.id)
            if event.level_id.attach_statement:
                statements[event.company_id, event.date, event.create_date] |= event
        for (company, report), event_ids in letters.items():
            try:
                with self.env.cr.savepoint():
                    contents = self.with_company(company)._render_pdf_batch(report, event_ids)
            except Exception as error:
                _logger.warning("Batch of %s letters not rendered: %s", len(event_ids), error)
                continue
            for event_id, content in contents.items():
                result[event_id]["letter"] = content
        Statement = self.env["recouvrement.statement"]
        for (company, date, recorded_by), batch in statements.items():
            if len(batch.partner_id) < 2:
                continue
            try:
                with self.env.cr.savepoint():
                    vals = Statement.with_company(company)._render_statement(
                        batch.partner_id,
                        date=date,
                        recorded_by=recorded_by,
                        sent={
                            event.partner_id.commercial_partner_id.id: event.sent_statement
                            for event in batch
                        },
                    )
            except Exception as error:
                _logger.warning("Batch of %s statements not rendered: %s", len(batch), error)
                continue
            for event in batch:
                result[event.id]["statement"] = vals[event.partner_id.id]
        return result
