from datetime import date, timedelta

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import DunningRunCommon, TwoCursorsCommon, post_invoice


@tagged("post_install", "-at_install")
class TestBreak17Prescription(DunningRunCommon):
    """Issue 17 (#8 to #12) again with other inputs: prescription chains, consumers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Litigation = cls.env["recouvrement.litigation"]

    def _case(self, moves, **vals):
        return self.Litigation.create(
            {
                "partner_id": moves.partner_id[:1].id,
                "company_id": self.company.id,
                "move_ids": [Command.set(moves.ids)],
                **vals,
            }
        )

    def test_service_after_an_acknowledgment_restarts_from_the_service(self):
        # Due 2020-03-10: time-barred after 2025-03-10 (5 years, L110-4). A payment plan
        # signed 2024-06-01 acknowledges the debt (art. 2240): a new period to 2029-06-01
        # (art. 2231). The injonction's order served 2026-04-15 (within that period, art.
        # 2241) restarts it again: 2026-04-15 + 5 years = 2031-04-15. The old value
        # 2025-03-10 dropped the service as "after the expiry" of the first period.
        old = self._invoice(self.customer, 900.0, "2020-02-10", "2020-03-10")
        self.assertEqual(old.prescription_date, date(2025, 3, 10))
        with freeze_time("2024-06-01"):
            self.Litigation._interrupt_prescription(old, date(2024, 6, 1))
        self.assertEqual(old.prescription_date, date(2029, 6, 1))
        with freeze_time("2026-03-20"):  # filed 2026-03-20: no interruption (Cass. 1re civ.)
            case = self._case(old, litigation_type="recovery", proof_checked=True)
            case.action_file()
        self.assertEqual(old.prescription_date, date(2029, 6, 1))
        with freeze_time("2026-04-15"):  # recorded the day it is served
            case.write({"order_date": "2026-04-01", "service_date": "2026-04-15"})
        self.assertEqual(old.prescription_date, date(2031, 4, 15))
        self.assertEqual(case.prescription_date, date(2031, 4, 15))

    def test_proceedings_closed_after_five_years_restart_from_the_closing(self):
        # Due 2020-01-15 (time-barred after 2025-01-15 without any act). Redressement opened
        # 2020-06-01 (BODACC 2020-06-15); claim declared 2020-07-01: prescription interrupted
        # until the proceedings close (L622-25-1), which they do on 2026-02-01 (a plan):
        # a new period from the closing: 2026-02-01 + 5 years = 2031-02-01. The old value
        # 2025-01-15 dropped the closing as "after the expiry" of the first period.
        debtor = self._customer("Tissages", siren="882029382")
        old = self._invoice(debtor, 700.0, "2019-12-16", "2020-01-15")
        mandataire = self._customer("Mandataires")
        debtor.write({"collective_proceedings": "redressement", "proceedings_date": "2020-06-01"})
        with freeze_time("2020-07-01"):
            declaration = (
                self.env["recouvrement.claim.declaration"]
                .with_user(self.controller)
                .create(
                    {
                        "partner_id": debtor.id,
                        "mandataire_id": mandataire.id,
                        "publication_date": date(2020, 6, 15),
                    }
                )
            )
            self.assertEqual(declaration.move_ids, old)
            declaration.action_declare()
        self.assertFalse(old.prescription_date)
        with freeze_time("2026-02-02"):
            declaration.write({"close_date": date(2026, 2, 1), "closure_reason": "plan"})
            declaration.action_close()
        self.assertEqual(old.prescription_interruption_date, date(2026, 2, 1))
        self.assertEqual(old.prescription_date, date(2031, 2, 1))

    def test_acknowledgment_after_prescription_does_not_revive(self):
        # Due 2020-03-10, nothing interrupted it: time-barred after 2025-03-10. A payment plan
        # signed 2025-04-01 comes too late (art. 2240 interrupts a running period only): the
        # invoice keeps 2025-03-10, no interruption is recorded.
        old = self._invoice(self.customer, 900.0, "2020-02-10", "2020-03-10")
        with freeze_time("2025-04-01"):
            recorded = self.Litigation._interrupt_prescription(old, date(2025, 4, 1))
        self.assertFalse(recorded)
        self.assertRecordValues(
            old, [{"prescription_interruption_date": False, "prescription_date": date(2025, 3, 10)}]
        )


@tagged("post_install", "-at_install")
class TestBreak17PenaltyConcurrency(TwoCursorsCommon):
    """Two users invoice penalties at once (two cursors, committed data) on overlapping
    selections: the first on invoices A and B, the second on B and C. The second waits for
    the first's locks, fails with a serialization error that Odoo's request handling
    retries; the retry charges C only: B is charged once."""

    partner_name = "Scierie Pénalités"

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.partner_id)
            # the company's income accounts for penalties (the test database's chart may lack
            # the French ones), restored afterwards
            company = env.company
            self.accounts = (company.penalty_account_id, company.penalty_indemnity_account_id)
            income = env["account.account"].search(
                [("account_type", "=", "income"), ("company_ids", "in", company.id)], limit=1
            )
            company.write(
                {"penalty_account_id": income.id, "penalty_indemnity_account_id": income.id}
            )
            self.other_ids = [
                post_invoice(
                    env, partner, self.today - timedelta(days=60), self.today - timedelta(days=30)
                ).id
                for _i in range(2)
            ]

    def _clean_up_records(self, env):
        penalties = env["account.move"].search(
            [("partner_id", "=", self.partner_id), ("is_penalty_invoice", "=", True)]
        )
        penalties.with_context(force_delete=True).unlink()
        others = env["account.move"].browse(self.other_ids)
        others.button_draft()
        others.with_context(force_delete=True).unlink()
        env.company.write(
            {
                "penalty_account_id": self.accounts[0].id,
                "penalty_indemnity_account_id": self.accounts[1].id,
            }
        )

    def test_two_users_invoice_overlapping_penalties_at_once(self):
        move_a, move_b, move_c = [self.move_id, *self.other_ids]

        def charge(env, move_ids):
            invoices = env["account.move"].browse(move_ids)._create_penalty_invoices()
            env.flush_all()
            return invoices

        env1, env2 = self.envs
        env1.cr.execute("SELECT 1")  # its snapshot is taken before the other one commits
        first = charge(env2, [move_a, move_b])
        first_sources = first.invoice_line_ids.penalty_source_move_id.ids
        env2.cr.commit()
        self.assertEqual(sorted(first_sources), sorted([move_a, move_b]))
        with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
            charge(env1, [move_b, move_c])
        env1.cr.rollback()  # odoo.service.model.retrying: the request again
        env1.transaction.reset()
        second = charge(env1, [move_b, move_c])
        env1.cr.commit()
        # each invoice of 1 000 due 30 days ago is charged once: its penalty line and its
        # indemnity line, B in the first penalty invoice only
        self.assertEqual(second.invoice_line_ids.penalty_source_move_id.ids, [move_c])
        lines = env1["account.move.line"].search(
            [("penalty_source_move_id", "in", [move_a, move_b, move_c])]
        )
        per_source = {
            move_id: len(
                lines.filtered(lambda line, m=move_id: line.penalty_source_move_id.id == m)
            )
            for move_id in (move_a, move_b, move_c)
        }
        self.assertEqual(per_source, {move_a: 2, move_b: 2, move_c: 2})
