from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import format_date


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
            move = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=90),
                    "invoice_date_due": today - timedelta(days=60),
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Lames", "price_unit": 1000.0, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
            move.action_post()
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
            moves = case.write_off_move_id | env["account.move"].browse(self.move_id)
            env["ir.attachment"].search(
                [("res_model", "=", case._name), ("res_id", "=", case.id)]
            ).unlink()
            case.unlink()
            moves.line_ids.remove_move_reconcile()
            moves.button_draft()
            moves.with_context(force_delete=True).unlink()
            env["res.partner"].browse([self.partner_id, self.agency_id]).unlink()

    def _at_once(self, action):
        """Run ``action(env)`` in two transactions started together; the second one commits
        after the first, as Odoo retries it. :return: (the first env, the retry's UserError)"""
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
        with self.assertRaises(UserError) as caught:
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
