import subprocess
import tempfile
from contextlib import contextmanager
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import config

from .common import RecouvrementCommon

# Measured queries of the alert cron for any number of alerts, once the caches are warm.
ALERT_CRON_QUERIES = 38


class LitigationCommon(RecouvrementCommon):
    @contextmanager
    def _refused(self, exception, regex):
        """Expect ``exception`` with a message matching ``regex``, changes rolled back."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), regex)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The accountant running the assertions also manages collection.
        cls.env.user.groups_id = [Command.link(cls.group_manager.id)]
        cls.customer.write({"siren": "364808949", "rcs": "RCS Saint-Étienne B 364 808 949"})
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Paysages Bonnet", "is_company": True}
        )
        cls.inv_1 = cls._invoice(cls.customer, 1200.0, "2026-05-31", "2026-06-30")
        cls.inv_2 = cls._invoice(cls.customer, 800.0, "2026-06-15", "2026-07-15")
        cls.inv_other = cls._invoice(cls.other_customer, 500.0, "2026-06-15", "2026-07-15")
        cls.Litigation = cls.env["recouvrement.litigation"]
        cls.stage_filed = cls.env.ref("recouvrement_b2b.litigation_stage_filed")

    def _case(self, moves, **vals):
        return (
            self.Litigation.with_user(self.controller)
            .create(
                {
                    "partner_id": moves.partner_id[:1].id,
                    "company_id": self.company.id,
                    "move_ids": [Command.set(moves.ids)],
                    **vals,
                }
            )
            .with_user(self.controller)
        )


@tagged("post_install", "-at_install")
class TestLitigation(LitigationCommon):
    @freeze_time("2026-11-20")
    def test_create_from_dunning_links_invoices(self):
        """The dunning feature's create() call: reference, stage, invoices out of dunning."""
        case = self._case(self.inv_1 + self.inv_2, litigation_type="recovery")
        self.assertRegex(case.name, r"^LIT/2026/\d{4}$")
        self.assertRecordValues(
            case,
            [
                {
                    "stage_id": self.env.ref("recouvrement_b2b.litigation_stage_open").id,
                    "is_closed": False,
                    "amount_residual": 2000.0,
                    "prescription_date": date(2031, 6, 30),
                    "next_deadline_date": date(2031, 6, 30),
                }
            ],
        )
        self.assertEqual((self.inv_1 + self.inv_2).litigation_id, case)
        self.assertRecordValues(
            case.deadline_ids,
            [
                {"kind": "prescription", "move_id": self.inv_1.id, "date": date(2031, 6, 30)},
                {"kind": "prescription", "move_id": self.inv_2.id, "date": date(2031, 7, 15)},
            ],
        )
        self.assertEqual(case.user_id, self.controller)
        # Opened by the dunning cron (superuser): the collection responsible follows it.
        self.company.recouvrement_user_id = self.manager
        cron_case = (
            self.Litigation.with_user(SUPERUSER_ID)
            .with_company(self.company)
            .create(
                {
                    "partner_id": self.other_customer.id,
                    "company_id": self.company.id,
                    "move_ids": [Command.set(self.inv_other.ids)],
                    "litigation_type": "recovery",
                }
            )
        )
        self.assertRecordValues(cron_case, [{"user_id": self.manager.id, "credit_hold": True}])
        self.assertEqual(self.inv_other.litigation_id, cron_case)
        self.assertTrue(self.other_customer.credit_hold)
        # Removing an invoice returns it to dunning.
        case.move_ids = [Command.unlink(self.inv_2.id)]
        self.assertFalse(self.inv_2.litigation_id)
        self.assertEqual(case.deadline_ids.move_id, self.inv_1)

    @freeze_time("2026-11-20")
    def test_create_from_invoice_and_customer(self):
        action = self.inv_1.with_user(self.controller).action_open_litigation()
        form = Form(self.Litigation.with_user(self.controller).with_context(**action["context"]))
        form.reason = "Le client conteste la quantité livrée."
        case = form.save()
        self.assertRecordValues(
            case, [{"partner_id": self.customer.id, "move_ids": self.inv_1.ids}]
        )
        self.assertEqual(self.inv_1.litigation_id, case)
        partner = self.customer.with_user(self.controller)
        self.assertEqual(partner.litigation_count, 1)
        self.assertEqual(
            self.Litigation.with_user(self.controller).search(
                partner.action_view_litigations()["domain"]
            ),
            case,
        )
        with self._refused(UserError, "in no open case"):
            self.inv_1.with_user(self.controller).action_open_litigation()

    @freeze_time("2026-11-20")
    def test_bad_input(self):
        case = self._case(self.inv_1)
        with self._refused(
            ValidationError, r"invoice .* is already in litigation case .*\(field Invoices\)"
        ):
            self._case(self.inv_1 + self.inv_2)
        self.assertEqual(self.Litigation.search_count([("partner_id", "=", self.customer.id)]), 1)
        self.assertFalse(self.inv_2.litigation_id)
        with self._refused(
            ValidationError, r"belongs to Paysages Bonnet, not to the case's customer"
        ):
            case.move_ids = [Command.link(self.inv_other.id)]
        self.assertFalse(self.inv_other.litigation_id)
        with self._refused(
            ValidationError, r"the disputed amount .* is above the amount still due"
        ):
            case.disputed_amount = 1200.01
        self.assertEqual(case.disputed_amount, 0.0)
        with self._refused(
            ValidationError, r"cannot be served on 09/01/2026, before it was issued on"
        ):
            case.write({"order_date": "2026-09-15", "service_date": "2026-09-01"})
        self.assertFalse(case.order_date)
        with self._refused(UserError, "close it with the Close button"):
            case.stage_id = self.env.ref("recouvrement_b2b.litigation_stage_closed")

    @freeze_time("2026-07-10")
    def test_claim_check_refuses_filing(self):
        case = self._case(self.inv_1 + self.inv_2, disputed_amount=300.0)
        self.assertRecordValues(
            case, [{"claim_certain": False, "claim_liquid": False, "claim_due": False}]
        )
        with self.assertRaises(UserError) as error:
            case.action_file()
        message = str(error.exception)
        self.assertIn("Not certaine", message)
        self.assertIn("300.00\xa0€ is disputed by the customer", message)
        self.assertIn(f"Not exigible: invoice(s) {self.inv_2.name} not yet past", message)
        self.assertEqual(case.step, "open")
        self.assertFalse(case.filing_date)

        # Attaching the signed order makes it certaine; the dispute settled makes it liquide.
        self.env["ir.attachment"].create(
            {
                "name": "Bon de commande signé.pdf",
                "res_model": case._name,
                "res_id": case.id,
                "raw": b"%PDF-1.4",
            }
        )
        case.disputed_amount = 0.0
        case.invalidate_recordset(["claim_certain"])
        self.assertRecordValues(case, [{"claim_certain": True, "claim_liquid": True}])
        with self._refused(UserError, "Not exigible"):
            case.action_file()

        with freeze_time("2026-07-16"):
            case.action_file()
            self.assertRecordValues(
                case, [{"stage_id": self.stage_filed.id, "filing_date": date(2026, 7, 16)}]
            )
            # Filing the request does not interrupt prescription (only the service does).
            self.assertRecordValues(
                self.inv_1 + self.inv_2,
                [
                    {
                        "prescription_interruption_date": False,
                        "prescription_date": date(2031, 6, 30),
                    },
                    {
                        "prescription_interruption_date": False,
                        "prescription_date": date(2031, 7, 15),
                    },
                ],
            )

    @freeze_time("2026-11-20")
    def test_deadlines_and_alerts(self):
        old = self._invoice(self.customer, 400.0, "2021-11-20", "2021-12-20")
        case = self._case(old + self.inv_1, litigation_type="recovery", proof_checked=True)
        self.assertEqual(case.prescription_date, date(2026, 12, 20))
        # A payment plan signed on 2024-03-01 is an acknowledgment (art. 2240 Code civil).
        old.prescription_interruption_date = "2024-03-01"
        self.assertEqual(case.prescription_date, date(2029, 3, 1))
        old.prescription_interruption_date = False
        case.write({"stage_id": self.stage_filed.id, "filing_date": "2026-09-01"})
        # The filing does not interrupt prescription; it falls after the service deadline.
        self.assertEqual(old.prescription_date, date(2026, 12, 20))
        self.assertFalse(case.prescription_warning)
        case.write({"order_date": "2026-09-15"})
        service = case.deadline_ids.filtered(lambda d: d.kind == "service")
        # Order issued after 2026-09-01: 3 months to serve it (décret 2026-96).
        self.assertRecordValues(
            service, [{"date": date(2026, 12, 15), "next_alert_date": date(2026, 10, 16)}]
        )
        Cron = self.Litigation.sudo()
        Cron._cron_raise_alerts()
        # The service deadline, and the old invoice's prescription (2026-12-20, not moved by
        # the filing) within 60 days.
        self.assertEqual(
            sorted(case.activity_ids.mapped("date_deadline")),
            [date(2026, 12, 15), date(2026, 12, 20)],
        )
        activities = case.activity_ids.filtered(lambda a: a.date_deadline == date(2026, 12, 15))
        self.assertEqual(activities.user_id, self.controller)
        self.assertIn("Service deadline", activities.summary)
        self.assertEqual(service.next_alert_date, date(2026, 11, 30))
        Cron._cron_raise_alerts()
        self.assertEqual(len(case.activity_ids), 2, "second run on the same day: no duplicate")
        with freeze_time("2026-11-30"):
            Cron._cron_raise_alerts()
        self.assertEqual(len(case.activity_ids), 3, "15-day alert")
        self.assertFalse(service.next_alert_date)

        # Service: the service deadline is done, the opposition period starts (art. 1416 CPC).
        with freeze_time("2026-11-25"):  # recorded the day it is served (issue 19)
            case.write({"service_date": "2026-11-25"})
        self.assertRecordValues(
            case.deadline_ids.filtered(lambda d: not d.move_id),
            [{"kind": "opposition", "date": date(2026, 12, 25)}],
        )
        self.assertEqual(case.next_deadline_date, date(2026, 12, 25))
        # The service restarts the 5 years of both invoices (art. 2241, 2231 Code civil).
        self.assertEqual(old.prescription_date, date(2031, 11, 25))
        self.assertEqual(self.inv_1.prescription_date, date(2031, 11, 25))

    @freeze_time("2026-02-20")
    def test_injonction_filed_not_served_keeps_prescription(self):
        # Issue 17 #10: invoice due 2021-03-10, request filed 2026-02-20, not yet served: the
        # last day to act stays 2026-03-10 (not 2031-02-20), with a warning: the service
        # deadline (6 months from the filing at best, order before 2026-09-01) is 2026-08-20.
        old = self._invoice(self.customer, 400.0, "2021-02-08", "2021-03-10")
        case = self._case(old, litigation_type="recovery", proof_checked=True)
        case.action_file()
        self.assertRecordValues(
            case, [{"filing_date": date(2026, 2, 20), "prescription_date": date(2026, 3, 10)}]
        )
        self.assertEqual(old.prescription_date, date(2026, 3, 10))
        self.assertIn("time-barred after 03/10/2026", case.prescription_warning)
        self.assertIn("service deadline 08/20/2026", case.prescription_warning)
        # Order issued 2026-02-27 and served 2026-03-05: a new 5-year period from the service.
        with freeze_time("2026-03-05"):  # recorded the day it is served (issue 19)
            case.write({"order_date": "2026-02-27", "service_date": "2026-03-05"})
        self.assertRecordValues(
            old,
            [
                {
                    "prescription_interruption_date": date(2026, 3, 5),
                    "prescription_date": date(2031, 3, 5),
                }
            ],
        )
        self.assertFalse(case.prescription_warning)

    @freeze_time("2026-11-20")
    def test_prescription_alert_without_filing(self):
        old = self._invoice(self.customer, 400.0, "2021-11-20", "2021-12-20")
        case = self._case(old)
        self.Litigation.sudo()._cron_raise_alerts()
        self.assertEqual(case.activity_ids.date_deadline, date(2026, 12, 20))
        self.assertIn(f"Prescription: {old.name}", case.activity_ids.summary)

    @freeze_time("2026-11-20")
    def test_prescription_alert_on_invoice_in_no_case(self):
        old = self._invoice(self.customer, 400.0, "2021-11-20", "2021-12-20")
        in_case = self._invoice(self.customer, 300.0, "2021-11-20", "2021-12-20")
        case = self._case(in_case)
        Cron = self.Litigation.sudo()
        Cron._cron_raise_alerts()
        Cron._cron_raise_alerts()
        self.assertRecordValues(
            old.activity_ids,
            [{"date_deadline": date(2026, 12, 20), "user_id": self.env.user.id}],
        )
        self.assertIn(f"Prescription of {old.name}", old.activity_ids.summary)
        self.assertRecordValues(
            old,
            [
                {
                    "prescription_alert_date": date(2026, 11, 20),
                    "prescription_next_alert_date": date(2026, 12, 5),
                }
            ],
        )
        # The invoice in a case is alerted on its case, not on the invoice.
        self.assertFalse(in_case.activity_ids)
        self.assertEqual(len(case.activity_ids), 1)
        with freeze_time("2026-12-05"):
            Cron._cron_raise_alerts()
        self.assertEqual(len(old.activity_ids), 2)
        # An acknowledgment (payment plan signed) restarts the period: next alerts in 2031.
        with freeze_time("2026-12-10"):  # recorded the day it is signed (issue 19)
            old.prescription_interruption_date = "2026-12-10"
        self.assertEqual(old.prescription_next_alert_date, date(2031, 10, 11))

    @freeze_time("2026-11-20")
    def test_alert_failure_isolated_per_invoice(self):
        """An invoice whose alert fails does not block the others; its chatter says why."""
        good = self._invoice(self.customer, 400.0, "2021-11-20", "2021-12-20")
        bad = self._invoice(self.customer, 300.0, "2021-11-20", "2021-12-20")
        litigation_class = self.registry["recouvrement.litigation"]
        original = litigation_class._raise_invoice_alerts

        def _raise_invoice_alerts(service, moves, today):
            if bad in moves:
                raise ValueError(f"No responsible for {bad.name}")
            return original(service, moves, today)

        with (
            patch.object(litigation_class, "_raise_invoice_alerts", _raise_invoice_alerts),
            self.assertLogs(
                "odoo.addons.recouvrement_b2b.models.recouvrement_litigation", "ERROR"
            ) as logs,
        ):
            self.Litigation.sudo()._cron_raise_alerts()
        self.assertIn("batch failed, retrying one by one", logs.output[0])
        self.assertEqual(len(good.activity_ids), 1)
        self.assertFalse(bad.activity_ids)
        self.assertIn("The prescription alert could not be raised", bad.message_ids[0].body)
        self.assertIn(f"No responsible for {bad.name}", bad.message_ids[0].body)
        self.assertRecordValues(good | bad, [{"prescription_alert_date": date(2026, 11, 20)}] * 2)

    def _alert_cron_queries(self, count):
        """Queries of one alert cron run raising ``count`` case deadlines and ``count``
        invoice prescriptions (all due on 2026-11-20)."""
        cases = self.Litigation.union(
            *(
                self._case(self._invoice(self.customer, 100.0, "2021-11-20", "2021-12-20"))
                for _i in range(count)
            )
        )
        moves = self.env["account.move"].union(
            *(
                self._invoice(self.customer, 100.0, "2021-11-20", "2021-12-20")
                for _i in range(count)
            )
        )
        self.env.flush_all()
        self.env.invalidate_all()
        queries = self.cr.sql_log_count
        self.Litigation.sudo()._cron_raise_alerts()
        self.env.flush_all()
        queries = self.cr.sql_log_count - queries
        self.assertEqual(len(cases.activity_ids), count)
        self.assertEqual(len(moves.activity_ids), count)
        return queries

    def test_alert_cron_query_count(self):
        """The alert cron costs the same queries for 2 and 6 cases and invoices (batched)."""
        with freeze_time("2026-11-20"):
            self._alert_cron_queries(1)  # warm the caches (activity type, model ids) up
            self.assertEqual(self._alert_cron_queries(2), ALERT_CRON_QUERIES)
            self.assertEqual(self._alert_cron_queries(6), ALERT_CRON_QUERIES)
            Deadline = self.env["recouvrement.litigation.deadline"].sudo()
            self.assertFalse(Deadline.search(Deadline._get_alert_domain(date(2026, 11, 20))))

    @freeze_time("2026-11-20")
    def test_close_returns_invoices_to_dunning(self):
        case = self._case(self.inv_1, litigation_type="recovery")
        wizard = Form(
            self.env["recouvrement.litigation.close"]
            .with_user(self.controller)
            .with_context(**case.action_close()["context"])
        )
        wizard.outcome = "recovered"
        wizard.save().action_confirm()
        self.assertRecordValues(
            case,
            [{"is_closed": True, "outcome": "recovered", "close_date": date(2026, 11, 20)}],
        )
        self.assertFalse(self.inv_1.litigation_id)
        self.assertFalse(case.deadline_ids)
        # The invoice can enter a new case once the first one is closed.
        self._case(self.inv_1)

    @freeze_time("2026-11-20")
    def test_reopen_and_delete(self):
        case = self._case(self.inv_1, litigation_type="recovery", proof_checked=True)
        case._close("abandoned")
        self.assertFalse(self.inv_1.litigation_id)
        case.action_reopen()
        self.assertRecordValues(case, [{"is_closed": False, "outcome": False, "step": "open"}])
        self.assertEqual(self.inv_1.litigation_id, case)
        self.assertEqual(case.deadline_ids.kind, "prescription")
        # Several invoices of different customers cannot open one case.
        with self._refused(UserError, "of one customer that are in no open case"):
            (self.inv_2 + self.inv_other).with_user(self.controller).action_open_litigation()
        case.action_file()
        with self._refused(UserError, "was filed with a court: close it instead of deleting"):
            case.with_user(self.manager).unlink()
        with self.assertRaises(AccessError):
            self._case(self.inv_2).unlink()
        self._case(self.inv_2).with_user(self.manager).unlink()
        self.assertFalse(self.inv_2.litigation_id)

    @freeze_time("2026-11-20")
    def test_dispute_lost_keeps_invoices_out_of_dunning(self):
        case = self._case(self.inv_2, disputed_amount=200.0, suspend_penalties=True)
        case._close("dispute_lost")
        self.assertEqual(self.inv_2.litigation_id, case)
        self.assertTrue(self.inv_2.litigation_id.suspend_penalties)
        self.assertIn("credit note of 200.00", case.activity_ids.note)
        with self._refused(ValidationError, "is already in litigation case"):
            self._case(self.inv_2)
        recovery = self._case(self.inv_1, litigation_type="recovery")
        with self._refused(ValidationError, "only a dispute can be closed"):
            recovery._close("dispute_lost")

    @freeze_time("2026-11-20")
    def test_recovery_case_puts_customer_on_hold(self):
        self._case(self.inv_1, litigation_type="recovery", credit_hold=True)
        self.assertRecordValues(
            self.customer,
            [{"credit_hold": True, "credit_hold_date": date(2026, 11, 20)}],
        )
        self.assertRegex(self.customer.credit_hold_reason, r"^Legal recovery case LIT/")

    def _open_credits(self, partner, refund, on_account, day="2026-08-01"):
        """A credit note of ``refund`` and a payment of ``on_account`` of ``partner``, not
        matched to any invoice."""
        credit_note = self._invoice(partner, refund, day, post=False)
        credit_note.move_type = "out_refund"
        credit_note.action_post()
        if on_account:
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": partner.id,
                    "amount": on_account,
                    "date": day,
                }
            )
            payment.action_post()
        return credit_note

    @freeze_time("2026-11-20")
    def test_open_credits_deducted_from_the_claim(self):
        # 1 200 + 800 due, a credit note of 300 and 100 paid on account, not matched: the
        # injonction de payer file and the agency's invoice list claim 2 000 - 400 = 1 600;
        # the write-off matches the credits first and writes off 1 600.
        credit_note = self._open_credits(self.customer, 300.0, 100.0)
        case = self._case(self.inv_1 + self.inv_2, litigation_type="recovery", proof_checked=True)
        self.assertRecordValues(case, [{"amount_residual": 2000.0, "open_credit_amount": 400.0}])
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("recouvrement_b2b.report_litigation_dossier", case.ids)[0]
            .decode()
        )
        text = " ".join(html.split())
        self.assertIn("Less the debtor's open credits", text)
        self.assertIn('-<span><span class="oe_currency_value">400.00</span>', text)
        self.assertIn('<span class="oe_currency_value">1,600.00</span>', text)
        self.assertEqual(
            case._get_handover_invoice_rows()[-1],
            ["Open credits deducted", "", "", "", "", "-400.00", "", "", "EUR"],
        )
        wizard = Form(
            self.env["recouvrement.litigation.close"]
            .with_user(self.manager)
            .with_context(default_litigation_id=case.id)
        )
        wizard.outcome = "written_off"
        wizard.save().action_confirm()
        bad_debt = case.write_off_move_id.line_ids.filtered(lambda ln: ln.balance > 0)
        self.assertEqual(bad_debt.balance, 1600.0)
        self.assertEqual(credit_note.amount_residual, 0.0)
        self.assertRecordValues(self.inv_1 + self.inv_2, [{"payment_state": "paid"}] * 2)

    @freeze_time("2026-11-20")
    def test_open_credits_covering_the_claim_refuse_filing(self):
        # 500 due and a credit note of 600: nothing to claim before a court.
        self._open_credits(self.other_customer, 600.0, 0.0)
        case = self._case(self.inv_other, litigation_type="recovery", proof_checked=True)
        self.assertRecordValues(case, [{"open_credit_amount": 500.0, "claim_liquid": False}])
        with self._refused(
            UserError,
            r"Nothing to claim: the customer's open credits \(500.00\xa0€\) cover the amount "
            r"due \(500.00\xa0€\)",
        ):
            case.action_file()
        self.assertFalse(case.filing_date)

    @freeze_time("2026-11-20")
    def test_write_off_entry(self):
        self._pay(self.inv_1, 200.0, "2026-10-01")
        case = self._case(self.inv_1 + self.inv_2, litigation_type="recovery")
        with self._refused(UserError, "Only a credit manager can write a debt off"):
            case._close("written_off", account=self.company_data["default_account_expense"])
        self.assertFalse(case.is_closed)

        wizard = Form(
            self.env["recouvrement.litigation.close"]
            .with_user(self.manager)
            .with_context(default_litigation_id=case.id)
        )
        wizard.outcome = "written_off"
        bad_debt = wizard.write_off_account_id
        self.assertEqual(bad_debt.code, "654100")
        wizard.save().action_confirm()
        entry = case.write_off_move_id
        with self._refused(UserError, "reverse its write-off entry"):
            case.action_reopen()
        self.assertRecordValues(
            entry, [{"state": "posted", "move_type": "entry", "date": date(2026, 11, 20)}]
        )
        self.assertRecordValues(
            entry.line_ids.sorted("balance"),
            [
                {"balance": -1000.0, "reconciled": True},
                {"balance": -800.0, "reconciled": True},
                {"balance": 1800.0, "reconciled": False},
            ],
        )
        self.assertEqual(entry.line_ids[-1].account_id, bad_debt)
        self.assertRecordValues(
            self.inv_1 + self.inv_2,
            [{"payment_state": "paid", "litigation_id": False}] * 2,
        )
        self.assertRecordValues(case, [{"outcome": "written_off", "is_closed": True}])

    @freeze_time("2026-11-20")
    def test_write_off_account_from_settings(self):
        account = self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(self.company),
                ("code", "=", "654400"),
            ]
        )
        settings = self.env["res.config.settings"].create({})
        settings.recouvrement_bad_debt_account_id = account
        settings.execute()
        case = self._case(self.inv_1, litigation_type="recovery")
        wizard = Form(
            self.env["recouvrement.litigation.close"]
            .with_user(self.manager)
            .with_context(default_litigation_id=case.id)
        )
        wizard.outcome = "written_off"
        self.assertEqual(wizard.write_off_account_id, account)

    @freeze_time("2026-11-20")
    def test_write_off_account_fallbacks(self):
        """654100 by its template xml id, else the first 654 account, else the user chooses."""
        Account = self.env["account.account"]
        accounts = Account.search(
            [*Account._check_company_domain(self.company), ("code", "=like", "654%")]
        )
        template = self.env.ref(f"account.{self.company.id}_pcg_6541")
        self.assertEqual(template.code, "654100")
        # A 654000 account sorts first by code: the template's account is still chosen.
        Account.create(
            {
                "code": "654000",
                "name": "Pertes diverses",
                "account_type": "expense",
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        Litigation = self.env["recouvrement.litigation"]
        self.assertEqual(Litigation._get_bad_debt_account(self.company), template)
        # Deprecated: the first other 654 account by code.
        template.deprecated = True
        self.assertEqual(Litigation._get_bad_debt_account(self.company).code, "654000")
        # None left: the wizard proposes nothing and asks for one.
        (accounts | Account.search([("code", "=", "654000")])).deprecated = True
        self.assertFalse(Litigation._get_bad_debt_account(self.company))
        case = self._case(self.inv_1, litigation_type="recovery")
        wizard = Form(
            self.env["recouvrement.litigation.close"]
            .with_user(self.manager)
            .with_context(default_litigation_id=case.id)
        )
        wizard.outcome = "written_off"
        self.assertFalse(wizard.write_off_account_id)
        with self._refused(UserError, "choose the bad-debt expense account"):
            case.with_user(self.manager)._close("written_off")
        self.assertFalse(case.is_closed)

    def test_views_load(self):
        """Kanban, list, form, calendar and search views of cases and deadlines render."""
        for model, types in (
            ("recouvrement.litigation", ("kanban", "list", "form", "calendar", "search")),
            ("recouvrement.litigation.deadline", ("calendar", "list", "search")),
        ):
            views = (
                self.env[model]
                .with_user(self.controller)
                .get_views([(False, view_type) for view_type in types])
            )
            self.assertEqual(set(views["views"]), set(types))
        menu = self.env.ref("recouvrement_b2b.menu_recouvrement_litigation")
        self.assertIn(
            menu.id, self.env["ir.ui.menu"].with_user(self.controller)._visible_menu_ids()
        )
        visible = self.env["ir.ui.menu"].with_user(self.salesman)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)

    def test_salesman_cannot_read_cases(self):
        case = self._case(self.inv_1)
        with self.assertRaises(AccessError):
            case.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            self.Litigation.with_user(self.salesman).search([])
        self.assertEqual(case.with_user(self.controller).read(["name"])[0]["name"], case.name)


@tagged("post_install", "-at_install")
class TestLitigationReport(LitigationCommon, HttpCase):
    def _pdf_text(self, report, records):
        """Render ``report`` as a PDF for the credit controller and return its text."""
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.controller)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        self.assertEqual(report_type, "pdf")
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf_file:
            pdf_file.write(pdf)
            pdf_file.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", pdf_file.name, "-"], capture_output=True, check=True
            ).stdout.decode()
        return " ".join(text.split())

    @freeze_time("2026-11-20")
    def test_dossier_pdf_content(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:%s" % config["http_port"]
        )
        self.company.partner_id.write(
            {"siren": "734640972", "rcs": "RCS Lyon B 734 640 972", "city": "Lyon"}
        )
        case = self._case(self.inv_1 + self.inv_2, litigation_type="recovery", proof_checked=True)
        case.write({"formal_notice_date": "2026-10-05", "court": "Tribunal de commerce de Lyon"})
        self.env["recouvrement.dunning.event"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "move_ids": [Command.set(self.inv_1.ids)],
                "channel": "email",
                "state": "sent",
                "date": "2026-07-15",
            }
        )
        AccountMove = type(self.env["account.move"])

        def penalty_figures(moves, to_date):
            # The penalties feature computes these; fixed figures keep this test about the file.
            self.assertEqual(to_date, date(2026, 11, 20))
            return {
                move.id: {"penalty": 25.5, "indemnity": 40.0, "rate": 12.15, "days": 143}
                for move in moves
            }

        with patch.object(AccountMove, "_get_penalty_figures", penalty_figures):
            text = self._pdf_text("recouvrement_b2b.action_report_litigation_dossier", case)
        for expected in (
            "Cerfa form 12946*02",
            "SIREN: 734 640 972",
            "RCS Lyon B 734 640 972",
            "SIREN: 364 808 949",
            "RCS Saint-Étienne B 364 808 949",
            "Menuiserie Garnier",
            f"{self.inv_1.name} 05/31/2026 06/30/2026 1,200.00 € 25.50 € 40.00 € 1,265.50 €",
            f"{self.inv_2.name} 06/15/2026 07/15/2026 800.00 € 25.50 € 40.00 € 865.50 €",
            "Total claimed 2,000.00 € 51.00 € 80.00 € 2,131.00 €",
            "07/15/2026 Email Sent",
            "10/05/2026 Formal notice (mise en demeure)",
            f"1. Invoice {self.inv_1.name} of 05/31/2026",
            f"2. Invoice {self.inv_2.name} of 06/15/2026",
            "3. Formal notice (mise en demeure) sent on 10/05/2026",
            "4. Reminder of 07/15/2026 (Email)",
            "Tribunal de commerce de Lyon",
        ):
            self.assertIn(expected, text)
        summary = self._pdf_text("recouvrement_b2b.action_report_litigation_summary", case)
        for expected in (
            "Menuiserie Garnier",
            "Legal recovery",
            f"{self.inv_1.name} 06/30/2026 06/30/2031 1,200.00 €",
            "The claim is certaine, liquide and exigible.",
        ):
            self.assertIn(expected, summary)
