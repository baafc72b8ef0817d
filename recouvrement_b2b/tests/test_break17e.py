import re
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestBreak17e(DunningRunCommon):
    """Issue 17, break test with other inputs than the issue's: values computed by hand from
    LEGAL.md and reference/ecb_mro_rates.csv (2026-S1: ECB 2.15 %, L441-10 rate 12.15 %)."""

    def _hold_figures(self, day):
        """The customer's exposure row and credit hold reasons on ``day``."""
        with freeze_time(day):
            self.customer.invalidate_recordset()
            status = self.env["recouvrement.credit"]._get_credit_status(self.customer)
            return status[self.customer.id], (
                self.customer.credit_overdue_amount,
                self.customer.credit_overdue_days,
            )

    def _assert_letters_for_bad_addresses(self, prefix, bad, good):
        """One customer per address, 1 000 due 31 January, run of 1 February: each ``bad``
        address gives a letter to post whose event says the address is not valid, each ``good``
        one an email sent."""
        customers, by_customer = self._channels_by_email(prefix, bad + good)
        self.assertEqual(
            [(by_customer[c].channel, by_customer[c].state) for c in customers],
            [("letter", "to_post")] * len(bad) + [("email", "sent")] * len(good),
        )
        for customer, email in zip(customers[: len(bad)], bad, strict=True):
            self.assertIn(
                f"The email address {email} of {customer.name} is not valid",
                by_customer[customer].note,
            )

    def test_open_credits_cover_what_is_overdue_no_overdue_hold(self):
        # Issue 17 #2 on the credit hold and the exposure's overdue figures (LEGAL.md, open
        # credits: no credit hold while the net balance due is zero). Orders are held past 30
        # days overdue. 1 000 due 1 February 2026; on 1 April (59 days late) the customer has
        # an unmatched credit note of 1 000 dated 25 March, due 24 April by its payment term
        # (a credit is the customer's to use at once, whatever its due date): overdue net
        # 1 000 - 1 000 = 0, 0 days overdue, no hold (was: 1 000 overdue for 59 days, held).
        self.company.recouvrement_hold_overdue_days = 30
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-02-01")
        self._open_credit_note(self.customer, 1000.0, "2026-03-25", "2026-04-24")
        status, partner_figures = self._hold_figures("2026-04-01")
        self.assertEqual(status["figures"]["receivable"], 0.0)
        self.assertEqual(
            (status["figures"]["overdue_amount"], status["figures"]["overdue_days"]), (0.0, 0)
        )
        self.assertEqual(partner_figures, (0.0, 0))
        self.assertEqual(status["hold_reasons"], [])
        # the grouped plan of the same figures (searching customers) agrees
        with freeze_time("2026-04-01"):
            overdue = self.env["res.partner"].search(
                [
                    ("id", "=", self.customer.id),
                    "|",
                    ("credit_overdue_days", ">", 0),
                    ("credit_overdue_amount", ">", 0),
                ]
            )
        self.assertFalse(overdue)

    def test_unmatched_payment_covers_what_is_overdue_no_overdue_hold(self):
        # The same with an unmatched payment of 1 000 received on 20 March: 1 000 - 1 000 = 0
        # overdue, 0 days, no hold (was: 0 overdue but 59 days overdue, held).
        self.company.recouvrement_hold_overdue_days = 30
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-02-01")
        self._unmatched_payment(self.customer, 1000.0, "2026-03-20")
        status, partner_figures = self._hold_figures("2026-04-01")
        self.assertEqual(
            (status["figures"]["overdue_amount"], status["figures"]["overdue_days"]), (0.0, 0)
        )
        self.assertEqual(partner_figures, (0.0, 0))
        self.assertEqual(status["hold_reasons"], [])

    def test_open_credit_smaller_than_what_is_overdue_keeps_the_hold(self):
        # An unmatched payment of 400 only: 1 000 - 400 = 600 still overdue since 1 February
        # (59 days on 1 April): held, "overdue by 59 days".
        self.company.recouvrement_hold_overdue_days = 30
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-02-01")
        self._unmatched_payment(self.customer, 400.0, "2026-03-20")
        status, partner_figures = self._hold_figures("2026-04-01")
        self.assertEqual(partner_figures, (600.0, 59))
        self.assertEqual(
            status["hold_reasons"],
            ["Menuiserie Garnier has an invoice overdue by 59 days (more than 30 days)."],
        )

    def test_address_no_mail_server_can_deliver_gives_a_letter(self):
        # Issue 17 #4 with other malformed addresses than one without "@": a domain without
        # a dot (compta@garnier: the ".fr" forgotten), a doubled "@" (the mail would go to
        # "@garnier.example.fr") and an empty domain label (compta@garnier..fr) can reach
        # nobody: caught before sending, a letter to post, said on the event (was: sent by
        # email, "sent"). A display name, two addresses split by ";" and an accented domain
        # are usable: sent by email.
        bad = ["compta@garnier", "compta@@garnier.example.fr", "compta@garnier..fr"]
        good = [
            '"Service compta" <compta@garnier.example.fr>',
            "compta@garnier.example.fr; dg@garnier.example.fr",
            "compta@menuiserie-élan.fr",
        ]
        self._assert_letters_for_bad_addresses("Client", bad, good)

    def test_address_rewritten_by_the_parser_gives_a_letter(self):
        # Issue 17 #4, an address as typed that is not one: "jean dupont@example.fr" (a space
        # in the local part) is read by the email parser as the name "jean" and the address
        # "dupont@example.fr", another mailbox (was: sent there, "sent", no note); the same
        # for "compta garnier@example.fr, dg@garnier.example.fr". Caught before sending: a
        # letter to post, said on the event. A display name with a comma inside its quotes,
        # a bare display name before <...>, and an address with a comment are as typed:
        # sent by email.
        bad = ["jean dupont@example.fr", "compta garnier@example.fr, dg@garnier.example.fr"]
        good = [
            '"Dupont, Jean" <jean.dupont@garnier.example.fr>',
            "Jean Dupont <jean.dupont@garnier.example.fr>",
            "compta@garnier.example.fr (service comptable)",
        ]
        self._assert_letters_for_bad_addresses("Typed", bad, good)

    def test_statement_overdue_is_net_of_the_open_credits(self):
        # Issue 17 #2 on the statement of account: "Balance due 0.00, of which overdue
        # 1 000.00" contradicts itself. 1 000 due 1 February, 500 due 30 April (not due on
        # 1 April), an unmatched payment of 400 on 20 March: balance 1 000 + 500 - 400 =
        # 1 100, of which overdue 1 000 - 400 = 600 (the open credit settles the oldest
        # first; was 1 000).
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-02-01")
        self._invoice(self.customer, 500.0, "2026-03-31", "2026-04-30")
        self._unmatched_payment(self.customer, 400.0, "2026-03-20")
        Statement = self.env["recouvrement.statement"].with_user(self.controller)
        with freeze_time("2026-04-01"):
            statement = Statement._get_statements(self.customer)[self.customer.id]
        self.assertEqual(
            (statement["total_open"], statement["total_credits"], statement["balance"]),
            (1500.0, -400.0, 1100.0),
        )
        self.assertEqual(statement["overdue"], 600.0)
        # a credit note of 1 100 more (due 1 May): balance 0, nothing overdue, no
        # "of which overdue" line on the statement (was 1 000.00)
        self._open_credit_note(self.customer, 1100.0, "2026-03-31", "2026-05-01")
        with freeze_time("2026-04-01"):
            statement = Statement._get_statements(self.customer)[self.customer.id]
            html = Statement._render_statement(self.customer, html=True)[self.customer.id]["raw"]
        self.assertEqual((statement["balance"], statement["overdue"]), (0.0, 0.0))
        self.assertNotIn("of which overdue", str(html))

    def test_indemnity_converted_when_the_first_instalment_falls_late(self):
        # Issue 17 #1 on the D441-5 indemnity of a dollar invoice (LEGAL.md: due once per
        # invoice as soon as an instalment is paid late; converted from euros at the due date).
        # 1 100 USD dated 1 May 2026, half due 31 May, half 30 July; 1 EUR = 1.10 USD until
        # 1 June, then 1.25. The first half is unpaid: the 40 EUR fell due with it, converted
        # at its due date, 31 May: 40 x 1.10 = 44.00 USD (was 40 x 1.25 = 50.00 USD, at the
        # last due date, 30 July, which the instalment never waited for). Penalty on 20 June:
        # 550 x 12.15 % x 20 / 365 = 3.6616 -> 3.66 USD.
        self._legal_penalties()
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.10), ("2026-06-01", 1.25)])
        term = self._term((50, 30), (50, 90))
        move = self._invoice(self.customer, 1100.0, "2026-05-01", currency=usd, post=False)
        move.invoice_payment_term_id = term
        move.action_post()
        self.assertEqual(
            move.line_ids.filtered("date_maturity").sorted("date_maturity").mapped("date_maturity"),
            [date(2026, 5, 31), date(2026, 7, 30)],
        )
        figures = move._get_penalty_figures(date(2026, 6, 20))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (3.66, 44.0))
        penalty_invoice = self._penalty_invoice(move, "2026-06-20")
        self.assertEqual(penalty_invoice.invoice_line_ids.mapped("price_unit"), [3.66, 44.0])
        # the reminder claims it in euros: 44.00 / 1.10 = 40.00 EUR, whatever the day's rate
        with freeze_time("2026-06-20"):
            company_figures = self.env["recouvrement.dunning"]._get_company_penalty_figures(
                move, date(2026, 6, 20), figures={move.id: figures}
            )
        self.assertEqual(company_figures[move.id]["indemnity"], 40.0)

    def test_payment_plan_offer_without_a_deadline_is_a_whole_sentence(self):
        # Issue 17 #5 with another setting: a courteous level (no payment deadline in its
        # letter) that offers a payment plan printed "contact us before that date", a date the
        # letter never gave. Without a deadline: "contact us: we can agree a payment plan
        # with you.", in English and in French; the last call, which gives one, keeps it.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        (self.level_courteous | self.level_last_call).propose_payment_plan = True
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")

        def letter(level, lang):
            self.customer.lang = lang
            event = self._reminder_event(move, level, "2026-02-20", channel="letter")
            html = (
                self.env["ir.actions.report"]
                ._render_qweb_html("recouvrement_b2b.action_report_dunning_letter", event.ids)[0]
                .decode()
            )
            # spaces and line breaks as one space; the no-break spaces kept
            return re.sub(r"[ \t\r\n]+", " ", html)

        text = letter(self.level_courteous, "en_US")
        self.assertIn(
            "If you are facing temporary difficulties, contact us: we can agree a payment plan "
            "with you.",
            text,
        )
        self.assertNotIn("before that date", text)
        text = letter(self.level_courteous, "fr_FR")
        self.assertIn(
            "Si vous rencontrez des difficultés passagères, contactez-nous\xa0: nous pouvons "
            "convenir avec vous d'un échéancier.",
            text,
        )
        self.assertNotIn("avant cette date", text)
        self.assertIn(
            "If you are facing temporary difficulties, contact us before that date: we can "
            "agree a payment plan with you.",
            letter(self.level_last_call, "en_US"),
        )
