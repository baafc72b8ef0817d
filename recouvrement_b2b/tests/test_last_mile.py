from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import TransactionCase, tagged
from odoo.tools import format_date

from .common import RecouvrementCommon, post_invoice


@tagged("post_install", "-at_install")
class TestCaseConcurrency(TransactionCase):
    """Two users writing off, or handing over, the same case at once (two cursors, committed
    data): the later transaction fails with a serialization error, not logged as an error,
    which Odoo's request handling retries; the retry is told who did it. One entry, one
    hand-over."""

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Scierie Disputée", "is_company": True})
            agency = env["res.partner"].create({"name": "Agence Concurrente", "is_company": True})
            today = fields.Date.context_today(partner)
            move = post_invoice(
                env, partner, today - timedelta(days=90), today - timedelta(days=60)
            )
            case = env["recouvrement.litigation"].create(
                {
                    "partner_id": partner.id,
                    "litigation_type": "recovery",
                    "move_ids": [Command.set(move.ids)],
                    "agency_id": agency.id,
                    "agency_fee_rate": 10.0,
                }
            )
            expense = env["account.account"].search(
                [
                    *env["account.account"]._check_company_domain(move.company_id),
                    ("account_type", "=", "expense"),
                ],
                limit=1,
            )
            self.partner_id, self.agency_id, self.move_id = partner.id, agency.id, move.id
            self.case_id, self.expense_id = case.id, expense.id
        # two credit managers: the administrator and the superuser (OdooBot)
        self.admin_id = self.env.ref("base.user_admin").id
        self.envs = [
            api.Environment(self.registry.cursor(), uid, {})
            for uid in (SUPERUSER_ID, self.admin_id)
        ]
        self.addCleanup(self._clean_up)

    def _clean_up(self):
        for env in self.envs:
            env.cr.close()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            case = env["recouvrement.litigation"].browse(self.case_id)
            moves = (
                case.write_off_move_id
                | case.agency_collection_ids.payment_move_id
                | env["account.move"].browse(self.move_id)
            )
            case.agency_collection_ids.payment_move_id = False
            case.agency_collection_ids.unlink()
            env["ir.attachment"].search(
                [("res_model", "=", case._name), ("res_id", "=", case.id)]
            ).unlink()
            # a closed case cannot be deleted through the ORM (evidence, issue 19)
            case.move_ids.litigation_id = False
            cr.execute("DELETE FROM recouvrement_litigation WHERE id = %s", [case.id])
            moves.line_ids.remove_move_reconcile()
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            env["res.partner"].browse([self.partner_id, self.agency_id]).unlink()

    def _at_once(self, action, error=UserError):
        """Run ``action(env)`` in two transactions started together; the second one commits
        after the first, as Odoo retries it. :return: (the first env, the retry's ``error``)"""
        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # its snapshot is taken before the other one commits
        action(env2)
        env2.cr.commit()
        with (
            self.assertRaises(SerializationFailure),
            self.assertNoLogs("odoo.sql_db", level="ERROR"),
        ):
            action(env1)
        env1.cr.rollback()  # odoo.service.model.retrying: the request again
        env1.transaction.reset()
        with self.assertRaises(error) as caught:
            action(env1)
        env1.cr.rollback()
        return env2, caught.exception

    def test_two_write_offs_at_once(self):
        def write_off(env):
            env["recouvrement.litigation"].browse(self.case_id)._close(
                "written_off", account=env["account.account"].browse(self.expense_id)
            )

        env2, error = self._at_once(write_off)
        case = env2["recouvrement.litigation"].browse(self.case_id)
        admin = env2["res.users"].browse(self.admin_id)
        self.assertEqual(
            str(error),
            f"Case {case.name} was already closed by {admin.name} on "
            f"{format_date(env2, case.close_date)} (Outcome: Written off): reopen it before "
            "closing it again.",
        )
        entries = env2["account.move.line"].search(
            [("partner_id", "=", self.partner_id), ("move_id.move_type", "=", "entry")]
        )
        self.assertEqual(entries.move_id, case.write_off_move_id)
        self.assertEqual(len(entries.move_id), 1)

    def test_two_hand_overs_at_once(self):
        def hand_over(env):
            env["recouvrement.litigation"].browse(self.case_id).action_hand_over()

        env2, error = self._at_once(hand_over)
        case = env2["recouvrement.litigation"].browse(self.case_id)
        admin = env2["res.users"].browse(self.admin_id)
        self.assertEqual(
            str(error),
            f"Case {case.name} was already handed over to Agence Concurrente by {admin.name} on "
            f"{format_date(env2, case.handover_date)}: record the return of the file first.",
        )
        exports = env2["ir.attachment"].search(
            [("res_model", "=", case._name), ("res_id", "=", case.id)]
        )
        self.assertEqual(len(exports), 1)

    def test_two_agency_collections_at_once(self):
        # the file is with the agency since 10 days; 1 000 due: 700 collected twice at once
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["recouvrement.litigation"].browse(self.case_id).handover_date = (
                fields.Date.context_today(env.user) - timedelta(days=10)
            )

        def collect(env):
            env["recouvrement.agency.collection"].create(
                {"litigation_id": self.case_id, "amount": 700.0, "fee_account_id": self.expense_id}
            )

        env2, error = self._at_once(collect, error=ValidationError)
        self.assertIn("exceeds what is still due", str(error))
        self.assertIn("300.00", str(error))
        collections = env2["recouvrement.agency.collection"].search(
            [("litigation_id", "=", self.case_id)]
        )
        self.assertEqual(collections.mapped("amount"), [700.0])
        self.assertEqual(env2["account.move"].browse(self.move_id).amount_residual, 300.0)


@tagged("post_install", "-at_install")
class TestBadDebtVatReturn(RecouvrementCommon):
    """Write-off of a debt lost in a liquidation closed for insufficient assets (art. 272 CGI):
    the VAT recovered shows in the French VAT return (CA3) as a credit note's would. Invoices
    of 1 000 excluding tax + 200 VAT (20 %), 600 paid: 600 written off, of which 100 VAT."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.tax_exigibility = True
        ChartTemplate = cls.env["account.chart.template"].with_company(cls.company)
        cls.tax_goods = ChartTemplate.ref("tva_normale")
        cls.tax_services = ChartTemplate.ref("tva_normale_encaissement")
        cls.vat_44571 = ChartTemplate.ref("pcg_44571")
        cls.vat_44574 = ChartTemplate.ref("pcg_44574")
        cls.env["recouvrement.claim.declaration"].sudo().create(
            {
                "partner_id": cls.customer.id,
                "proceedings": "liquidation",
                "judgment_date": date(2026, 3, 1),
                "state": "closed",
                "close_date": date(2026, 10, 1),
                "closure_reason": "insufficient_assets",
            }
        )

    def _invoice_paid_600(self, tax, currency=None):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "currency_id": (currency or self.company.currency_id).id,
                "invoice_date": "2026-01-10",
                "invoice_date_due": "2026-02-10",
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Prestation",
                            "price_unit": 1000.0,
                            "tax_ids": [Command.set(tax.ids)],
                        }
                    )
                ],
            }
        )
        move.action_post()
        self._pay(move, 600.0, "2026-03-01")
        return move

    def _write_off(self, move, loss="insufficient_assets"):
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set(move.ids)],
            }
        )
        with freeze_time("2026-11-20"):
            case.with_user(self.manager)._close(
                "written_off",
                account=case._get_bad_debt_account(self.company),
                loss=loss,
            )
        return case.write_off_move_id

    def _ca3(self, tag_name):
        """Amount of CA3 box ``tag_name`` (e.g. ``08_taxe``), as the tax report's tax_tags
        engine sums it: balance, negated for a negated tag and for an inverted line."""
        lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("tax_tag_ids.name", "in", [f"+{tag_name}", f"-{tag_name}", tag_name]),
            ]
        )
        total = 0.0
        for line in lines:
            for tag in line.tax_tag_ids.filtered(lambda t: t.name.lstrip("+-") == tag_name):
                sign = (-1 if tag.tax_negate else 1) * (-1 if line.tax_tag_invert else 1)
                total += sign * line.balance
        return round(total, 2)

    def test_vat_recovery_shows_in_the_vat_return(self):
        move = self._invoice_paid_600(self.tax_goods)
        self.assertEqual((self._ca3("08_base"), self._ca3("08_taxe")), (1000.0, 200.0))
        entry = self._write_off(move)
        refund_reps = self.tax_goods.refund_repartition_line_ids
        vat_line = entry.line_ids.filtered(lambda ln: ln.account_id == self.vat_44571)
        self.assertRecordValues(
            vat_line,
            [
                {
                    "balance": 100.0,
                    "tax_line_id": self.tax_goods.id,
                    "tax_repartition_line_id": refund_reps.filtered(
                        lambda r: r.repartition_type == "tax"
                    ).id,
                    "tax_base_amount": 500.0,
                }
            ],
        )
        self.assertEqual(vat_line.tax_tag_ids.mapped("name"), ["-08_taxe"])
        base_line = entry.line_ids.filtered(lambda ln: ln.account_id.code == "654100")
        self.assertRecordValues(base_line, [{"balance": 500.0, "tax_ids": self.tax_goods.ids}])
        self.assertEqual(sorted(base_line.tax_tag_ids.mapped("name")), ["-08_base", "-A1"])
        # CA3: VAT 200 - 100 recovered = 100, the VAT of the 600 paid; base 1 000 - 500
        self.assertEqual((self._ca3("08_base"), self._ca3("08_taxe")), (500.0, 100.0))

    def test_vat_on_payment_never_due_is_only_cleared(self):
        # VAT on payment (services): 100 became due with the 600 paid; the 100 of the unpaid
        # part never did, it waits on 44574 and is cleared from there, not "recovered".
        move = self._invoice_paid_600(self.tax_services)
        self.bad_debt = self.env["recouvrement.litigation"]._get_bad_debt_account(self.company)
        self.assertEqual((self._ca3("08_base"), self._ca3("08_taxe")), (500.0, 100.0))
        entry = self._write_off(move)
        self.assertRecordValues(
            entry.line_ids.filtered(lambda ln: ln.account_type != "asset_receivable").sorted(
                lambda ln: ln.account_id.code
            ),
            [
                {"account_id": self.vat_44574.id, "balance": 100.0, "tax_line_id": False},
                {"account_id": self.bad_debt.id, "balance": 500.0, "tax_line_id": False},
            ],
        )
        self.assertFalse(entry.line_ids.tax_tag_ids)
        # no cash-basis entry (nor cash-basis "rounding difference") for the write-off: the VAT
        # return still shows the 600 paid only, 44571 holds the VAT due, 44574 is cleared
        self.assertEqual((self._ca3("08_base"), self._ca3("08_taxe")), (500.0, 100.0))
        balances = dict(
            self.env["account.move.line"]._read_group(
                [
                    ("company_id", "=", self.company.id),
                    ("parent_state", "=", "posted"),
                    ("account_id", "in", (self.vat_44571 | self.vat_44574).ids),
                ],
                ["account_id"],
                ["balance:sum"],
            )
        )
        self.assertEqual(balances, {self.vat_44571: -100.0, self.vat_44574: 0.0})

    def test_vat_on_payment_cleared_by_any_write_off(self):
        # Not definitively lost (the debt is abandoned): the goods' VAT already declared
        # stays written off with the rest, but the services' VAT of the unpaid part was never
        # due, it is cleared from 44574 and not declared by a cash-basis entry.
        move = self._invoice_paid_600(self.tax_services)
        entry = self._write_off(move, loss="none")
        bad_debt = self.env["recouvrement.litigation"]._get_bad_debt_account(self.company)
        self.assertRecordValues(
            entry.line_ids.filtered(lambda ln: ln.account_type != "asset_receivable").sorted(
                lambda ln: ln.account_id.code
            ),
            [
                {"account_id": self.vat_44574.id, "balance": 100.0},
                {"account_id": bad_debt.id, "balance": 500.0},
            ],
        )
        self.assertEqual((self._ca3("08_base"), self._ca3("08_taxe")), (500.0, 100.0))
        goods = self._invoice_paid_600(self.tax_goods)
        entry = self._write_off(goods, loss="none")
        self.assertRecordValues(
            entry.line_ids.filtered(lambda ln: ln.account_type != "asset_receivable"),
            [{"account_id": bad_debt.id, "balance": 600.0, "tax_tag_ids": []}],
        )
        self.assertEqual((self._ca3("08_base"), self._ca3("08_taxe")), (1500.0, 300.0))

    def test_vat_recovery_of_a_foreign_currency_invoice(self):
        # 1 200 USD at 2 USD per EUR on 2026-01-10: 600 EUR, of which 100 VAT; 600 USD paid on
        # 2026-03-01 (1.5 USD per EUR: an exchange difference), 600 USD left = 300 EUR at the
        # invoice's rate: VAT recovered 300 x 100 / 600 = 50 EUR, excluding tax 250 EUR.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 2.0), ("2026-03-01", 1.5)])
        move = self._invoice_paid_600(self.tax_goods, currency=usd)
        self.assertEqual((move.amount_residual, move.amount_residual_signed), (600.0, 300.0))
        entry = self._write_off(move)
        self.assertRecordValues(
            entry.line_ids.filtered("tax_line_id"),
            [{"account_id": self.vat_44571.id, "balance": 50.0, "tax_base_amount": 250.0}],
        )
        self.assertEqual(move.payment_state, "paid")
        self.assertEqual((self._ca3("08_base"), self._ca3("08_taxe")), (250.0, 50.0))


@tagged("post_install", "-at_install")
class TestAgencyCollectionBooked(RecouvrementCommon):
    """A case of two invoices (1 200 due 2026-02-04, 800 due 2026-02-19) handed over on
    2026-04-01 to an agency at a 15 % fee: what it collects pays the invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._standard_ladder()
        cls.agency = cls.env["res.partner"].create({"name": "Agence du Rhône", "is_company": True})
        cls.inv_1 = cls._invoice(cls.customer, 1200, date(2026, 1, 5), date(2026, 2, 4))
        cls.inv_2 = cls._invoice(cls.customer, 800, date(2026, 1, 20), date(2026, 2, 19))
        cls.case = cls.env["recouvrement.litigation"].create(
            {
                "partner_id": cls.customer.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set((cls.inv_1 | cls.inv_2).ids)],
                "agency_id": cls.agency.id,
                "agency_fee_rate": 15.0,
            }
        )
        with freeze_time("2026-04-01"):
            cls.case.action_hand_over()
        cls.Collection = cls.env["recouvrement.agency.collection"].with_user(cls.controller)

    @freeze_time("2026-04-10")
    def test_collection_capped_at_what_is_due(self):
        with self.assertRaises(ValidationError) as caught:
            self.Collection.create(
                {"litigation_id": self.case.id, "amount": 1e9, "move_id": self.inv_1.id}
            )
        self.assertEqual(
            str(caught.exception),
            f"Case {self.case.name}: Amount Collected of 1,000,000,000.00\xa0€ exceeds what is "
            f"still due on {self.inv_1.name} (1,200.00\xa0€); the agency cannot collect more "
            "than is owed.",
        )
        # the whole case: 2 000 due
        # (assertRaises, not assertRaisesRegex: its savepoint rolls the refused record back)
        with self.assertRaises(ValidationError) as caught:
            self.Collection.create({"litigation_id": self.case.id, "amount": 2000.01})
        self.assertIn(f"still due on {self.case.name} (2,000.00\xa0€)", str(caught.exception))
        # a commission above the collection: the rate is capped at 100 %
        with self.assertRaises(ValidationError):
            self.Collection.create(
                {"litigation_id": self.case.id, "amount": 100.0, "fee_rate": 150.0}
            )
        Collections = self.env["recouvrement.agency.collection"]
        self.assertFalse(Collections.search([("litigation_id", "=", self.case.id)]))
        self.assertEqual(self.case.amount_residual, 2000.0)

    @freeze_time("2026-04-10")
    def test_collection_pays_the_invoices(self):
        collection = self.Collection.create({"litigation_id": self.case.id, "amount": 1500.0})
        # oldest due first: 1 200 pays the first invoice, 300 the second
        self.assertRecordValues(
            self.inv_1 | self.inv_2,
            [
                {"amount_residual": 0.0, "payment_state": "paid"},
                {"amount_residual": 500.0, "payment_state": "partial"},
            ],
        )
        self.assertEqual(self.case.amount_residual, 500.0)
        entry = collection.payment_move_id
        self.assertEqual(entry.state, "posted")
        receivable = self.inv_1.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).account_id
        fee_account = self.env["account.chart.template"].with_company(self.company).ref("pcg_6226")
        self.assertEqual(fee_account.code, "622600")
        self.assertRecordValues(
            entry.line_ids.sorted(lambda line: (line.balance, line.id)),
            [
                {"partner_id": self.customer.id, "account_id": receivable.id, "balance": -1200.0},
                {"partner_id": self.customer.id, "account_id": receivable.id, "balance": -300.0},
                {"partner_id": self.agency.id, "account_id": fee_account.id, "balance": 225.0},
                {"partner_id": self.agency.id, "account_id": receivable.id, "balance": 1275.0},
            ],
        )
        self.assertEqual(
            entry.line_ids.filtered(lambda line: line.partner_id == self.customer).mapped(
                "reconciled"
            ),
            [True, True],
        )
        # the rest of the file: only 500 can still be collected, and a write-off takes 500
        with self.assertRaises(ValidationError) as caught:
            self.Collection.create({"litigation_id": self.case.id, "amount": 600.0})
        self.assertIn("(500.00\xa0€)", str(caught.exception))
        # corrected to 1 000: the entry is reversed and booked again
        collection.amount = 1000.0
        self.assertTrue(entry.reversal_move_ids)
        self.assertRecordValues(
            self.inv_1 | self.inv_2,
            [{"amount_residual": 200.0}, {"amount_residual": 800.0}],
        )
        collection.unlink()
        self.assertEqual(self.case.amount_residual, 2000.0)

    @freeze_time("2026-04-10")
    def test_collection_of_a_foreign_currency_invoice(self):
        # 1 000 USD invoiced at 2 USD per EUR (500 EUR); on 2026-04-05, 1.25 USD per EUR: the
        # 1 000 USD still owed are worth 800 EUR. 400 EUR collected pay 500 USD; the rest
        # (500 USD) is worth 400 EUR: more is refused.
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 2.0), ("2026-04-01", 1.25)])
        invoice = self._invoice(
            self.customer, 1000, date(2026, 1, 5), date(2026, 2, 4), currency=usd, post=False
        )
        invoice.action_post()
        self.case.move_ids = [Command.set(invoice.ids)]
        collection = self.Collection.create(
            {"litigation_id": self.case.id, "amount": 400.0, "date": date(2026, 4, 5)}
        )
        self.assertEqual(invoice.amount_residual, 500.0)
        self.assertRecordValues(
            collection.payment_move_id.line_ids.filtered(
                lambda line: line.partner_id == self.customer
            ),
            [{"balance": -400.0, "amount_currency": -500.0, "currency_id": usd.id}],
        )
        with self.assertRaises(ValidationError) as caught:
            self.Collection.create(
                {"litigation_id": self.case.id, "amount": 400.01, "date": date(2026, 4, 5)}
            )
        self.assertIn("(400.00\xa0€)", str(caught.exception))
