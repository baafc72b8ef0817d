from datetime import date, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from .common import DunningRunCommon, post_invoice, retried
from .test_break17f import PenaltyTwoCursorsCommon


@tagged("post_install", "-at_install")
class TestBreak17hDebtors(DunningRunCommon):
    """Issue 17 #8 and #9 with other inputs than the issue's and the tests': who is a consumer,
    read by penalties (L441-10), the indemnity (D441-5) and prescription (L110-4 / L218-2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._legal_penalties()

    def test_a_company_registration_number_makes_a_professional(self):
        # 2 000 due 2026-01-15, on 2026-03-16: 60 days at 12.15 % (ECB 2.15 % on 2026-01-01
        # + 10): 2 000 x 12.15 x 60 / 36500 = 1 458 000 / 36500 = 39.945 -> 39.95, and the
        # 40 EUR indemnity; prescription 5 years: 2031-01-15. A consumer: nothing without a
        # formal notice, 2 years: 2028-01-15.
        # A sole trader is created as an individual, whose form shows Odoo's "Company ID"
        # (company_registry) but not the SIREN: Luc Bernard types his SIRET there, a British
        # trader his company number. Both registered a trade: professionals (the old value
        # treated them as consumers: 0.00, 0.00, 2028-01-15).
        Partner = self.env["res.partner"]
        uk = self.env.ref("base.uk")
        debtors = {
            "siret_in_company_id": Partner.create(
                {"name": "Luc Bernard", "is_company": False, "company_registry": "73282932000074"}
            ),
            "uk_company_number": Partner.create(
                {
                    "name": "Smith Joinery",
                    "is_company": False,
                    "country_id": uk.id,
                    "company_registry": "09876543",
                }
            ),
            # seen right: an EI with its SIREN, a Swiss company with its non-EU VAT number,
            # a company with a SIRET only (the SIREN is read from it)
            "ei_with_siren": Partner.create(
                {"name": "Marc Petit EI", "is_company": False, "siren": "732829320"}
            ),
            "swiss_company": Partner.create(
                {
                    "name": "Uhren AG",
                    "is_company": True,
                    "country_id": self.env.ref("base.ch").id,
                    "vat": "CHE-116.281.710 MWST",
                }
            ),
            "siret_only": Partner.create(
                {"name": "Scierie Siret", "is_company": True, "siret": "73282932000074"}
            ),
            # seen right: consumers, natural persons with no number at all, even with a
            # company name typed or living in Belgium
            "company_name_only": Partner.create(
                {"name": "Julie Roux", "is_company": False, "company_name": "Roux SARL"}
            ),
            "belgian_consumer": Partner.create(
                {
                    "name": "Jan Peeters",
                    "is_company": False,
                    "country_id": self.env.ref("base.be").id,
                }
            ),
        }
        moves = {
            key: self._invoice(partner, 2000.0, "2025-12-16", "2026-01-15")
            for key, partner in debtors.items()
        }
        all_moves = self.env["account.move"].union(*moves.values())
        figures = all_moves.with_user(self.controller)._get_penalty_figures(date(2026, 3, 16))
        got = {
            key: (
                figures[move.id]["penalty"],
                figures[move.id]["indemnity"],
                move.prescription_date,
            )
            for key, move in moves.items()
        }
        professional = (39.95, 40.0, date(2031, 1, 15))
        consumer = (0.0, 0.0, date(2028, 1, 15))
        self.assertEqual(
            got,
            {
                "siret_in_company_id": professional,
                "uk_company_number": professional,
                "ei_with_siren": professional,
                "swiss_company": professional,
                "siret_only": professional,
                "company_name_only": consumer,
                "belgian_consumer": consumer,
            },
        )
        # the number typed later (a customer first taken for a consumer): the prescription
        # stored on its invoice moves to 5 years
        debtors["belgian_consumer"].company_registry = "0403170701"
        self.assertEqual(moves["belgian_consumer"].prescription_date, date(2031, 1, 15))

    def test_consumer_found_professional_between_two_penalty_invoices(self):
        # Seen right. Anne Morel, taken for a consumer, owes 2 000 due 2026-01-15; a formal
        # notice emailed 2026-02-16. Penalty invoice of 2026-03-16: legal interest only
        # (2026-S1, creditor other than a natural person: 2.62 %), 2026-02-17 to 03-16, 28
        # days: 2 000 x 2.62 x 28 / 36500 = 4.0197 -> 4.02, no indemnity. Her SIREN is then
        # recorded: a professional owes L441-10 at 12.15 % from 2026-01-16. Penalty invoice of
        # 2026-04-15: 01-16 to 02-16, 32 days: 2 000 x 12.15 x 32 / 36500 = 21.30; 02-17 to
        # 03-16 already charged 4.02 of 2 000 x 12.15 x 28 / 36500 = 18.64 -> 14.62 more
        # (rounded totals: 21.30 + 18.64 = 39.945 -> 39.95 at 03-16, 39.95 - 21.30 - 4.02 =
        # 14.63); 03-17 to 04-15, 30 days: 59.92 - 39.95 = 19.97 (90 days: 2 000 x 12.15 x 90
        # / 36500 = 59.918 -> 59.92); and the 40 EUR. In all 4.02 + 21.30 + 14.63 + 19.97 =
        # 59.92, the L441-10 penalty of 90 days, charged once.
        anne = self.env["res.partner"].create(
            {"name": "Anne Morel", "is_company": False, "email": "anne@morel.example.fr"}
        )
        move = self._invoice(anne, 2000.0, "2025-12-16", "2026-01-15")
        self._sent_event(
            move, level_id=self.level_notice.id, date=date(2026, 2, 16), amount_due=2000.0
        )
        first = self._penalty_invoice(move, "2026-03-16")
        self.assertEqual(first.invoice_line_ids.mapped("price_unit"), [4.02])
        anne.siren = "732829320"
        second = self._penalty_invoice(move, "2026-04-15")
        self.assertEqual(second.invoice_line_ids.mapped("price_unit"), [21.3, 14.63, 19.97, 40.0])


@tagged("post_install", "-at_install")
class TestBreak17hPrescription(DunningRunCommon):
    """Issue 17 #10 with other inputs: acts that interrupt prescription (art. 2240-2241 Code
    civil) and the injonction de payer's warnings."""

    def _case(self, moves):
        """A recovery case of ``moves``, its proof checked (ready to file)."""
        return self._litigation_case(moves, litigation_type="recovery", proof_checked=True)

    def test_a_partial_payment_acknowledges_the_debt(self):
        # 1 000 due 2021-03-10: last day to act 2026-03-10 (5 years, L110-4). The customer
        # pays 200 on 2024-05-15: paying part of a debt acknowledges it (art. 2240 Code civil),
        # a new 5-year period starts (art. 2231): 2024-05-15 + 5 years = 2029-05-15. The old
        # value kept 2026-03-10.
        move = self._invoice(self.customer, 1000.0, "2021-02-10", "2021-03-10")
        self.assertEqual(move.prescription_date, date(2026, 3, 10))
        self._pay(move, 200.0, date(2024, 5, 15))
        self.assertEqual(move.payment_state, "partial")
        self.assertEqual(move.prescription_date, date(2029, 5, 15))
        # A credit note is the creditor's act, not the debtor's: no acknowledgment.
        self._credit_note(move, 100.0, date(2025, 6, 1))
        self.assertEqual(move.prescription_date, date(2029, 5, 15))
        # A payment after the last day to act does not revive a time-barred claim: due
        # 2021-01-10, time-barred after 2026-01-10; 100 paid on 2026-02-01: still 2026-01-10.
        barred = self._invoice(self.customer, 500.0, "2020-12-10", "2021-01-10")
        self._pay(barred, 100.0, date(2026, 2, 1))
        self.assertEqual(barred.prescription_date, date(2026, 1, 10))
        # A consumer (2 years, L218-2 C. consom.): due 2025-01-15, 2027-01-15; 150 paid on
        # 2026-06-01: 2028-06-01.
        consumer = self.env["res.partner"].create({"name": "Anne Morel", "is_company": False})
        private = self._invoice(consumer, 600.0, "2024-12-15", "2025-01-15")
        self.assertEqual(private.prescription_date, date(2027, 1, 15))
        self._pay(private, 150.0, date(2026, 6, 1))
        self.assertEqual(private.prescription_date, date(2028, 6, 1))

    def test_injonction_after_a_partial_payment_is_not_time_barred(self):
        # 800 due 2021-02-10, 300 paid on 2023-11-20: last day to act 2028-11-20 (art. 2240,
        # 2231). The request filed on 2026-02-20 is in time; the service deadline (6 months
        # from the filing while no order is issued, art. 1411 CPC: 2026-08-20) comes before
        # the prescription: no warning. The old value said "time-barred: its last day to act
        # was 02/10/2026".
        move = self._invoice(self.customer, 800.0, "2021-01-10", "2021-02-10")
        self._pay(move, 300.0, date(2023, 11, 20))
        with freeze_time("2026-02-20"):
            case = self._case(move)
            case.action_file()
            self.assertEqual(case.prescription_date, date(2028, 11, 20))
            self.assertFalse(case.prescription_warning)

    def test_order_served_after_its_deadline_interrupts_nothing(self):
        # 1 000 due 2022-06-10: last day to act 2027-06-10. Request filed 2025-12-20, order
        # issued 2026-01-05: to be served within 6 months (art. 1411 CPC, an order issued
        # before 2026-09-01), by 2026-07-05. Not served by then, the order is void (non
        # avenue): on 2026-07-10 the case says so. Served anyway on 2026-07-20: the service
        # of a void order is no legal action, prescription stays 2027-06-10 (old value: the
        # service restarted 5 years, 2031-07-20, and the case said nothing).
        move = self._invoice(self.customer, 1000.0, "2022-05-10", "2022-06-10")
        with freeze_time("2025-12-20"):
            case = self._case(move)
            case.action_file()
        with freeze_time("2026-01-05"):
            case.order_date = "2026-01-05"
            self.assertFalse(case.prescription_warning)
        with freeze_time("2026-07-05"):  # the last day to serve: still in time
            case.invalidate_recordset(["prescription_warning"])
            self.assertFalse(case.prescription_warning)
        with freeze_time("2026-07-10"):
            case.invalidate_recordset(["prescription_warning"])
            self.assertIn(
                "The order of 01/05/2026 was not served by 07/05/2026: it is void",
                case.prescription_warning,
            )
        with freeze_time("2026-07-20"):
            case.service_date = "2026-07-20"
            self.assertRecordValues(
                move,
                [{"prescription_interruption_date": False, "prescription_date": date(2027, 6, 10)}],
            )
            self.assertIn("art. 1411", case.prescription_warning)
        # seen right: an order of 2026-09-15 (after décret 2026-96) is served within 3
        # months, by 2026-12-15; served on 2026-12-15, prescription restarts: 2031-12-15
        other = self._invoice(self.customer, 500.0, "2022-09-01", "2022-10-01")
        with freeze_time("2026-09-01"):
            second = self._case(other)
            second.action_file()
        with freeze_time("2026-12-15"):
            second.write({"order_date": "2026-09-15", "service_date": "2026-12-15"})
            self.assertEqual(other.prescription_date, date(2031, 12, 15))
            self.assertFalse(second.prescription_warning)


@tagged("post_install", "-at_install")
class TestBreak17hFirstRunPreview(DunningRunCommon):
    """Issue 17 #11 and #12 with other inputs: the run wizard's preview shows what the run
    sends, by the channel it is sent by."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.dunning_first_run_date = False  # the company's first run is to make

    def test_preview_shows_the_letter_sent_instead_of_an_email(self):
        # The book on 2026-04-10: five customers with 1 000 due 2026-03-01 (40 days late: the
        # last call, an email level, 30 days; the formal notice at 45 days not yet due).
        # Nobody was ever reminded: the first run sends the last call (the highest amicable
        # level). Normal has a usable address: an email. NoEmail has no address, Bouncing's
        # address bounces, BadAddress's "compta.badaddress.example.fr" has no "@": each gets a
        # letter to print and post. ViaContact has no address, its invoicing contact has one:
        # an email to the contact. The old preview said "Email" on all five lines (the level's
        # channel) while three letters were sent.
        Partner = self.env["res.partner"]
        normal = self._customer("Normal")
        no_email = self._customer("NoEmail", email=False)
        bouncing = self._customer("Bouncing", message_bounce=3)
        bad = self._customer("BadAddress", email="compta.badaddress.example.fr")
        via_contact = self._customer("ViaContact", email=False)
        Partner.create(
            {
                "name": "Service comptable",
                "parent_id": via_contact.id,
                "type": "invoice",
                "email": "factures@viacontact.example.fr",
            }
        )
        customers = normal | no_email | bouncing | bad | via_contact
        for customer in customers:
            self._invoice(customer, 1000.0, "2026-02-01", "2026-03-01")
        expected = {
            "Normal": "email",
            "NoEmail": "letter",
            "Bouncing": "letter",
            "BadAddress": "letter",
            "ViaContact": "email",
        }
        with freeze_time("2026-04-10"):
            wizard = (
                self.env["recouvrement.dunning.run"]
                .with_user(self.controller)
                .create({"date": "2026-04-10"})
            )
            self.assertTrue(wizard.is_first_run)
            wizard.action_preview()
            self.assertEqual(wizard.line_ids.level_id, self.level_last_call)
            self.assertEqual(
                {line.partner_id.name: line.channel for line in wizard.line_ids}, expected
            )
            wizard.first_run_confirmed = True
            wizard.action_execute()
        self.assertEqual(
            {event.partner_id.name: event.channel for event in wizard.event_ids}, expected
        )

    def test_first_run_summary_counts_what_is_sent_in_two_currencies(self):
        # Seen right. The book on 2026-04-10 (1 EUR = 1.10 USD until 2026-03-31, 1.25 from
        # 2026-04-01): Normal owes 1 000 EUR and Yankee 1 100 USD, both due 2026-03-01 (40
        # days late: the last call). A reminder claims in company currency at the rate of its
        # date: 1 100 / 1.25 = 880.00 EUR; the first run's summary adds what is sent:
        # 1 000 + 880 = 1 880.00 EUR (not 2 100.00, the dollars taken as euros).
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 1.10), ("2026-04-01", 1.25)])
        normal, yankee = self._customer("Normal"), self._customer("Yankee")
        self._invoice(normal, 1000.0, "2026-02-01", "2026-03-01")
        self._invoice(yankee, 1100.0, "2026-02-01", "2026-03-01", currency=usd)
        with freeze_time("2026-04-10"):
            wizard = (
                self.env["recouvrement.dunning.run"]
                .with_user(self.controller)
                .create({"date": "2026-04-10"})
            )
            wizard.action_preview()
            self.assertEqual(
                str(wizard.level_summary).split("<tbody>")[1],
                '<tr><td>Last call</td><td class="text-end">2</td>'
                '<td class="text-end">1,880.00\xa0€</td></tr></tbody></table>',
            )
            wizard.first_run_confirmed = True
            wizard.action_execute()
        self.assertEqual(
            sorted((e.partner_id.name, e.amount_due, e.currency_id.name) for e in wizard.event_ids),
            [("Normal", 1000.0, "EUR"), ("Yankee", 880.0, "EUR")],
        )


@tagged("post_install", "-at_install")
class TestBreak17hPenaltiesForOverlappingCustomers(PenaltyTwoCursorsCommon):
    """Issue 17 #7 with other inputs: two users invoice penalties at once (two cursors,
    committed data) for overlapping sets of customers: the first for X and Y, the second for
    Y and Z, each customer with one invoice of 1 000 due 30 days ago. Seen right: the second
    waits for the first's locks and fails with a serialization error, which Odoo's request
    handling retries; the retry charges Z only. Y is charged once."""

    partner_name = "Scierie X"

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            others = env["res.partner"].create(
                [{"name": name, "is_company": True} for name in ("Scierie Y", "Scierie Z")]
            )
            self.other_partner_ids = others.ids
            self.other_ids = [
                post_invoice(
                    env, partner, self.today - timedelta(days=60), self.today - timedelta(days=30)
                ).id
                for partner in others
            ]

    def _clean_up_records(self, env):
        partner_ids = [self.partner_id, *self.other_partner_ids]
        self._delete_penalties_and_invoices(env, partner_ids, self.other_ids)
        env["res.partner"].browse(self.other_partner_ids).unlink()

    def test_two_users_invoice_penalties_for_overlapping_customers(self):
        move_x, move_y, move_z = [self.move_id, *self.other_ids]
        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # its snapshot is taken before the other one commits
        first = self._charge(env2, [move_x, move_y])
        env2.cr.commit()
        # one penalty invoice per customer: X and Y
        self.assertEqual(len(first), 2)
        second = retried(self, env1, lambda env: self._charge(env, [move_y, move_z]))
        self.assertEqual(second.partner_id.ids, [self.other_partner_ids[1]])
        self.assertEqual(second.invoice_line_ids.penalty_source_move_id.ids, [move_z])
        # each invoice charged once: its penalty line and its indemnity line
        lines = env1["account.move.line"].search(
            [("penalty_source_move_id", "in", [move_x, move_y, move_z])]
        )
        self.assertEqual(
            sorted(lines.mapped("penalty_source_move_id").ids), sorted([move_x, move_y, move_z])
        )
        self.assertEqual(len(lines), 6)
