from unittest.mock import patch

from freezegun import freeze_time
from lxml import etree

from odoo import fields
from odoo.tests import tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestDunningRendering(RecouvrementCommon):
    """Issue 18, throughput: the reminders' email body is compiled once per batch and language
    (mail compiles an inline QWeb body once per email), with the same output."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        cls.policy = cls._standard_ladder()
        cls.Dunning = cls.env["recouvrement.dunning"].with_user(cls.controller)
        cls.template = cls.env.ref("recouvrement_b2b.mail_template_dunning_reminder")

    def _customers(self, count, lang, invoices=1):
        """``count`` customers in ``lang``, each with ``invoices`` invoices due 1 March 2026."""
        partners = self.env["res.partner"]
        for index in range(count):
            partner = self.env["res.partner"].create(
                {
                    "name": f"Client {lang} {count} {index}",
                    "is_company": True,
                    "lang": lang,
                    "email": f"compta{index}@{lang.lower()}-{count}.example.fr",
                }
            )
            for _invoice in range(invoices):
                self._invoice(partner, 100.0 + index, "2026-02-01", "2026-03-01")
            partners |= partner
        return partners

    def _send(self, partners):
        """The sending step on 2 March 2026 for ``partners``, counting the inline QWeb
        compilations: ``(events, compilations)``."""
        IrQweb = self.env.registry["ir.qweb"]
        compile_template = IrQweb._compile
        compiled = []

        def counting_compile(qweb, template):
            if isinstance(template, etree._Element):
                compiled.append(template)
            return compile_template(qweb, template)

        date = fields.Date.to_date("2026-03-02")
        with freeze_time(date), patch.object(IrQweb, "_compile", counting_compile):
            plan = self.Dunning._get_plan(date, partners=partners)
            events = self.Dunning._send_reminders(plan, date)
        return events, len(compiled)

    def _mail_bodies(self, events):
        mails = self.env["mail.mail"].search(
            [("model", "=", events._name), ("res_id", "in", events.ids)]
        )
        return {mail.res_id: mail.body_html for mail in mails}

    def _each_body(self, events):
        """The body of each event's email rendered alone, by mail's own code (one record)."""
        bodies = {}
        for event in events:
            lang = event.recipient_id.lang
            rendered = self.template.with_context(lang=lang)._render_field(
                "body_html", event.ids, compute_lang=False
            )
            bodies[event.id] = rendered[event.id]
        return bodies

    def test_body_compiled_once_per_batch_and_language(self):
        """Two batch sizes, two languages: two compilations of the body whatever the number
        of emails (one per language; mail's code: one per email), kept for the next batches
        (none compiled again), each email's body the one mail renders for it alone, in its
        customer's language."""
        self.env.registry.clear_cache("templates")  # the body compiled by earlier tests
        for count, compilations in ((2, 2), (5, 0)):
            partners = self._customers(count, "en_US") | self._customers(count, "fr_FR", 2)
            events, compiled = self._send(partners)
            self.assertEqual(len(events), 2 * count)
            self.assertEqual(set(events.mapped("state")), {"sent"})
            self.assertEqual(compiled, compilations, f"{2 * count} emails")
            bodies = self._mail_bodies(events)
            self.assertEqual(len(bodies), 2 * count)
            expected = self._each_body(events)
            for event in events:
                # mail's layout wraps the body: the rendered body is in the email as it is
                self.assertIn(str(expected[event.id]), str(bodies[event.id]))
            for event in events:
                greeting = "Madame, Monsieur" if event.partner_id.lang == "fr_FR" else "Dear Sir"
                self.assertIn(greeting, bodies[event.id])
            self.assertTrue(all(e.move_ids[0].name in bodies[e.id] for e in events))
