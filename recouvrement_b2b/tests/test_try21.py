"""Fresh tester of stop 21 (try21), issue 17: the one allocation of open credits
(``recouvrement.dunning._allocate_open_credits``) tried with inputs no other test uses.
Faults (failing on the candidate) in ``TestTry21Faults``, checks that pass (regression guards)
in ``TestTry21Checks``. Values by hand in each test."""

from freezegun import freeze_time

from odoo import fields
from odoo.modules.migration import load_script
from odoo.tests import tagged
from odoo.tools import SQL

from .common import letter_page
from .test_try20 import Try20Common


@tagged("post_install", "-at_install")
class TestTry21Faults(Try20Common):
    def test_f1_case_on_pre_judgment_invoice_takes_a_credit_born_after(self):
        # D 900 invoiced 2 Jan due 10 Jan, a recovery case opened on it on 1 Feb; the
        # customer's redressement judgment of 15 Feb; E 600 invoiced 20 Feb due 1 Mar (after
        # the judgment); a credit note of 1 000 dated 1 Mar (born AFTER the judgment). On
        # 20 Apr. Rule (README "a credit born after it pays the later invoices only (L622-7
        # Code de commerce)"; _allocate_credits_to_debts skips pre-judgment debts for such a
        # credit): the credit pays E whole (600), 400 left; D takes nothing of it (the
        # declaration deducts 0 from D, own_moves). Found: the case step
        # (_allocate_credits_to_cases) ignores the judgment: the case on D takes 900 of the
        # credit born after, E gets only 100: E's reminder and the page ask 500.00 while the
        # declaration declares D's 900 with 0 deducted: 900 + 500 = 1 400 claimed for
        # 1 500 - 1 000 = 500 of balance (the credit deducted from D by the case, not by the
        # declaration, and from E by nobody). Right: case 0.00, E asked 0.00, declaration
        # deducts 0.00 (900 declared, 400 of credit left unused).
        debtor = self._customer("Textiles Dossier Avant Jugement")
        move_d = self._invoice(debtor, 900.0, "2026-01-02", "2026-01-10")
        with freeze_time("2026-02-01"):
            case = self._litigation_case(move_d, litigation_type="recovery")
        self._in_redressement(debtor, "2026-02-15")
        self._invoice(debtor, 600.0, "2026-02-20", "2026-03-01")
        self._open_credit_note(debtor, 1000.0, "2026-03-01")
        mandataire = self.env["res.partner"].create({"name": "Me Mandataire Try21"})
        with freeze_time("2026-04-20"):
            declaration = self._declare_claims(debtor, mandataire, "2026-02-20")
            lines = declaration._get_declaration_lines()
            declared = declaration._get_deducted_open_credit(lines)
            case.invalidate_recordset(["open_credit_amount"])
            case_credit = case.open_credit_amount
        self.assertEqual([line["principal"] for line in lines], [900.0])
        claims = [amount for _level, amount, _credit, _disp in self._claims(debtor, "2026-04-20")]
        group = self._group(debtor, "2026-04-20")
        self.assertEqual((declared, case_credit, claims, group["payable"]), (0.0, 0.0, [], 0.0))

    def test_f2_case_file_claims_its_penalty_invoice_the_credit_pays(self):
        # D 900 invoiced 2 Jan due 10 Jan; its penalty invoice P of 10 Feb (49.29: 9.29 of
        # penalties + 40.00 indemnity); a credit note of 1 000 of 5 Jan; a recovery case on D
        # opened on 20 Feb, penalties suspended (the file then adds nothing accrued after P).
        # On 20 Apr the one allocation gives the case 900 (D's claim) and P, another open
        # debt of the customer, 49.29 (its whole open amount; 50.71 of the credit left free):
        # the page asks 0.00 and no reminder claims P. The case's file declares D: 900 +
        # P's open 9.29 + P's 40.00 indemnity (_get_penalty_document_figures adds the open
        # amount of the penalty invoices) = 949.29, less its "Open Credits Deducted" 900 =
        # 49.29 asked. Found: 49.29 claimed by the file while the one rule says P is paid by
        # the credit (1 000 >= 949.29: the customer owes nothing). Right (README "Every
        # document deducts exactly the shares it gets", the fault fixed for the claim
        # declaration, test_f8 of try20, here for the case): the file deducts P's share too
        # (949.29) and claims 0.00. Code: recouvrement.litigation._compute_open_credit_amount
        # (only ``taken``, the shares of the claimed instalments, not those of the open
        # penalty invoices the file adds, ``_get_dossier_lines``). Fixed: the part of P the
        # file claims is one of the case's claims in the allocation
        # (recouvrement.litigation._get_penalty_invoice_fractions).
        customer = self._customer("Chaudronnerie Dossier Penalite")
        move_d = self._invoice(customer, 900.0, "2026-01-02", "2026-01-10")
        penalty = self._penalty_invoice(move_d, "2026-02-10")
        self.assertEqual(penalty.amount_total, 49.29)
        self._open_credit_note(customer, 1000.0, "2026-01-05")
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        with freeze_time("2026-04-20"):
            case.invalidate_recordset()
            lines = case._get_dossier_lines()
            filed = round(sum(line["total"] for line in lines), 2)
            deducted = case.open_credit_amount
        self.assertEqual(self._claims(customer, "2026-04-20"), [])
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 0.0)
        self.assertEqual((filed, round(filed - deducted, 2)), (949.29, 0.0))

    def test_f3_penalty_invoice_of_a_case_invoice_claimed_twice(self):
        # D 900 invoiced 2 Jan due 10 Jan; its penalty invoice P of 10 Feb (49.29: 9.29 of
        # penalties + 40.00 indemnity); a recovery case on D opened 20 Feb, penalties
        # suspended; no credit. Owed on 20 Apr: 900 + 49.29 = 949.29 (the page asks 949.29).
        # The case's file claims 900 + P's open 49.29 = 949.29 (_get_dossier_lines adds the
        # open amount of the penalty invoices charging its invoices). Found: the run of
        # 20 Apr ALSO sends P's own last call for 49.29: 949.29 + 49.29 = 998.58 claimed for
        # 949.29 owed (P asked by two documents). Right: 949.29 in all: P is
        # claimed by the case's file and its reminder claims nothing (or the file leaves P out
        # and P's reminder claims it). README "Invoiced penalties are claimed once" does not
        # say P stays in the ladder while the file claims it. Code:
        # recouvrement.dunning._get_plan (P, not in the case, is reminded) vs
        # recouvrement.litigation._get_dossier_lines (P's open amount added).
        customer = self._customer("Chaudronnerie Penalite Deux Fois")
        move_d = self._invoice(customer, 900.0, "2026-01-02", "2026-01-10")
        self._penalty_invoice(move_d, "2026-02-10")
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        with freeze_time("2026-04-20"):
            filed = round(sum(line["total"] for line in case._get_dossier_lines()), 2)
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 949.29)
        reminded = sum(amount for _lvl, amount, _c, _d in self._claims(customer, "2026-04-20"))
        self.assertEqual((filed, round(filed + reminded, 2)), (949.29, 949.29))

    def test_f2b_case_file_and_penalty_invoice_share_a_smaller_credit(self):
        # As test_f2 with a credit note of 920 (5 Jan): the one rule gives the case its
        # claims oldest due first, D 900 (due 10 Jan) then the 49.29 of P its file claims
        # (P due 10 Feb): 900 + 20 = 920. Owed: 949.29 - 920 = 29.29. The file claims
        # 949.29 less 920 = 29.29; its credits row takes 900.00 of the principal and 20.00
        # of the penalties (P's 9.29, then 10.71 of its 40.00 indemnity: 9.29 + 10.71 = 20);
        # P's own reminder claims nothing (the case claims it); the page asks 29.29.
        customer = self._customer("Chaudronnerie Avoir Partiel")
        move_d = self._invoice(customer, 900.0, "2026-01-02", "2026-01-10")
        self._penalty_invoice(move_d, "2026-02-10")
        self._open_credit_note(customer, 920.0, "2026-01-05")
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        with freeze_time("2026-04-20"):
            case.invalidate_recordset()
            lines = case._get_dossier_lines()
            filed = round(sum(line["total"] for line in lines), 2)
            deducted = case.open_credit_amount
            columns = case._get_dossier_credit_columns(lines)
        self.assertEqual((filed, deducted, round(filed - deducted, 2)), (949.29, 920.0, 29.29))
        self.assertEqual(columns, (900.0, 9.29, 10.71))
        self.assertEqual(self._claims(customer, "2026-04-20"), [])
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 29.29)

    def test_f3b_penalty_invoice_leaves_the_ladder_while_the_case_claims_it(self):
        # As test_f3 (no credit) with E 300 invoiced 1 Mar due 10 Mar, not in the case. The
        # run of 20 Apr (41 days late: last call) claims E only, 300.00; the file claims
        # D 900 + P 49.29; 1 249.29 in all, what the customer owes. Once the case is closed
        # (abandoned), P is its own debt again and the reminders claim it.
        customer = self._customer("Chaudronnerie Penalite Hors Echelle")
        move_d = self._invoice(customer, 900.0, "2026-01-02", "2026-01-10")
        penalty = self._penalty_invoice(move_d, "2026-02-10")
        self._invoice(customer, 300.0, "2026-03-01", "2026-03-10")
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        with freeze_time("2026-04-20"):
            filed = round(sum(line["total"] for line in case._get_dossier_lines()), 2)
        reminded = [amount for _lvl, amount, _c, _d in self._claims(customer, "2026-04-20")]
        self.assertEqual((filed, reminded), (949.29, [300.0]))
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 1249.29)
        with freeze_time("2026-04-21"):
            case.with_user(self.manager)._close("abandoned")
        with freeze_time("2026-04-22"):
            plan = self.env["recouvrement.dunning"]._get_plan(
                fields.Date.to_date("2026-04-22"), partners=customer
            )
        self.assertIn(penalty, self.env["account.move"].union(*(i["moves"] for i in plan)))

    def test_f4_opening_balance_born_before_the_judgment(self):
        # An opening-balance entry of 500 dated 1 Jan (due that day) taken over from former
        # software; the customer's redressement judgment of 15 Feb; E 600 invoiced 20 Feb due
        # 1 Mar; a credit note of 1 000 dated 1 Mar (born after the judgment). On 20 Apr.
        # The entry is a claim born before the judgment: no credit born after it pays it
        # (L622-7 Code de commerce) and it gets no reminder (L622-21). Found: the entry
        # (no invoice date, no commercial partner) was never "born before the judgment":
        # the credit paid it first (500) and E was asked 100.00. Right: E takes 600 of the
        # credit, nothing is asked (recouvrement.proceedings._is_pre_judgment).
        debtor = self._customer("Scierie Reprise Avant Jugement")
        entry = self._opening_entry(debtor, 500.0, "2026-01-01")
        self._in_redressement(debtor, "2026-02-15")
        self._invoice(debtor, 600.0, "2026-02-20", "2026-03-01")
        self._open_credit_note(debtor, 1000.0, "2026-03-01")
        self.assertEqual(self._claims(debtor, "2026-04-20"), [])
        self.assertEqual(self._group(debtor, "2026-04-20")["payable"], 0.0)
        Proceedings = self.env["recouvrement.proceedings"]
        self.assertEqual(Proceedings._get_pre_judgment_moves(entry), entry)
        with freeze_time("2026-04-20"):
            plan = self.env["recouvrement.dunning"]._get_plan(
                fields.Date.to_date("2026-04-20"), partners=debtor
            )
        self.assertFalse(plan)

    def test_f5_shared_penalty_invoice_part_in_litigation_is_not_contested(self):
        # D 900 (due 10 Jan) and X 500 (due 15 Jan) of one customer; one penalty invoice P of
        # 10 Feb charging both (93.62: D 9.29 + 40.00, X 4.33 + 40.00); a recovery case on
        # D opened 20 Feb, penalties suspended. On 20 Apr the case's file claims D 900 + P's
        # part for D 49.29 = 949.29; the reminder claims X 500 + P's part for X 44.33 =
        # 544.33: 1 493.62 in all, what is owed (the page asks it). Found: the reminder
        # stated P's 49.29 as "amounts you contest" (amount_disputed 49.29) while no dispute
        # is open. Right: 0.00 contested, 49.29 stated as claimed in the litigation file
        # (amount_litigated).
        customer = self._customer("Chaudronnerie Penalite Partagee")
        move_d = self._invoice(customer, 900.0, "2026-01-02", "2026-01-10")
        move_x = self._invoice(customer, 500.0, "2026-01-05", "2026-01-15")
        penalty = self._penalty_invoice(move_d | move_x, "2026-02-10")
        self.assertEqual(penalty.amount_total, 93.62)
        with freeze_time("2026-02-20"):
            case = self._litigation_case(move_d, litigation_type="recovery", suspend_penalties=True)
        with freeze_time("2026-04-20"):
            case.invalidate_recordset()
            filed = round(sum(line["total"] for line in case._get_dossier_lines()), 2)
            [item] = self.env["recouvrement.dunning"]._get_plan(
                fields.Date.to_date("2026-04-20"), partners=customer
            )
        self.assertEqual(filed, 949.29)
        self.assertEqual(
            (item["amount_net"], item["amount_disputed"], item["amount_litigated"]),
            (544.33, 0.0, 49.29),
        )
        self.assertEqual(self._group(customer, "2026-04-20")["payable"], 1493.62)
        [event] = self._run("2026-04-20", partners=customer)
        self.assertEqual(
            (event.amount_due, event.amount_disputed, event.amount_litigated),
            (544.33, 0.0, 49.29),
        )
        letter = " ".join(letter_page(self.env, event).text_content().split())
        self.assertIn("Penalties claimed in our litigation file, not claimed here -49.29", letter)
        self.assertNotIn("contest", letter)
        mail = " ".join(str(event.mail_message_id.body).split())
        self.assertIn("are claimed in our litigation file, not in this reminder", mail)
        self.assertNotIn("contest", mail)

    def test_f6_migration_adds_the_litigation_paragraph_to_the_shipped_email(self):
        # A database installed before 18.0.1.0.7: its reminder email (noupdate) has no
        # paragraph on the penalties a litigation case claims. The upgrade adds it after the
        # shipped paragraph on contested amounts, in English and in French, once.
        post = load_script(
            "recouvrement_b2b/migrations/18.0.1.0.7/post-migrate.py",
            "rb2b_post_migrate_18_0_1_0_7",
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        template = self.env.ref("recouvrement_b2b.mail_template_dunning_reminder")
        shipped = {
            lang: str(template.with_context(lang=lang).body_html) for lang in ("en_US", "fr_FR")
        }
        self.assertIn("sont réclamées dans notre dossier contentieux", shipped["fr_FR"])
        old = {}
        for lang, body in shipped.items():
            new = post.NEW_PASSAGES[lang[:2]].strip()
            self.assertIn(new, body)
            old[lang] = body.replace(new, post.OLD_PASSAGES[lang[:2]].strip())
            self.assertNotIn("amount_litigated", old[lang])
        self.env.flush_all()
        self.env.execute_query(
            SQL(
                "UPDATE mail_template SET body_html = %s::jsonb WHERE id = %s",
                fields.Json().convert_to_column(old, template),
                template.id,
            )
        )
        self.env.invalidate_all()
        self.assertEqual(post.add_litigated_paragraph(self.env.cr), 1)
        self.env.invalidate_all()
        for lang, body in shipped.items():
            self.assertEqual(str(template.with_context(lang=lang).body_html), body)
        self.assertEqual(post.add_litigated_paragraph(self.env.cr), 0)  # done once


@tagged("post_install", "-at_install")
class TestTry21Checks(Try20Common):
    """What was tried and found right: kept as regression guards."""

    def test_c1_case_on_pre_judgment_invoice_credit_born_before(self):
        # As test_f1 with the credit note of 1 000 dated 5 Feb (before the judgment of
        # 15 Feb): D 900 (in a case) takes 900, E 600 (born after) 100. On 20 Apr the
        # declaration deducts 900 from D, the case 900 (the same share, D), E is asked 500.00
        # with 100.00 of credits: 900 + 100 = 1 000 deducted once.
        debtor = self._customer("Textiles Dossier Avoir Avant")
        move_d = self._invoice(debtor, 900.0, "2026-01-02", "2026-01-10")
        with freeze_time("2026-02-01"):
            case = self._litigation_case(move_d, litigation_type="recovery")
        self._in_redressement(debtor, "2026-02-15")
        self._invoice(debtor, 600.0, "2026-02-20", "2026-03-01")
        self._open_credit_note(debtor, 1000.0, "2026-02-05")
        mandataire = self.env["res.partner"].create({"name": "Me Mandataire Try21 Bis"})
        with freeze_time("2026-04-20"):
            declaration = self._declare_claims(debtor, mandataire, "2026-02-20")
            lines = declaration._get_declaration_lines()
            declared = declaration._get_deducted_open_credit(lines)
            case.invalidate_recordset(["open_credit_amount"])
            case_credit = case.open_credit_amount
        group = self._group(debtor, "2026-04-20")
        claims = [(amount, credit) for _l, amount, credit, _d in self._claims(debtor, "2026-04-20")]
        self.assertEqual(
            (declared, case_credit, claims, group["payable"]),
            (900.0, 900.0, [(500.0, 100.0)], 500.0),
        )
