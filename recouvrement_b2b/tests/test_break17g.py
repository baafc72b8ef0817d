import smtplib
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.base.models.ir_mail_server import IrMailServer
from odoo.addons.base.tests.common import MockSmtplibCase

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestBreak17g(DunningRunCommon):
    """Issue 17, break test (faults 1-6) with other inputs than the issue's and the earlier
    break tests': values computed by hand from LEGAL.md and reference/ecb_mro_rates.csv
    (2026-S1: ECB 2.15 %, L441-10 rate 12.15 %; 2026-S2: 2.40 %, 12.40 %)."""

    def _usd(self):
        """USD at 1 EUR = 1.25 USD since 2000."""
        return self.setup_other_currency("USD", rates=[("2000-01-01", 1.25)])

    def test_statement_overdue_net_of_the_credits_of_its_own_currency(self):
        # Issue 17 #2 with two currencies in one customer (LEGAL.md, open credits: same
        # company and currency; README: open credits pay only claims of their own currency).
        # 1 EUR = 1.25 USD. 1 000 EUR due 1 February; 1 250 USD (1 000 EUR) due 1 February
        # and an unmatched USD credit note of 2 500 USD (2 000 EUR). On 1 April: open items
        # 1 000 + 1 000 = 2 000, credits -2 000, balance 0; of which overdue, currency by
        # currency: EUR 1 000 - 0 = 1 000, USD max(1 000 - 2 000, 0) = 0: 1 000.00 (was
        # max(2 000 - 2 000, 0) = 0: the dollar credit note deducted from the euro invoice).
        usd = self._usd()
        self._invoice(self.customer, 1000.0, "2026-01-01", "2026-02-01")
        self._invoice(self.customer, 1250.0, "2026-01-01", "2026-02-01", currency=usd)
        self._open_credit_note(self.customer, 2500.0, "2026-03-10", currency=usd)
        Statement = self.env["recouvrement.statement"].with_user(self.controller)
        with freeze_time("2026-04-01"):
            statement = Statement._get_statements(self.customer)[self.customer.id]
            html = str(
                Statement._render_statement(self.customer, html=True)[self.customer.id]["raw"]
            )
        self.assertEqual(
            (statement["total_open"], statement["total_credits"], statement["balance"]),
            (2000.0, -2000.0, 0.0),
        )
        self.assertEqual(statement["overdue"], 1000.0)
        self.assertIn("of which overdue", html)

    def _fixed_percent_balance_invoice(self):
        """1 000 dated 1 May 2026 by a term of a fixed 200 at once, 30 % at 30 days and the
        balance at 60 days: instalments 200 due 1 May, 300 due 31 May, 500 due 30 June."""
        term = self.env["account.payment.term"].create(
            {
                "name": "200 + 30 % 30 j + solde 60 j",
                "line_ids": [
                    Command.create({"value": "fixed", "value_amount": 200, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 30, "nb_days": 30}),
                    Command.create({"value": "percent", "value_amount": 70, "nb_days": 60}),
                ],
            }
        )
        move = self._invoice_with_term(self.customer, 1000.0, "2026-05-01", term)
        instalments = move.line_ids.filtered("date_maturity").sorted("date_maturity")
        self.assertEqual(
            [(line.date_maturity, line.amount_currency) for line in instalments],
            [
                (date(2026, 5, 1), 200.0),
                (date(2026, 5, 31), 300.0),
                (date(2026, 6, 30), 500.0),
            ],
        )
        return move

    def test_fixed_percent_and_balance_instalments_paid_late_and_in_part(self):
        # Issue 17 #1 with a fixed line, a percentage line and a balance line: the first
        # instalment (200 due 1 May) paid 10 May, 100 of the second (300 due 31 May) paid
        # 15 June. On 20 June (2026-S1, 12.15 %):
        #   200 x 12.15 % x 9 / 365 (2-10 May)            = 0.599178
        #   300 x 12.15 % x 15 / 365 (1-15 June)          = 1.497945
        #   200 x 12.15 % x 5 / 365 (16-20 June)          = 0.332877
        #   total 2.430000 -> 2.43, and the 40 indemnity (the first instalment paid late).
        # The reminder claims the second instalment's 200 (the third is not due).
        self._legal_penalties()
        move = self._fixed_percent_balance_invoice()
        self._pay(move, 200.0, "2026-05-10")
        self._pay(move, 100.0, "2026-06-15")
        figures = move._get_penalty_figures(date(2026, 6, 20))[move.id]
        self.assertEqual((figures["penalty"], figures["indemnity"]), (2.43, 40.0))
        event = self._run("2026-06-20")
        self.assertEqual(event.amount_due, 200.0)
        self.assertEqual(event.line_ids.mapped("date_maturity"), [date(2026, 5, 31)])
        # On 10 July (1-10 July in 2026-S2, 12.40 %):
        #   0.599178 + 1.497945
        #   + 200 x 12.15 % x 15 / 365 (16-30 June)        = 0.998630
        #   + 200 x 12.40 % x 10 / 365 (1-10 July)         = 0.679452
        #   + 500 x 12.40 % x 10 / 365 (1-10 July)         = 1.698630
        #   total 5.473835 -> 5.47; the penalty invoice charges 5.47 and 40.
        penalty_invoice = self._penalty_invoice(move, "2026-07-10")
        self.assertEqual(penalty_invoice.invoice_line_ids.mapped("price_unit"), [5.47, 40.0])
        # the L441-9 mention prints each due date with its amount
        mention = self.env["recouvrement.penalty"]._get_penalty_mention(move)
        self.assertIn(
            "05/01/2026 (200.00\xa0€), 05/31/2026 (300.00\xa0€), 06/30/2026 (500.00\xa0€)", mention
        )

    def test_credit_on_a_child_contact_nets_every_claim(self):
        # Issue 17 #2 with child contacts: the invoice of 1 000 due 1 February is addressed
        # to the customer's invoicing contact, a credit note of 400 (unmatched) to its
        # delivery contact. Both are the customer's (commercial partner). On 1 March every
        # claim nets it: the reminder claims 1 000 - 400 = 600 (sent to the invoicing
        # contact), the statement's balance and overdue 600, the exposure 600 overdue, a
        # litigation case deducts 400.
        invoicing = self.env["res.partner"].create(
            {
                "name": "Service comptable",
                "type": "invoice",
                "parent_id": self.customer.id,
                "email": "factures@garnier.example.fr",
            }
        )
        delivery = self.env["res.partner"].create(
            {"name": "Dépôt", "type": "delivery", "parent_id": self.customer.id}
        )
        move = self._invoice(invoicing, 1000.0, "2026-01-01", "2026-02-01")
        self._open_credit_note(delivery, 400.0, "2026-02-10")
        event = self._run("2026-03-01")
        self.assertRecordValues(
            event,
            [
                {
                    "partner_id": self.customer.id,
                    "recipient_id": invoicing.id,
                    "amount_due": 600.0,
                    "amount_open_credit": 400.0,
                }
            ],
        )
        with freeze_time("2026-03-01"):
            statement = self.env["recouvrement.statement"]._get_statements(invoicing)[
                self.customer.id
            ]
            self.assertEqual((statement["balance"], statement["overdue"]), (600.0, 600.0))
            status = self.env["recouvrement.credit"]._get_credit_status(invoicing)
            self.assertEqual(status[self.customer.id]["figures"]["overdue_amount"], 600.0)
            case = self.env["recouvrement.litigation"].create(
                {
                    "partner_id": invoicing.id,
                    "litigation_type": "recovery",
                    "move_ids": [Command.set(move.ids)],
                }
            )
            self.assertEqual((case.amount_residual, case.open_credit_amount), (1000.0, 400.0))

    def test_cancelling_the_middle_of_three_dollar_penalty_invoices(self):
        # Issue 17 #6 on a dollar invoice (1 EUR = 1.25 USD): 1 000 USD due 31 January 2026,
        # penalty invoices at the end of February, March and April (12.15 %):
        #   A to 28 Feb: 1 000 x 12.15 % x 28 / 365 = 9.3205 -> 9.32, and 40 EUR = 50.00 USD
        #   B to 31 Mar: 59 days 19.6397 -> 19.64, less 9.32 = 10.32
        #   C to 30 Apr: 89 days 29.6260 -> 29.63, less 19.64 = 9.99
        # B cancelled: the reminder of 30 April claims its 10.32 USD again, 8.26 EUR
        # (10.32 / 1.25 = 8.256), and Invoice Penalties charges exactly B's March, 10.32 USD,
        # no indemnity.
        self._legal_penalties()
        usd = self._usd()
        move = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31", currency=usd)
        invoices = [
            self._penalty_invoice(move, day) for day in ("2026-02-28", "2026-03-31", "2026-04-30")
        ]
        self.assertEqual(
            [(i.currency_id, i.invoice_line_ids.mapped("price_unit")) for i in invoices],
            [(usd, [9.32, 50.0]), (usd, [10.32]), (usd, [9.99])],
        )
        invoices[1].button_cancel()
        with freeze_time("2026-04-30"):
            claim = self.env["recouvrement.penalty"]._get_penalty_claim_figures(
                move, date(2026, 4, 30)
            )
            company = self.env["recouvrement.dunning"]._get_company_penalty_figures(
                move, date(2026, 4, 30), figures=claim
            )
        self.assertEqual((claim[move.id]["penalty"], claim[move.id]["indemnity"]), (10.32, 0.0))
        self.assertEqual(company[move.id]["penalty"], 8.26)
        again = self._penalty_invoice(move, "2026-04-30")
        self.assertEqual(again.invoice_line_ids.mapped("price_unit"), [10.32])
        self.assertEqual(
            again.invoice_line_ids.mapped(
                lambda line: (line.penalty_date_from, line.penalty_date_to)
            ),
            [(date(2026, 3, 1), date(2026, 3, 31))],
        )

    def test_declaration_deducts_a_dollar_credit_at_the_judgment_rate(self):
        # Issue 17 #2 on the déclaration de créance, with a credit in another currency than
        # the company's: 1 EUR = 1.25 USD until 31 January 2026, 1.00 from 1 February.
        # 1 250 USD dated 5 January due 4 February (1 000 EUR in the books), a credit note of
        # 500 USD on 20 January (400 EUR in the books), unmatched; redressement judiciaire
        # on 15 February. The claim is declared at the judgment's rate (L622-25): principal
        # 1 250 EUR, less the dollar credit at the same rate, 500 EUR (was 400, its books'
        # rate: 100 EUR claimed that the customer's dollars do not owe) -> 750; penalties up
        # to the eve of the judgment (L622-28), 1 250 x 12.15 % x 10 / 365 (5-14 February) =
        # 4.1610 -> 4.16, the indemnity 40: 794.16 (was 894.16).
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 1.25), ("2026-02-01", 1.0)])
        self._legal_penalties()
        self._invoice(self.customer, 1250.0, "2026-01-05", "2026-02-04", currency=usd)
        self._open_credit_note(self.customer, 500.0, "2026-01-20", currency=usd)
        self.customer.write(
            {"collective_proceedings": "redressement", "proceedings_date": "2026-02-15"}
        )
        with freeze_time("2026-03-01"):
            declaration = self.env["recouvrement.claim.declaration"].create(
                {"partner_id": self.customer.id, "publication_date": "2026-02-20"}
            )
            self.assertRecordValues(
                declaration,
                [
                    {
                        "open_credit_amount": 500.0,
                        "principal_amount": 750.0,
                        "penalty_amount": 4.16,
                        "indemnity_amount": 40.0,
                        "total_amount": 794.16,
                    }
                ],
            )

    def test_addresses_as_typed_in_the_email_field(self):
        # Issue 17 #4 with other typed addresses. Usable (emailed): spaces around and capitals,
        # two addresses split by "," without a space, a trailing ";", a "mailto:" pasted from
        # a web page (read as the group name of the same mailbox: the mail reaches it). Not
        # taken as typed (a letter): two addresses split by a space only, an entry that is no
        # address as typed (the parser's split is a guess, as for "jean dupont@example.fr").
        good = [
            "  COMPTA@Garnier.Example.FR ",
            "compta@garnier.example.fr,dg@garnier.example.fr",
            "compta@garnier.example.fr;",
            "mailto:compta@garnier.example.fr",
        ]
        bad = ["compta@garnier.example.fr dg@garnier.example.fr"]
        customers, by_customer = self._channels_by_email("Saisie", good + bad)
        self.assertEqual(
            [(by_customer[c].channel, by_customer[c].state) for c in customers],
            [("email", "sent")] * 4 + [("letter", "to_post")],
        )

    def test_unmatched_payment_bigger_than_the_oldest_invoice(self):
        # Issue 17 #2 with an unmatched payment instead of a credit note, bigger than one
        # invoice: A 600 due 1 February, B 1 000 due 1 March, 800 received on 10 February and
        # matched to neither. On 20 March the customer owes 1 600 - 800 = 800, all of it
        # overdue: it settles A first (600) then 200 of B, so what is late dates from B's
        # due date, 19 days (2-20 March), not A's 47 (the exposure, the credit hold past 30
        # days and the worklist said 47: orders held). Penalties still run per invoice on
        # what is unpaid on each (LEGAL.md, open credits): A 600 x 12.15 % x 47 / 365 =
        # 9.3871 -> 9.39; B 1 000 x 12.15 % x 19 / 365 = 6.3247 -> 6.32.
        self._legal_penalties()
        self.company.recouvrement_hold_overdue_days = 30
        move_a = self._invoice(self.customer, 600.0, "2026-01-01", "2026-02-01")
        move_b = self._invoice(self.customer, 1000.0, "2026-01-31", "2026-03-01")
        self._unmatched_payment(self.customer, 800.0, "2026-02-10")
        figures = (move_a | move_b)._get_penalty_figures(date(2026, 3, 20))
        self.assertEqual(
            [(figures[m.id]["penalty"], figures[m.id]["indemnity"]) for m in move_a | move_b],
            [(9.39, 40.0), (6.32, 40.0)],
        )
        with freeze_time("2026-03-20"):
            self.customer.invalidate_recordset()
            status = self.env["recouvrement.credit"]._get_credit_status(self.customer)
            statement = self.env["recouvrement.statement"]._get_statements(self.customer)[
                self.customer.id
            ]
            partner_figures = (
                self.customer.credit_overdue_amount,
                self.customer.credit_overdue_days,
            )
        self.assertEqual((statement["balance"], statement["overdue"]), (800.0, 800.0))
        self.assertEqual(
            (
                status[self.customer.id]["figures"]["overdue_amount"],
                status[self.customer.id]["figures"]["overdue_days"],
            ),
            (800.0, 19),
        )
        self.assertEqual(partner_figures, (800.0, 19))
        # held only past 30 days: 19 days late, no hold
        self.assertEqual(status[self.customer.id]["hold_reasons"], [])
        # a letter (no email address), to post: the customer is in the worklist, 800 late
        # by 19 days (was 47)
        self.customer.email = False
        event = self._run("2026-03-20")
        self.assertRecordValues(event, [{"amount_due": 800.0, "amount_open_credit": 800.0}])
        with freeze_time("2026-03-20"):
            worklist = self.env["recouvrement.worklist"].search(
                [("partner_id", "=", self.customer.id)]
            )
            self.assertEqual(
                [(row.overdue_amount, row.overdue_days) for row in worklist], [(800.0, 19)]
            )

    def test_open_credits_in_two_currencies_each_with_invoices(self):
        # Issue 17 #2 with open credits in two currencies, each with invoices (1 EUR = 1.25
        # USD): 1 000 EUR due 1 February and a EUR credit note of 400; 1 250 USD (1 000 EUR)
        # due 1 February and a USD credit note of 2 500 USD (2 000 EUR). Across currencies
        # the customer owes nothing (2 000 - 2 400), but a dollar credit does not pay a euro
        # invoice (art. 1347-1 Code civil): on 2 March the reminder claims the euros' net,
        # 1 000 - 400 = 600, deducting the EUR credit only; the dollars are covered (1 000 -
        # 2 000 < 0): neither the USD invoice nor the USD credit is listed.
        usd = self._usd()
        move_eur = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-02-01")
        move_usd = self._invoice(self.customer, 1250.0, "2026-01-01", "2026-02-01", currency=usd)
        credit_eur = self._open_credit_note(self.customer, 400.0, "2026-02-10")
        credit_usd = self._open_credit_note(self.customer, 2500.0, "2026-02-10", currency=usd)
        event = self._run("2026-03-02")
        self.assertRecordValues(event, [{"amount_due": 600.0, "amount_open_credit": 400.0}])
        self.assertEqual(event.move_ids, move_eur)
        self.assertEqual(event.credit_line_ids.move_id, credit_eur)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("recouvrement_b2b.action_report_dunning_letter", event.ids)[0]
            .decode()
        )
        self.assertIn(move_eur.name, html)
        self.assertIn(credit_eur.name, html)
        self.assertNotIn(move_usd.name, html)
        self.assertNotIn(credit_usd.name, html)

    def test_penalty_invoice_reset_to_draft_then_credited(self):
        # Issue 17 #6 with other moves of a penalty invoice: 1 000 due 31 January 2026.
        # A (to 28 February): 1 000 x 12.15 % x 28 / 365 = 9.32, and 40. A is reset to draft
        # on 31 March: a draft still charges its period (never charged twice), so the March
        # invoice B charges 59 days 19.64 - 9.32 = 10.32 only; A posted again. B is then
        # reversed by a credit note (README: a waiver): the April invoice C charges 89 days
        # 29.63 - 19.64 = 9.99, not March again, and nothing is left to claim on 30 April.
        self._legal_penalties()
        move = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31")
        penalty_a = self._penalty_invoice(move, "2026-02-28")
        self.assertEqual(penalty_a.invoice_line_ids.mapped("price_unit"), [9.32, 40.0])
        penalty_a.button_draft()
        penalty_b = self._penalty_invoice(move, "2026-03-31")
        self.assertEqual(penalty_b.invoice_line_ids.mapped("price_unit"), [10.32])
        penalty_a.action_post()
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=penalty_b.ids)
            .create({"journal_id": penalty_b.journal_id.id, "date": "2026-04-05"})
        )
        reversal.refund_moves()
        credit_note = self.env["account.move"].search([("reversed_entry_id", "=", penalty_b.id)])
        credit_note.action_post()
        penalty_c = self._penalty_invoice(move, "2026-04-30")
        self.assertEqual(penalty_c.invoice_line_ids.mapped("price_unit"), [9.99])
        claim = self.env["recouvrement.penalty"]._get_penalty_claim_figures(
            move, date(2026, 4, 30)
        )[move.id]
        self.assertEqual((claim["penalty"], claim["indemnity"]), (0.0, 0.0))

    def test_one_day_letter_deadline_is_a_whole_sentence(self):
        # Issue 17 #5 with another setting: a firm level sent by letter with a payment
        # deadline of 1 day printed "within 1 days of receipt of this letter" ("dans les 1
        # jours suivant..." in French). One day reads "within one day of receipt of this
        # letter", "dans le jour suivant la réception de la présente lettre"; 8 days as before.
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.level_firm.write({"channel": "letter", "payment_deadline_days": 1})
        move = self._invoice(self.customer, 1500.0, "2026-01-01", "2026-01-31")
        event = self._reminder_event(move, self.level_firm, "2026-02-20", channel="letter")

        def deadline(lang):
            return event.with_context(lang=lang)._get_payment_deadline_text()

        self.assertEqual(deadline("en_US"), "within one day of receipt of this letter")
        self.assertEqual(
            deadline("fr_FR"), "dans le jour suivant la réception de la présente lettre"
        )
        self.level_firm.payment_deadline_days = 8
        self.assertEqual(deadline("en_US"), "within 8 days of receipt of this letter")
        self.assertEqual(
            deadline("fr_FR"), "dans les 8 jours suivant la réception de la présente lettre"
        )

    def test_level_minimum_with_no_rate_at_the_invoice_date(self):
        # Issue 17 #3 with a currency that had no rate when the invoice was booked: 110 USD
        # dated 1 January 2026 due 31 January, booked at 1.0 (110 EUR, no rate yet); the
        # first rate, 1 EUR = 1.25 USD, is entered for 1 February. Courteous level minimum
        # 100 EUR (and the courtesy and firm levels): on 2 February the invoice is worth
        # 110 / 1.25 = 88 EUR: no reminder (the books' 110 EUR would plan one); the next
        # reminder is the last call's (J+30, no minimum), 2 March, not the firm level's.
        usd = self.setup_other_currency("USD", rates=[("2026-02-01", 1.25)])
        self.env["res.currency.rate"].search(
            [("currency_id", "=", usd.id), ("name", "<", "2026-02-01")]
        ).unlink()
        (self.level_courtesy | self.level_courteous | self.level_firm).min_amount = 100.0
        move = self._invoice(self.customer, 110.0, "2026-01-01", "2026-01-31", currency=usd)
        self.assertEqual(move.amount_residual_signed, 110.0)
        self.assertFalse(self._plan("2026-02-02"))
        with freeze_time("2026-02-02"):
            move.invalidate_recordset()
            self.assertEqual(
                self.env["recouvrement.dunning"]._get_next_dates(move)[move.id],
                date(2026, 3, 2),
            )


@tagged("post_install", "-at_install")
class TestBreak17gDelivery(DunningRunCommon, MockSmtplibCase):
    """Issue 17 #4 with other inputs: a reminder that never reached the customer."""

    def _refused_by_the_recipient_server(self, events):
        """The mail queue sends the emails of ``events``; the customer's mail server refuses
        them for good (SMTP 550 5.1.1, user unknown)."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", events._name), ("res_id", "in", events.ids)])
        )
        with (
            self.mock_smtplib_connection(),
            mute_logger("odoo.addons.mail.models.mail_mail"),
            patch.object(
                IrMailServer,
                "send_email",
                side_effect=smtplib.SMTPDataError(550, b"5.1.1 user unknown"),
            ),
        ):
            mails.send(raise_exception=False)

    def _refused_then_sent_by_letter(self):
        """1 000 due 1 March 2026; the courteous email of 2 March is refused by the customer's
        server: undelivered; sent again by a letter on 3 March, posted that day."""
        self._invoice(self.customer, 1000.0, "2026-02-01", "2026-03-01")
        email = self._run("2026-03-02")
        with freeze_time("2026-03-02 10:00"):
            self._refused_by_the_recipient_server(email)
        self.assertEqual(email.state, "undelivered")
        letter = self._run("2026-03-03")
        self.assertRecordValues(
            letter,
            [{"level_id": self.level_courteous.id, "channel": "letter", "state": "to_post"}],
        )
        with freeze_time("2026-03-03"):
            letter.action_mark_posted()

    def test_refused_address_after_the_letter_fallback_gets_letters(self):
        # Issue 17 #4 with a refusal by the recipient's server instead of a bounce message:
        # 1 000 due 1 March; the courteous email of 2 March is refused (550 5.1.1 user
        # unknown): undelivered, sent again by letter on 3 March, posted. On 16 March the firm
        # level (J+15) goes by letter too, as after a bounce (test_bounce_after_a_letter_
        # fallback): the address is known to reach nobody (was: emailed to it again, to fail
        # again, the firm reminder reaching the customer a day later by letter).
        self._refused_then_sent_by_letter()
        firm = self._run("2026-03-16")
        self.assertRecordValues(
            firm, [{"level_id": self.level_firm.id, "channel": "letter", "state": "to_post"}]
        )
        self.assertIn("was not delivered", firm.note)

    def test_corrected_address_after_a_refusal_gets_the_next_level_by_email(self):
        # The same refusal (550 5.1.1) and letter fallback; the customer then gives a new
        # address, typed in on 10 March. The letter stands for the courteous reminder; the
        # firm level of 16 March goes by email to the new address (was: a letter, the bounce
        # counter of the old address kept for the new one until the customer writes to us).
        self._refused_then_sent_by_letter()
        self.customer.email = "comptabilite@garnier.example.fr"
        firm = self._run("2026-03-16")
        self.assertRecordValues(
            firm, [{"level_id": self.level_firm.id, "channel": "email", "state": "sent"}]
        )
        # the same address typed again (capitals) is no correction: the counter stays
        self.customer.message_bounce = 1
        self.customer.email = "Comptabilite@Garnier.example.fr"
        self.assertEqual(self.customer.message_bounce, 1)
