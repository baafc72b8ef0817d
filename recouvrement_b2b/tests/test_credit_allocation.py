"""Issue 17, left open by stop 28 (NOTE12): a customer's open credits are shared by one rule
(``recouvrement.dunning._allocate_open_credits``) between its open litigation cases, oldest
claim first (art. 1342-10 Code civil), and every other document (reminders, payment plans,
claim declarations): each credit is deducted once in all. Values by hand in each test."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import DunningRunCommon


@tagged("post_install", "-at_install")
class TestCreditAllocation(DunningRunCommon):
    """Invoices of 2026 to a customer, a credit note of 1 000 unmatched, reading on 20 April
    2026 (every invoice below is past due then)."""

    DAY = "2026-04-20"

    def _cases(self, *moves):
        """One open litigation case per invoice of ``moves``, in that order."""
        return [self._litigation_case(move) for move in moves]

    def _count_queries(self, function):
        """Queries of ``function()`` on a cold cache, the final flush included."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_two_cases_share_one_credit_oldest_claim_first(self):
        # Credit note 1 000 unmatched; case A (invoice due 4 February) claims 600, case B
        # (due 3 March) 700; C 500 due 31 March is reminded. The credit goes to the oldest
        # claim first: A 600, B the rest 1 000 - 600 = 400 (was 700: each case deducted the
        # credit up to its own claim, 1 300 in all for a credit of 1 000); the reminder of
        # C deducts 0 and claims 500. The agency's list of B: 700 - 400.
        customer = self._customer("Deux Dossiers")
        move_a = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
        move_b = self._invoice(customer, 700.0, "2026-02-01", "2026-03-03")
        self._invoice(customer, 500.0, "2026-03-01", "2026-03-31")
        self._refund(customer, 1000.0, "2026-03-10")
        with freeze_time(self.DAY):
            case_a, case_b = self._cases(move_a, move_b)
            self.assertEqual(
                [(case.amount_residual, case.open_credit_amount) for case in (case_a, case_b)],
                [(600.0, 600.0), (700.0, 400.0)],
            )
            self.assertEqual(
                case_b._get_handover_invoice_rows()[-1],
                ["Open credits deducted", "", "", "", "", "-400.00", "", "", "EUR"],
            )
        [item] = self._plan(self.DAY, partners=customer)
        self.assertEqual((item["open_credit"], item["amount_net"]), (0.0, 500.0))

    def test_one_case_takes_its_claim_the_reminder_the_rest(self):
        # Credit note 1 000; one case claims 600 (due 4 February); C 900 due 31 March: the
        # case deducts its claim, 600, the reminder of C the rest, 400: it claims
        # 900 - 400 = 500 and lists the credit at 400.00.
        customer = self._customer("Un Dossier")
        move_a = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
        self._invoice(customer, 900.0, "2026-03-01", "2026-03-31")
        self._refund(customer, 1000.0, "2026-03-10")
        with freeze_time(self.DAY):
            [case] = self._cases(move_a)
            self.assertEqual(case.open_credit_amount, 600.0)
        [item] = self._plan(self.DAY, partners=customer)
        self.assertEqual((item["open_credit"], item["amount_net"]), (400.0, 500.0))
        credit = item["credit_lines"]
        self.assertEqual(
            self.Dunning._get_deducted_residuals(item, credit, credit), (-400.0, -400.0)
        )

    def test_write_off_matches_the_cases_share_only(self):
        # Credit note 1 000; case A claims 600 (older), case B 700. B written off on 20 April:
        # it matches its share, 400, with its invoice and writes off 700 - 400 = 300 (was:
        # the whole credit matched with B, 700, nothing left to write off, and A's share
        # gone); 600 of the credit stays open, A still deducts 600.
        customer = self._customer("Perte Partagee")
        move_a = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
        move_b = self._invoice(customer, 700.0, "2026-02-01", "2026-03-03")
        refund = self._refund(customer, 1000.0, "2026-03-10")
        with freeze_time(self.DAY):
            case_a, case_b = self._cases(move_a, move_b)
            case_b.litigation_type = "recovery"
            self._close_written_off(case_b)
            bad_debt = case_b.write_off_move_id.line_ids.filtered(lambda ln: ln.balance > 0)
            self.assertEqual(sum(bad_debt.mapped("balance")), 300.0)
            self.assertEqual(refund.amount_residual, 600.0)
            case_a.invalidate_recordset(["open_credit_amount"])
            self.assertEqual(case_a.open_credit_amount, 600.0)

    def test_case_list_query_count(self):
        # Reading the deducted credits of a list of 2 cases and of 6 cases: the same queries
        # (one allocation for all); each customer has 600 claimed and a credit of 1 000:
        # each case deducts 600.
        counts = []
        for size in (2, 6):
            cases = self.env["recouvrement.litigation"]
            for index in range(size):
                customer = self._customer(f"Liste {size} {index}")
                move = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
                self._refund(customer, 1000.0, "2026-03-10")
                cases |= self._litigation_case(move)
            with freeze_time(self.DAY):
                self._count_queries(lambda cases=cases: cases.mapped("open_credit_amount"))
                counts.append(
                    self._count_queries(lambda cases=cases: cases.mapped("open_credit_amount"))
                )
                self.assertEqual(cases.mapped("open_credit_amount"), [600.0] * size)
        self.assertEqual(counts[0], counts[1], "a query per case")

    def test_plan_gets_what_the_cases_left(self):
        # Credit note 1 000; a case claims 600 (due 4 February); a payment plan on P 900
        # (due 31 March), made on 20 April without penalties: it deducts what the case left,
        # 1 000 - 600 = 400 (was 1 000, the case's 600 deducted twice), and schedules
        # 900 - 400 = 500. Signed, it matches 400 of the credit with P, no more (was the
        # whole 900 of P): P 500 left, 600 of the credit left open for the case.
        customer = self._customer("Plan Et Dossier")
        move_a = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
        move_p = self._invoice(customer, 900.0, "2026-03-01", "2026-03-31")
        refund = self._refund(customer, 1000.0, "2026-03-10")
        with freeze_time(self.DAY):
            [case] = self._cases(move_a)
            with Form(self._plan_wizard(move_p)) as form:
                form.instalment_count = 2
                form.first_date = date(2026, 5, 30)
                form.include_penalties = False
                self.assertEqual((form.amount_credits, form.amount_total), (400.0, 500.0))
            action = form.record.action_create_plan()
            plan = self.env["recouvrement.payment.plan"].browse(action["res_id"])
            self.assertRecordValues(
                plan, [{"amount_invoices": 900.0, "amount_credits": 400.0, "amount_total": 500.0}]
            )
            self.assertEqual(plan.credit_ids.mapped("amount"), [400.0])
            self.assertEqual(sum(plan.line_ids.mapped("amount")), 500.0)
            plan.signature_date = date(2026, 4, 20)
            plan.action_activate()
            self.assertEqual(move_p.amount_residual, 500.0)
            self.assertEqual(refund.amount_residual, 600.0)
            case.invalidate_recordset(["open_credit_amount"])
            self.assertEqual(case.open_credit_amount, 600.0)

    def _declaration(self, customer):
        """The draft claim declaration of ``customer``, in redressement judiciaire from the
        judgment of 15 April 2026, published on 20 April, read on 20 April."""
        customer.write({"collective_proceedings": "redressement", "proceedings_date": "2026-04-15"})
        return self.env["recouvrement.claim.declaration"].create(
            {"partner_id": customer.id, "publication_date": self.DAY}
        )

    def test_declaration_deducts_a_credit_once_whole_with_its_case(self):
        # Product decision (README): a déclaration de créance declares every claim born
        # before the judgment, those of a litigation case included, and deducts each credit
        # once, whole. Credit note 1 000 of 10 March; case on A 600 (due 4 February) and D
        # 900 (due 31 March) declared with it: principal 1 500 - 1 000 = 500.
        customer = self._customer("Declare Dossier")
        move_a = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
        self._invoice(customer, 900.0, "2026-03-01", "2026-03-31")
        self._refund(customer, 1000.0, "2026-03-10")
        with freeze_time(self.DAY):
            self._cases(move_a)
            declaration = self._declaration(customer)
            self.assertRecordValues(
                declaration, [{"open_credit_amount": 1000.0, "principal_amount": 500.0}]
            )

    def test_declaration_gets_what_a_case_it_does_not_declare_left(self):
        # Credit note 1 000 of 10 March; D 900 dated 1 March (due 31 March) born before the
        # judgment of 15 April, declared; E 600 dated 16 April due 17 April, born after it,
        # not declared, in a litigation case on 20 April (due 3 days before). The credit
        # goes to the case's claim first (600, README, product decisions): the declaration
        # deducts what the case left, 400 (was 1 000, the case's 600 deducted twice),
        # principal 900 - 400 = 500.
        customer = self._customer("Declare Apres")
        self._invoice(customer, 900.0, "2026-03-01", "2026-03-31")
        move_e = self._invoice(customer, 600.0, "2026-04-16", "2026-04-17")
        self._refund(customer, 1000.0, "2026-03-10")
        with freeze_time(self.DAY):
            [case] = self._cases(move_e)
            declaration = self._declaration(customer)
            self.assertEqual(declaration.move_ids.mapped("amount_total"), [900.0])
            self.assertEqual(case.open_credit_amount, 600.0)
            self.assertRecordValues(
                declaration, [{"open_credit_amount": 400.0, "principal_amount": 500.0}]
            )

    def test_credits_in_two_currencies_one_case_in_each(self):
        # 1 EUR = 1.25 USD. Euro: credit note 1 000 EUR, case on 600 EUR, C 500 EUR
        # reminded. Dollar: credit note 500 USD (400 EUR), case on 1 000 USD (800 EUR), no
        # other dollar invoice. Each credit pays only its own currency (art. 1347-1 Code
        # civil): the euro case deducts 600, the dollar case 400 EUR (its whole dollar
        # credit, 500 / 1.25); the reminder of C deducts what is left of the euro credit,
        # 400, and claims 500 - 400 = 100 (under the standard ladder's minimums: nothing
        # sent; read on the allocation itself). Nothing of the euro credit goes to the
        # dollar case (was: each case read every credit of its currency, right; the
        # allocation keeps it).
        usd = self.setup_other_currency("USD", rates=[("2000-01-01", 1.25)])
        customer = self._customer("Deux Monnaies")
        move_eur = self._invoice(customer, 600.0, "2026-01-05", "2026-02-04")
        move_usd = self._invoice(customer, 1000.0, "2026-01-05", "2026-02-04", currency=usd)
        self._invoice(customer, 500.0, "2026-03-01", "2026-03-31")
        self._refund(customer, 1000.0, "2026-03-10")
        refund_usd = self._refund(customer, 500.0, "2026-03-10")
        refund_usd.button_draft()
        refund_usd.currency_id = usd
        refund_usd.action_post()
        with freeze_time(self.DAY):
            case_eur, case_usd = self._cases(move_eur, move_usd)
            self.assertEqual(
                [(c.amount_residual, c.open_credit_amount) for c in (case_eur, case_usd)],
                [(600.0, 600.0), (800.0, 400.0)],
            )
            Dunning = self.env["recouvrement.dunning"]
            credits = Dunning._get_open_credits(move_eur)
            amounts = Dunning._get_line_amounts(
                self.env["account.move.line"].union(*credits.values()), date(2026, 4, 20)
            )
            left, taken, _shares = Dunning._allocate_open_credits(
                credits, amounts, date(2026, 4, 20)
            )
        self.assertEqual(
            {key[2]: -sum(amounts[line.id] for line in lines) for key, lines in left.items()},
            {self.company.currency_id.id: 400.0},
        )
        self.assertEqual(
            {case_id: sum(parts.values()) for case_id, parts in taken.items()},
            {case_eur.id: 600.0, case_usd.id: 400.0},
        )
