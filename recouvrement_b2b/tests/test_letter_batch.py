import io
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import config
from odoo.tools.pdf import PdfFileReader, merge_pdf

from odoo.addons.base.models.ir_actions_report import IrActionsReport

from ..models.recouvrement_letter_batch import MARKER_HTML, MARKER_URL, RecouvrementLetterBatch
from .common import RecouvrementCommon
from .test_dunning_letters import pdf_text

NOTICE_REPORT = "recouvrement_b2b.report_dunning_formal_notice"


def pages(data):
    """Number of pages of the PDF ``data`` (bytes)."""
    return len(PdfFileReader(io.BytesIO(data)).pages)


def links(data):
    """URIs of the link annotations of the PDF ``data`` (bytes), all pages."""
    reader = PdfFileReader(io.BytesIO(data))
    return [
        str(annot.getObject().get("/A", {}).get("/URI"))
        for page in reader.pages
        for annot in (page.get("/Annots") or [])
    ]


def page_texts(data):
    """Text of each page of the PDF ``data`` (bytes), whitespace collapsed."""
    reader = PdfFileReader(io.BytesIO(data))
    return [" ".join(page.extractText().split()) for page in reader.pages]


@tagged("post_install", "-at_install")
@freeze_time("2026-03-17")
class TestLetterBatch(RecouvrementCommon, HttpCase):
    """Issue 18: the letters of a batch rendered by one wkhtmltopdf call, split per event on
    markers in the pages' text (it fetches the CSS from the test server)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.group_manager
        policy = cls._standard_ladder()
        cls.level = policy.level_ids.filtered("is_formal_notice")[:1]
        cls.level.attach_statement = True  # the file: the notice, then the statement
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", f"http://127.0.0.1:{config['http_port']}"
        )
        Partner = cls.env["res.partner"]
        cls.baker = Partner.create({"name": "Boulangerie Martin", "is_company": True})
        cls.hotel = Partner.create({"name": "Hôtel du Parc SAS", "is_company": True})
        cls.customers = cls.customer | cls.baker | cls.hotel
        # the baker owes 30 invoices: a notice of two pages (and a longer statement)
        counts = {cls.customer: 1, cls.baker: 30, cls.hotel: 2}
        cls.events = cls.env["recouvrement.dunning.event"]
        for partner, count in counts.items():
            moves = cls.env["account.move"]
            for number in range(count):
                moves |= cls._invoice(partner, 100.0 + number, "2026-01-05", "2026-02-04")
            cls.events |= (
                cls.env["recouvrement.dunning.event"]
                .sudo()
                .create(
                    {
                        "partner_id": partner.id,
                        "company_id": cls.company.id,
                        "currency_id": cls.company.currency_id.id,
                        "level_id": cls.level.id,
                        "channel": "registered",
                        "date": "2026-03-17",
                        "state": "to_post",
                        "move_ids": moves.ids,
                        "letter_to_render": True,
                    }
                )
            )

    def _one_by_one(self, event):
        """The event's file rendered alone (one wkhtmltopdf call per document): the notice,
        then the statement."""
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        notice = Report._render_qweb_pdf(NOTICE_REPORT, event.ids)[0]
        statement = (
            self.env["recouvrement.statement"]
            .with_context(force_report_rendering=True)
            ._render_statement(event.partner_id, date=event.date)[event.partner_id.id]["raw"]
        )
        return merge_pdf([notice, statement])

    def _render_counting(self, events):
        """The letters step on ``events`` (PDF); the number of wkhtmltopdf calls it made."""
        calls = []
        original = IrActionsReport._run_wkhtmltopdf

        def run(report, bodies, *args, **kwargs):
            calls.append(len(bodies))
            return original(report, bodies, *args, **kwargs)

        dunning = self.env["recouvrement.dunning"].with_context(force_report_rendering=True)
        with patch.object(IrActionsReport, "_run_wkhtmltopdf", autospec=True, side_effect=run):
            done, _remaining = dunning._dunning_render_letters(events)
        self.assertEqual(done, len(events))
        return len(calls)

    def _assert_files_right(self, events):
        """Each event's file has the pages of its own rendering alone, and only its customer."""
        others = {event: (self.customers - event.partner_id).mapped("name") for event in events}
        for event in events:
            content, alone = event.attachment_id.raw, self._one_by_one(event)
            self.assertEqual(event.attachment_id.mimetype, "application/pdf")
            self.assertEqual(pages(content), pages(alone), event.partner_id.name)
            self.assertEqual(page_texts(content), page_texts(alone))
            text = " ".join(pdf_text(content).split())
            self.assertIn(event.partner_id.name, text)
            for name in others[event]:
                self.assertNotIn(name, text)
            # no marker left in what the customer receives
            self.assertFalse([uri for uri in links(content) if "rb2b.invalid" in uri])

    def test_batch_split_per_event(self):
        """Three notices of 1, 2 and 1 pages with their statements: two wkhtmltopdf calls (the
        notices, the statements) instead of six, each file the pages of its own event."""
        calls = self._render_counting(self.events)
        self.assertEqual(calls, 2)
        notices = [
            pages(
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(NOTICE_REPORT, event.ids)[0]
            )
            for event in self.events
        ]
        self.assertEqual(notices, [1, 2, 1])
        self.assertFalse(any(self.events.mapped("letter_to_render")))
        self._assert_files_right(self.events)

    def test_uncertain_split_falls_back_one_by_one(self):
        """A marker missing from the batch (here the second letter's): the batch is not split,
        each document is rendered alone (one call per document), the files are still right."""
        original = RecouvrementLetterBatch._mark_bodies

        def lose_second_marker(batch, bodies, nonce):
            documents = original(batch, bodies, nonce)
            second = MARKER_URL.format(nonce=nonce, index=1)
            return [document.replace(second, "https://example.invalid/") for document in documents]

        with patch.object(
            RecouvrementLetterBatch, "_mark_bodies", autospec=True, side_effect=lose_second_marker
        ):
            calls = self._render_counting(self.events)
        # the two failed batches, then 3 notices and 3 statements alone
        self.assertEqual(calls, 2 + 6)
        self._assert_files_right(self.events)

    def test_print_queue_merges_batch(self):
        """Printing the selection through the report: one call, the merged document holds
        each event's pages in the selection's order."""
        calls = []
        original = IrActionsReport._run_wkhtmltopdf

        def run(report, bodies, *args, **kwargs):
            calls.append(len(bodies))
            return original(report, bodies, *args, **kwargs)

        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        with patch.object(IrActionsReport, "_run_wkhtmltopdf", autospec=True, side_effect=run):
            merged, report_type = Report._render_qweb_pdf(NOTICE_REPORT, self.events.ids)
        self.assertEqual(report_type, "pdf")
        self.assertEqual(len(calls), 1)
        alone = [Report._render_qweb_pdf(NOTICE_REPORT, event.ids)[0] for event in self.events]
        self.assertEqual(page_texts(merged), sum((page_texts(one) for one in alone), []))
        self.assertEqual(pages(merged), 4)

    def test_split_pdf_uncertain(self):
        """The split refuses markers out of order, missing or twice, and a page without text;
        it removes the markers it splits on."""
        Batch = self.env["recouvrement.letter.batch"]
        Report = self.env["ir.actions.report"]
        break_ = '<div style="page-break-before:always"></div>'
        blank = '<div style="height:1200px"></div>'  # a page without text

        def mark(index):
            return MARKER_HTML.format(style="", url=MARKER_URL.format(nonce="ab12", index=index))

        def pdf(*parts):
            html = "<html><body>%s</body></html>" % break_.join(parts)
            return Report._run_wkhtmltopdf([html])

        good = pdf(mark(0) + "first", "second page of first", mark(1) + "second")
        parts = Batch._split_pdf(good, "ab12", 2)
        self.assertEqual([pages(part) for part in parts], [2, 1])
        self.assertEqual(page_texts(parts[0]), ["first", "second page of first"])
        self.assertEqual(page_texts(parts[1]), ["second"])
        self.assertEqual(links(good).count(MARKER_URL.format(nonce="ab12", index=1)), 1)
        self.assertEqual(links(parts[0]) + links(parts[1]), [])
        self.assertIsNone(Batch._split_pdf(good, "cd34", 2))  # another batch's markers
        self.assertIsNone(Batch._split_pdf(pdf(mark(1) + "a", mark(0) + "b"), "ab12", 2))
        self.assertIsNone(Batch._split_pdf(pdf(mark(0) + "a", "b"), "ab12", 2))
        self.assertIsNone(Batch._split_pdf(pdf(mark(0) + "a" + mark(1) + "b"), "ab12", 2))
        self.assertIsNone(Batch._split_pdf(pdf(mark(0) + "a", blank, mark(1) + "b"), "ab12", 2))
        self.assertIsNone(Batch._split_pdf(pdf("a", mark(0) + "b", mark(1) + "c"), "ab12", 2))
