import smtplib
from unittest.mock import patch

from freezegun import freeze_time

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

    def _credit_note(self, partner, amount, day, currency=None):
        """A posted credit note of ``amount`` (``currency``, default EUR) to ``partner`` on
        ``day``, matched to no invoice."""
        refund = self._invoice(partner, amount, day, currency=currency, post=False)
        refund.move_type = "out_refund"
        refund.action_post()
        return refund

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
        self._credit_note(self.customer, 2500.0, "2026-03-10", currency=usd)
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

    def test_refused_address_after_the_letter_fallback_gets_letters(self):
        # Issue 17 #4 with a refusal by the recipient's server instead of a bounce message:
        # 1 000 due 1 March; the courteous email of 2 March is refused (550 5.1.1 user
        # unknown): undelivered, sent again by letter on 3 March, posted. On 16 March the firm
        # level (J+15) goes by letter too, as after a bounce (test_bounce_after_a_letter_
        # fallback): the address is known to reach nobody (was: emailed to it again, to fail
        # again, the firm reminder reaching the customer a day later by letter).
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
        firm = self._run("2026-03-16")
        self.assertRecordValues(
            firm, [{"level_id": self.level_firm.id, "channel": "letter", "state": "to_post"}]
        )
        self.assertIn("was not delivered", firm.note)
