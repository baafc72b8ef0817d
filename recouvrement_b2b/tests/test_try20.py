"""Fresh tester of stop 20 (try20), issue 17: the collection page must ask exactly what the
reminders claim (commit ac179e5, ``recouvrement.customer._get_portal_nets``), tried with inputs
no other test uses. Faults (failing on the candidate) in ``TestTry20Faults``, checks that pass
(regression guards) in ``TestTry20Checks``. Values by hand in each test."""

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, tagged

from .test_plan_penalties import PlanPenaltiesCommon


class Try20Common(PlanPenaltiesCommon):
    """The standard ladder; one invoice of 1 000 EUR dated 1 February 2026, due 1 March
    (``self.move``, of ``self.customer``), and the helpers of a payment plan on it."""

    def _page(self, partner, day):
        with freeze_time(day):
            return self.env["recouvrement.customer"]._get_portal_values(
                partner, fields.Date.to_date(day)
            )

    def _group(self, partner, day):
        [group] = self._page(partner, day)["companies"]
        return group

    def _figures(self, group):
        return group["due"], group["payable"], group["open_credit"], group["disputed"]

    def _claims(self, partner, day):
        """``[(level name, amount_net, open_credit, amount_disputed)]`` of the dunning plan of
        ``partner`` on ``day``."""
        with freeze_time(day):
            plan = self.env["recouvrement.dunning"]._get_plan(
                fields.Date.to_date(day), partners=partner
            )
        return [
            (item["level"].name, item["amount_net"], item["open_credit"], item["amount_disputed"])
            for item in plan
        ]

    def _in_redressement(self, partner, judgment):
        partner.write({"collective_proceedings": "redressement", "proceedings_date": judgment})

    def _opening_entry(self, partner, amount, day):
        """A posted journal entry (an opening balance taken over from the former software)
        debiting ``partner``'s receivable by ``amount`` on ``day``: an open debt that is no
        customer invoice."""
        receivable = partner.property_account_receivable_id
        journal = self.company_data["default_journal_misc"]
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "date": day,
                "line_ids": [
                    Command.create(
                        {
                            "name": "Reprise de solde",
                            "account_id": receivable.id,
                            "partner_id": partner.id,
                            "debit": amount,
                            "date_maturity": day,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Reprise de solde",
                            "account_id": self.company_data["default_account_revenue"].id,
                            "credit": amount,
                        }
                    ),
                ],
            }
        )
        entry.action_post()
        return entry


@tagged("post_install", "-at_install")
class TestTry20Faults(Try20Common):
    def test_f1_page_of_a_debtor_with_pre_judgment_claims_only(self):
        # Customer in redressement from 15 Feb 2026; its only open invoice D 900 due 10 Feb
        # is born before the judgment (frozen: not shown, not payable, L622-7 / L622-21). The
        # collection page must open (nothing to pay: 0.00). Found: KeyError in
        # _get_portal_values (the "credits only" branch sums day_amounts of EVERY statement
        # item of the company, the pre-judgment invoice's line included, which has no
        # day amount) -> the page is a server error. Right: the page opens, asks 0.00.
        debtor = self._customer("Fonderie Gel")
        self._invoice(debtor, 900.0, "2026-01-11", "2026-02-10")
        self._in_redressement(debtor, "2026-02-15")
        page = self._page(debtor, "2026-03-10")
        self.assertEqual(
            (page["lines"], [group["payable"] for group in page["companies"]]), ([], [0.0])
        )

    def test_f2_page_with_only_an_opening_balance_entry_and_a_credit(self):
        # A customer taken over from the former software: an opening-balance entry of 500
        # (receivable debit, journal entry, no invoice) on 1 Jan 2026 and a credit note of
        # 200 of 5 Jan. No customer invoice. Found: KeyError (same branch: the entry's line
        # has no day amount). Right: the page opens (the credit listed in the statement),
        # nothing asked (no invoice shown).
        customer = self._customer("Scierie Reprise")
        self._opening_entry(customer, 500.0, "2026-01-01")
        self._open_credit_note(customer, 200.0, "2026-01-05")
        page = self._page(customer, "2026-03-10")
        self.assertEqual(
            (page["lines"], [group["payable"] for group in page["companies"]]), ([], [0.0])
        )

    def test_f3_signed_plan_invoice_not_asked_now(self):
        # Invoice 1 000 due 1 Mar; payment plan signed 20 Mar: 2 x 500 on 30 Apr and 30 May
        # (no credit, penalties not included). On 10 Apr nothing of the plan is due: the
        # reminders claim nothing (the invoice is in a plan, out of the ladder) and the one
        # allocation counts the invoice as not yet due (README: "an invoice in a signed
        # payment plan counts as not yet due (the plan gave new terms)"; "its instalments
        # replace the invoices' due dates"). Found: the page shows the invoice 40 days late,
        # "Due now" 1 000.00 and payable 1 000.00 on 10 Apr, and again 1 000.00 on 5 May.
        # Right: 0.00 on 10 Apr (the plan's first 500 falls due on 30 April), 500.00 on 5 May
        # (the first instalment, the second not due before 30 May).
        # Code: recouvrement.customer._get_portal_values / _get_portal_nets read the
        # invoice's own date_maturity, ignoring account.move.payment_plan_id.
        plan = self._plan(include_penalties=False)
        self.assertEqual(plan.line_ids.mapped("amount"), [500.0, 500.0])
        self.assertEqual(self._claims(self.customer, "2026-04-10"), [])
        payable = [
            self._group(self.customer, day)["payable"] for day in ("2026-04-10", "2026-05-05")
        ]
        self.assertEqual(payable, [0.0, 500.0])

    def test_f4_pre_judgment_claim_due_after_a_later_invoice(self):
        # Judgment (redressement) of 15 Feb 2026. D 900 invoiced 10 Feb (before the
        # judgment: declared) due 10 Apr; E 600 invoiced 20 Feb (after it) due 1 Mar; a credit
        # note of 1 000 dated 5 Feb (before the judgment). On 20 Apr the declaration deducts
        # 900 from D (its principal), and the one allocation, ordering by due date only,
        # gives E 600 first: E's page asks 0.00 (600.00 of credits deducted) and no reminder
        # claims E. Found: 900 + 600 = 1 500 deducted of a credit of 1 000 (the credit counted
        # twice, the fault the README's D/E example fixed, here with D due after E). Right
        # (README: "a claim born before the customer's opening judgment takes its share of the
        # credits born before the judgment (its claim declaration deducts them)"; R622-23: the
        # claim as it stood at the judgment, when E did not exist): the declaration deducts
        # 900, E is asked 600 - 100 = 500.00 (100.00 of credits), as in the README's example.
        # Code: recouvrement.dunning._allocate_credits_to_debts (order) vs
        # recouvrement.claim.declaration._get_open_credit_at_judgment (what the cases leave).
        debtor = self._customer("Textiles Echeance Longue")
        self._invoice(debtor, 900.0, "2026-02-10", "2026-04-10")
        self._invoice(debtor, 600.0, "2026-02-20", "2026-03-01")
        self._open_credit_note(debtor, 1000.0, "2026-02-05")
        self._in_redressement(debtor, "2026-02-15")
        mandataire = self.env["res.partner"].create({"name": "Me Mandataire Try20"})
        with freeze_time("2026-04-20"):
            declaration = self._declare_claims(debtor, mandataire, "2026-02-20")
            lines = declaration._get_declaration_lines()
            declared = declaration._get_deducted_open_credit(lines)
        self.assertEqual([line["principal"] for line in lines], [900.0])
        group = self._group(debtor, "2026-04-20")
        self.assertEqual((declared, group["open_credit"], group["payable"]), (900.0, 100.0, 500.0))

    def test_f5_plan_on_a_disputed_invoice_with_a_credit(self):
        # Invoice 1 000 due 1 Mar, 400 of it under an open dispute (5 Mar); credit note of 700
        # (10 Feb). Plan made on 20 Mar, 2 monthly instalments, penalties left out. The one
        # allocation gives the credit to the undisputed 600 only (100 left free), and the
        # plan deducts that share: found amount_credits 600.00, amount_total 400.00 (2 x
        # 200): the plan schedules exactly the disputed part the collection page says is
        # "not asked while we examine it" (page: 0.00 to pay now, 400.00 under dispute), and
        # more than the customer's net balance (1 000 - 700 = 300). Right (LEGAL.md open
        # credits: never more than the net balance; README "A payment plan asks only the
        # net balance"): the plan asks at most 300.00 (the disputed part scheduled, the whole
        # credit deducted), or nothing (the undisputed part covered: refused, naming the
        # credit). Code: recouvrement.payment.plan._get_open_credit_parts takes the
        # allocation's share (undisputed part) while amount_invoices keeps the disputed part.
        with freeze_time("2026-03-05"):
            self.env["recouvrement.dispute"].create(
                {"move_id": self.move.id, "reason": "price", "amount": 400.0}
            )
        self._open_credit_note(self.customer, 700.0, "2026-02-10")
        group = self._group(self.customer, "2026-03-20")
        self.assertEqual(self._figures(group), (300.0, 0.0, 700.0, 400.0))
        try:
            plan = self._draft_plan(include_penalties=False)
        except UserError:
            return  # refused: the credits cover what may be asked (right)
        self.assertLessEqual(plan.amount_total, 300.0)

    def test_f6_page_asks_a_cent_the_reminders_do_not(self):
        # Invoice 1 000 dated 1 Jan 2026 in three instalments (33.33 % / 33.33 % / 33.34 %
        # at 30 / 60 / 90 days: 333.30 due 31 Jan, 333.30 due 2 Mar, 333.40 due 1 Apr), 10 of
        # it under an open dispute, a credit note of 990 (10 Jan). On 10 Apr everything is
        # due: 1 000 - 10 disputed - 990 credit = 0.00; the reminders claim nothing (plan
        # empty). Found: the page asks "To pay now" 0.01 (each instalment's disputed part,
        # 3.333 / 3.333 / 3.334, is not rounded, the allocation rounds each rest to the cent,
        # and the page clamps each instalment at zero before summing: 333.40 - 3.334 - 330.06
        # = 0.006 -> 0.01). Right: 0.00, as the reminders (LEGAL.md open credits: never more
        # than the net balance). Code: recouvrement.customer._get_portal_nets (per-line
        # max(value - held - share, 0)).
        customer = self._customer("Imprimerie Centime")
        term = self._term((33.33, 30), (33.33, 60), (33.34, 90))
        move = self._invoice_with_term(customer, 1000.0, "2026-01-01", term)
        self._open_credit_note(customer, 990.0, "2026-01-10")
        with freeze_time("2026-02-10"):
            self.env["recouvrement.dispute"].create(
                {"move_id": move.id, "reason": "price", "amount": 10.0}
            )
        self.assertEqual(self._claims(customer, "2026-04-10"), [])
        group = self._group(customer, "2026-04-10")
        self.assertEqual((group["payable"], group["disputed"]), (0.0, 10.0))

    def test_f7_credit_dated_on_the_judgment_day(self):
        # Judgment (redressement) of 15 Feb 2026. D 900 invoiced 11 Jan due 10 Feb (before
        # the judgment: declared), E 600 invoiced 20 Feb due 1 Mar (after it); a credit note
        # of 1 000 dated 15 Feb, the judgment day. The one allocation counts it as born before
        # the judgment (``line.date > judgment date`` is false) and gives D 900, E 100: E's
        # reminder and page ask 500.00 (100.00 of credits); the declaration counts it as born
        # after (``line.date < judgment_date`` is false) and deducts 0.00 from D. Found: 900
        # declared + 500 asked = 1 400 claimed, 100 of the credit of 1 000 deducted (900 of it
        # nowhere). Right: the credit is deducted once, whole: either born before (the
        # declaration deducts 900, E asks 500: 900 + 100 = 1 000 deducted) or born after (it
        # pays E only: the declaration 0, E asked 0.00, 600 + 400 left = 1 000 shown
        # deducted on the page); never 100. Code: recouvrement.dunning
        # ._allocate_credits_to_debts vs recouvrement.claim.declaration
        # ._get_open_credit_at_judgment (the judgment day on opposite sides).
        debtor = self._customer("Textiles Jour Du Jugement")
        self._invoice(debtor, 900.0, "2026-01-11", "2026-02-10")
        self._invoice(debtor, 600.0, "2026-02-20", "2026-03-01")
        self._open_credit_note(debtor, 1000.0, "2026-02-15")
        self._in_redressement(debtor, "2026-02-15")
        mandataire = self.env["res.partner"].create({"name": "Me Mandataire Try20 Bis"})
        with freeze_time("2026-04-20"):
            declaration = self._declare_claims(debtor, mandataire, "2026-02-20")
            lines = declaration._get_declaration_lines()
            declared = declaration._get_deducted_open_credit(lines)
        self.assertEqual([line["principal"] for line in lines], [900.0])
        group = self._group(debtor, "2026-04-20")
        self.assertEqual(declared + group["open_credit"], 1000.0)

    def test_f8_pre_judgment_penalty_invoice_takes_credit_the_declaration_ignores(self):
        # D 900 invoiced 2 Jan due 10 Jan; its penalty invoice P of 10 Feb (49.29: 9.29 of
        # penalties + 40.00 indemnity), both born before the judgment (redressement) of 15 Feb;
        # E 600 invoiced 20 Feb due 1 Mar (after it); a credit note of 1 000 of 5 Feb
        # (before it). On 20 Apr the one allocation gives D 900, P 49.29, E 50.71: E's page and
        # last call ask 549.29. The declaration declares D: 900 + 10.49 of penalties (P's
        # 9.29 + 1.20 accrued to the judgment) + 40.00 (P's indemnity) = 950.49, less 900 of
        # credit (up to the principal only): 50.49. Found: 50.49 + 549.29 = 599.78 claimed.
        # Right by hand: 900 + 49.29 + 1.20 + 600 - 1 000 = 550.49 (each credit deducted once,
        # whole, README "One rule shares the open credits"): P's 49.29 share of the credit is
        # deducted nowhere. Code: recouvrement.claim.declaration._get_deducted_open_credit
        # (credits only up to the principal, penalty invoices left out) vs
        # recouvrement.dunning._allocate_credits_to_debts (penalty invoices take a share).
        debtor = self._customer("Textiles Penalite Avant")
        move_d = self._invoice(debtor, 900.0, "2026-01-02", "2026-01-10")
        penalty = self._penalty_invoice(move_d, "2026-02-10")
        self.assertEqual(penalty.amount_total, 49.29)
        self._invoice(debtor, 600.0, "2026-02-20", "2026-03-01")
        self._open_credit_note(debtor, 1000.0, "2026-02-05")
        self._in_redressement(debtor, "2026-02-15")
        mandataire = self.env["res.partner"].create({"name": "Me Mandataire Try20 Ter"})
        with freeze_time("2026-04-20"):
            declaration = self._declare_claims(debtor, mandataire, "2026-02-20")
            lines = declaration._get_declaration_lines()
            declared = sum(line["total"] for line in lines)
            deducted = declaration._get_deducted_open_credit(lines)
        self.assertEqual(round(declared, 2), 950.49)
        group = self._group(debtor, "2026-04-20")
        self.assertEqual(round(declared - deducted + group["payable"], 2), 550.49)

    def test_f9_escalated_dispute_case_takes_the_credit_for_the_contested_part(self):
        # A 1 000 due 1 Feb, 400 of it disputed (10 Feb); B 500 due 20 Feb; a credit note of
        # 1 000 (10 Jan). On 10 Mar, dispute open: the credit pays A's uncontested 600 and
        # 400 of B (README: "The part an open dispute holds back is no debt the credit goes
        # to", art. 1342-10 Code civil): the firm reminder claims 100, the page asks 100.00.
        # The same day the dispute is escalated: a litigation case of type dispute on A
        # contesting the same 400 (disputed_amount 400). Found: the case takes the whole
        # credit (open_credit_amount 1 000.00, the contested 400 included), B's reminder and
        # the page ask 500.00. Right: nothing changed for the customer (the same 400 is
        # contested): the case deducts 600, B is asked 100.00. Code:
        # recouvrement.dunning._allocate_credits_to_cases (ignores the case's disputed_amount).
        customer = self._customer("Imprimerie Escalade")
        move_a = self._invoice(customer, 1000.0, "2026-01-02", "2026-02-01")
        self._invoice(customer, 500.0, "2026-01-20", "2026-02-20")
        self._open_credit_note(customer, 1000.0, "2026-01-10")
        with freeze_time("2026-02-10"):
            dispute = self.env["recouvrement.dispute"].create(
                {"move_id": move_a.id, "reason": "price", "amount": 400.0}
            )
        self.assertEqual(self._group(customer, "2026-03-10")["payable"], 100.0)
        self.assertEqual(
            self._claims(customer, "2026-03-10"), [("Firm reminder", 100.0, 1000.0, 400.0)]
        )
        with freeze_time("2026-03-10"):
            dispute.action_escalate()
        case = dispute.litigation_id
        self.assertEqual((case.litigation_type, case.disputed_amount), ("dispute", 400.0))
        self.assertEqual(
            (self._group(customer, "2026-03-10")["payable"], self._claims(customer, "2026-03-10")),
            (100.0, [("Firm reminder", 100.0, 400.0, 0.0)]),
        )

    def test_f10_opening_balance_entry_takes_no_credit(self):
        # A customer taken over from the former software: an opening-balance entry of 500
        # (receivable debit, journal entry) due 1 Jan 2026; an invoice of 300 due 1 Feb; a
        # credit note of 400 (10 Jan). Net balance 500 + 300 - 400 = 400. The one allocation
        # keys each debt by its move's commercial partner, empty on a journal entry: the
        # opening balance takes nothing, the credit pays the invoice whole (100 left over).
        # Found on 10 Mar: no reminder at all, the page asks 0.00. Right (art. 1342-10 Code
        # civil, README "to the oldest debt first" over all the customer's open debts): the
        # credit pays 400 of the opening balance (the oldest), the invoice's 300 is owed: the
        # reminder (first run, 37 days late: the last call) claims 300.00 and the page asks
        # 300.00. Code: recouvrement.dunning._allocate_credits_to_debts (key
        # ``move.commercial_partner_id`` instead of the line's partner's commercial partner,
        # as _get_open_credits and the debts search use).
        customer = self._customer("Scierie Reprise Facture")
        self._opening_entry(customer, 500.0, "2026-01-01")
        self._invoice(customer, 300.0, "2026-01-02", "2026-02-01")
        self._open_credit_note(customer, 400.0, "2026-01-10")
        self.assertEqual(
            (self._group(customer, "2026-03-10")["payable"], self._claims(customer, "2026-03-10")),
            (300.0, [("Last call", 300.0, 0.0, 0.0)]),
        )

    def test_f11_dispute_lost_part_still_asked_and_paid_by_the_credit(self):
        # A 1 000 due 1 Feb, 400 of it disputed (10 Feb), escalated on 1 Mar to a dispute
        # case, closed the same day as "Dispute lost (customer upheld)": the customer does
        # not owe those 400 (the invoice stays linked to the closed case, out of dunning,
        # until the credit note of 400 is issued: an activity asks for it). B 500 due 20 Feb;
        # a credit note of 900 (10 Jan). Found on 10 Mar: the page asks 1 500 - 900 = 600.00
        # to pay now (the 400 lost included, the credit spent on it) and B's firm reminder
        # claims 500.00 with no credit (the 900 went to A's 1 000). Right: the 400 the
        # customer won is no debt (art. 1342-10 Code civil, as an open dispute's part,
        # README): the credit pays A's 600 and 300 of B: B's reminder claims 200.00 (300.00
        # of credit) and the page asks at most 200.00. Code: recouvrement.dunning
        # ._allocate_credits_to_debts (a closed dispute_lost case's contested part counts as a
        # debt) and recouvrement.customer._get_portal_nets (asks it).
        customer = self._customer("Imprimerie Litige Perdu")
        move_a = self._invoice(customer, 1000.0, "2026-01-02", "2026-02-01")
        self._invoice(customer, 500.0, "2026-01-20", "2026-02-20")
        self._open_credit_note(customer, 900.0, "2026-01-10")
        with freeze_time("2026-02-10"):
            dispute = self.env["recouvrement.dispute"].create(
                {"move_id": move_a.id, "reason": "price", "amount": 400.0}
            )
        with freeze_time("2026-03-01"):
            dispute.action_escalate()
            wizard = Form(
                self.env["recouvrement.litigation.close"]
                .with_user(self.manager)
                .with_context(default_litigation_id=dispute.litigation_id.id)
            )
            wizard.outcome = "dispute_lost"
            wizard.save().action_confirm()
        self.assertEqual(dispute.litigation_id.outcome, "dispute_lost")
        self.assertEqual(
            self._claims(customer, "2026-03-10"), [("Firm reminder", 200.0, 300.0, 0.0)]
        )
        self.assertLessEqual(self._group(customer, "2026-03-10")["payable"], 200.0)


@tagged("post_install", "-at_install")
class TestTry20FaultsPage(Try20Common, HttpCase):
    def test_f1b_collection_page_opens_for_a_debtor_in_proceedings(self):
        # The same as test_f1 through the signed link, on the server's day: the only open
        # invoice (900, due 60 days ago) was born before the judgment of 30 days ago. Found:
        # HTTP 500 (KeyError in _get_portal_values). Right: 200, the page says there is
        # nothing to pay (no open invoice listed).
        today = fields.Date.context_today(self.env["res.partner"])
        debtor = self._customer("Fonderie Gel Page")
        self._invoice(
            debtor,
            900.0,
            fields.Date.subtract(today, days=90),
            fields.Date.subtract(today, days=60),
        )
        self._in_redressement(debtor, fields.Date.subtract(today, days=30))
        token = self.env["recouvrement.customer"]._get_collection_token(debtor)
        response = self.url_open(f"/my/collection/{debtor.id}?access_token={token}")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_collection_line", response.text)


@tagged("post_install", "-at_install")
class TestTry20Checks(Try20Common):
    """What was tried and found right: kept as regression guards."""

    def _events(self, events):
        return [
            (
                event.level_id.name,
                event.amount_due,
                event.amount_open_credit,
                event.amount_disputed,
                [
                    (c["name"], c["amount_currency"], c["amount"])
                    for c in event._get_letter_credits()
                ],
            )
            for event in events
        ]

    def test_c1_dollar_dispute_after_the_rate_moved(self):
        # 1 EUR = 1.25 USD until 28 Feb, 1.00 from 1 Mar. Invoice 1 250 USD (1 000 EUR in the
        # books) due 1 Feb, 250 USD of it disputed (200 EUR at the invoice's rate), a USD
        # credit note of 500 (10 Jan). On 3 Mar at 1.00: 1 250 - 250 - 500 = 500 EUR to pay
        # now and claimed by the last call (1 Feb + 30), 500 of credits, 250 disputed; the
        # balance 1 250 - 500 = 750.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25), ("2026-03-01", 1.0)])
        customer = self._customer("Export Taux Bouge")
        move = self._invoice(customer, 1250.0, "2026-01-02", "2026-02-01", currency=usd)
        self._open_credit_note(customer, 500.0, "2026-01-10", currency=usd)
        with freeze_time("2026-02-10"):
            self.env["recouvrement.dispute"].create(
                {"move_id": move.id, "reason": "price", "amount": 250.0}
            )
        self.assertEqual(
            self._figures(self._group(customer, "2026-03-03")), (750.0, 500.0, 500.0, 250.0)
        )
        self.assertEqual(self._claims(customer, "2026-03-03"), [("Last call", 500.0, 500.0, 250.0)])

    def test_c2_three_instalments_partial_payment_unmatched_payment_dispute(self):
        # 1 000 of 1 Jan: 300 due 31 Jan, 300 due 2 Mar, 400 due 1 Apr; 100 paid on 5 Feb
        # (the first: 200 left); an unmatched payment of 150 (20 Feb); 180 disputed, spread
        # 40 / 60 / 80 over 200 / 300 / 400. On 3 Mar: the payment pays the oldest 160
        # undisputed of the first (150); to pay now 200 - 40 - 150 + 300 - 60 = 250, 100
        # disputed of the two due, balance 900 - 150 = 750; the last call (31 Jan + 30)
        # lists both due instalments and claims the same 250.
        customer = self._customer("Menuiserie Trois Echeances")
        term = self._term((30, 30), (30, 60), (40, 90))
        move = self._invoice_with_term(customer, 1000.0, "2026-01-01", term)
        self._pay(move, 100.0, "2026-02-05")
        self._unmatched_payment(customer, 150.0, "2026-02-20")
        with freeze_time("2026-02-10"):
            self.env["recouvrement.dispute"].create(
                {"move_id": move.id, "reason": "price", "amount": 180.0}
            )
        self.assertEqual(
            self._figures(self._group(customer, "2026-03-03")), (750.0, 250.0, 150.0, 100.0)
        )
        self.assertEqual(self._claims(customer, "2026-03-03"), [("Last call", 250.0, 150.0, 100.0)])

    def test_c3_case_and_two_currencies(self):
        # 1 EUR = 1.25 USD. A 1 000 EUR due 20 Jan in a recovery case, B 625 USD (500 EUR) due
        # 1 Feb, C 300 EUR due 1 Mar; credit notes 1 200 EUR and 250 USD (200 EUR). The case
        # takes 1 000 of the euro credit, C gets 200; B gets the dollar credit: to pay on
        # 3 Mar 1 800 - 1 000 - 200 - 200 = 400 (C 100 + B 300), 1 400 of credits; the
        # reminder (B's last call, C joining) claims 400 with 400 of credits.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25)])
        customer = self._customer("Garage Cas Deux Devises")
        move_a = self._invoice(customer, 1000.0, "2026-01-02", "2026-01-20")
        self._invoice(customer, 625.0, "2026-01-02", "2026-02-01", currency=usd)
        self._invoice(customer, 300.0, "2026-02-02", "2026-03-01")
        self._open_credit_note(customer, 1200.0, "2026-01-10")
        self._open_credit_note(customer, 250.0, "2026-01-10", currency=usd)
        with freeze_time("2026-03-01"):
            self._litigation_case(move_a, litigation_type="recovery")
        self.assertEqual(
            self._figures(self._group(customer, "2026-03-03")), (400.0, 400.0, 1400.0, 0.0)
        )
        self.assertEqual(self._claims(customer, "2026-03-03"), [("Last call", 400.0, 400.0, 0.0)])

    def test_c4_two_currencies_run_and_letter_credits(self):
        # 1 EUR = 1.25 USD until 14 Feb, 1.00 from 15 Feb. A 1 000 EUR and B 1 250 USD due
        # 1 Feb; a USD credit note of 500 and an unmatched payment of 300 EUR. Run of 16 Feb
        # (firm, 1 Feb + 15): 1 000 - 300 + 1 250 - 500 = 1 450 claimed, 800 of credits,
        # printed 500 USD (500 EUR) and 300 EUR; the page asks the same.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25), ("2026-02-15", 1.0)])
        customer = self._customer("Export Deux Monnaies")
        self._invoice(customer, 1000.0, "2026-01-02", "2026-02-01")
        self._invoice(customer, 1250.0, "2026-01-02", "2026-02-01", currency=usd)
        credit = self._open_credit_note(customer, 500.0, "2026-01-10", currency=usd)
        payment = self._unmatched_payment(customer, 300.0, "2026-01-12")
        self.assertEqual(
            self._figures(self._group(customer, "2026-02-16")), (1450.0, 1450.0, 800.0, 0.0)
        )
        events = self._run("2026-02-16", partners=customer)
        self.assertEqual(
            self._events(events),
            [
                (
                    "Firm reminder",
                    1450.0,
                    800.0,
                    0.0,
                    [(credit.name, 500.0, 500.0), (payment.move_id.name, 300.0, 300.0)],
                )
            ],
        )

    def test_c5_instalments_credit_and_promise(self):
        # M 1 000 of 1 Jan in halves due 31 Jan and 2 Mar, B 400 due 14 Feb, a credit note of
        # 600 (10 Jan): M's first half takes 500, B 100. A promise on M (20 Feb) holds M. On
        # 25 Feb: the page asks 0 for M and 400 - 100 = 300 for B (balance 1 400 - 600 =
        # 800); B's courteous reminder claims 300 with 100 of credit.
        customer = self._customer("Quincaillerie Promesse")
        move = self._invoice_with_term(
            customer, 1000.0, "2026-01-01", self._term((50, 30), (50, 60))
        )
        self._invoice(customer, 400.0, "2026-01-15", "2026-02-14")
        credit = self._open_credit_note(customer, 600.0, "2026-01-10")
        with freeze_time("2026-02-20"):
            self.env["recouvrement.promise"].create(
                {
                    "partner_id": customer.id,
                    "move_ids": [Command.set(move.ids)],
                    "date": "2026-03-10",
                    "amount": 500.0,
                }
            )
        self.assertEqual(
            self._figures(self._group(customer, "2026-02-25")), (800.0, 300.0, 600.0, 0.0)
        )
        events = self._run("2026-02-25", partners=customer)
        self.assertEqual(
            self._events(events),
            [("Courteous reminder", 300.0, 100.0, 0.0, [(credit.name, 100.0, 100.0)])],
        )

    def test_c6_credit_cancelled_no_formal_notice_first(self):
        # 1 000 due 1 Feb, covered by a credit note of 1 000 (10 Jan): daily runs send
        # nothing. The credit note is cancelled on 20 Mar (47 days late): that day's run sends
        # the last call for 1 000 (the highest amicable level), not a formal notice (issue 17
        # #12: a formal notice only after a delivered reminder).
        customer = self._customer("Scierie Avoir Annule")
        self._invoice(customer, 1000.0, "2026-01-02", "2026-02-01")
        refund = self._open_credit_note(customer, 1000.0, "2026-01-10")
        sent = []
        for day in ("2026-02-02", "2026-02-16", "2026-03-03", "2026-03-18"):
            sent += self._events(self._run(day, partners=customer))
        self.assertEqual(sent, [])
        refund.button_draft()
        refund.button_cancel()
        self.assertEqual(
            self._events(self._run("2026-03-20", partners=customer)),
            [("Last call", 1000.0, 0.0, 0.0, [])],
        )
