from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestDunningChecks(RecouvrementCommon):
    """Issue 17, checked again with other inputs of the same kinds: a reminder claims exactly
    what is owed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._standard_ladder()
        levels = cls.policy.level_ids
        cls.level_courtesy, cls.level_courteous, cls.level_firm = levels[:3]
        cls.level_last_call, cls.level_notice, cls.level_litigation = levels[3:]
        cls.Dunning = cls.env["recouvrement.dunning"].with_user(cls.controller)

    def _run(self, day):
        """The cron's code path on ``day`` (plan, then send), as the credit controller."""
        day = fields.Date.to_date(day)
        with freeze_time(day):
            plan = self.Dunning._get_plan(day, companies=self.company)
            return self.Dunning._send_reminders(plan, day)

    def _post(self, event, day):
        with freeze_time(day):
            event.action_mark_posted()

    def test_indemnity_of_a_dollar_invoice_is_40_euros(self):
        # 1 000 USD dated 1 January 2026 (1 EUR = 1.25 USD: 800 EUR), due 31 January, when
        # 1 EUR = 1.10 USD. On 20 February the firm reminder claims 800 EUR, the penalty
        # 1 000 x 12.15 % x 20 / 365 = 6.66 USD = 5.33 EUR at the invoice's rate, and the
        # D441-5 indemnity: 40 EUR, not 44 USD taken back at the invoice's rate (35.20).
        usd = self.setup_other_currency("USD", rates=[("2026-01-01", 1.25), ("2026-01-31", 1.10)])
        self.level_firm.claim_penalties = True
        move = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-31", currency=usd)
        self.assertEqual(move.amount_residual_signed, 800.0)
        event = self._run("2026-02-20")
        self.assertRecordValues(
            event,
            [
                {
                    "level_id": self.level_firm.id,
                    "amount_due": 800.0,
                    "amount_penalty": 5.33,
                    "amount_indemnity": 40.0,
                    "amount_total": 845.33,
                }
            ],
        )
        self.assertEqual(
            [(line["penalty"], line["indemnity"]) for line in event._get_letter_lines()],
            [(5.33, 40.0)],
        )
