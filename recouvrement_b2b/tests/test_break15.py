"""Break test of issue 15 (collective proceedings, agency, factoring, bad-debt VAT, RGPD): the
defects found by a fresh tester, each with the value that was wrong."""

import json
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import RecouvrementCommon


@tagged("post_install", "-at_install")
class TestPersonalDataEveryNote(RecouvrementCommon):
    """RGPD (CNIL référentiel "gestion des impayés"): every free-text note collection holds on a
    natural person (call notes, promise notes, dispute descriptions, as the reminders' and the
    cases') is anonymised past the retention and exported on request; a company's stay."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.person = cls.env["res.partner"].create({"name": "Jean Artisan", "is_company": False})
        # a natural person with only a call, a promise and a dispute: no reminder, no case
        cls.debtors = cls.person | cls.customer
        cls.calls = cls.env["recouvrement.call"]
        cls.promises = cls.env["recouvrement.promise"]
        cls.disputes = cls.env["recouvrement.dispute"]
        for partner in cls.debtors:
            move = cls._invoice(partner, 100, date(2019, 1, 10), date(2019, 2, 10))
            with freeze_time("2019-02-20"):
                call = cls.env["recouvrement.call"].create(
                    {
                        "partner_id": partner.id,
                        "company_id": cls.company.id,
                        "date": date(2019, 2, 20),
                        "outcome": "reached",
                        "note": "Said his wife is ill, will pay on 1 March",
                    }
                )
                call.message_post(
                    body="Called back about the illness",
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
                cls.calls |= call
                cls.promises |= cls.env["recouvrement.promise"].create(
                    {
                        "partner_id": partner.id,
                        "amount": 100.0,
                        "date": date(2019, 3, 1),
                        "move_ids": [Command.set(move.ids)],
                        "note": "Promised on the phone, sounded drunk",
                    }
                )
                cls.disputes |= cls.env["recouvrement.dispute"].create(
                    {
                        "move_id": move.id,
                        "reason": "price",
                        "amount": 10.0,
                        "description": "Contests the price, divorcing",
                    }
                )
            cls._pay(move, 100, date(2019, 3, 1))

    def test_purge_clears_call_promise_and_dispute_notes(self):
        Data = self.env["recouvrement.personal.data"]
        # Settled 2019-03-01: kept until 2024-03-01.
        with freeze_time("2024-02-15"):
            Data._cron_purge_personal_data()
        self.assertEqual(self.calls[0].note, "Said his wife is ill, will pay on 1 March")
        with freeze_time("2024-06-01"):
            Data._cron_purge_personal_data()
        person_call, company_call = self.calls
        person_promise, company_promise = self.promises
        person_dispute, company_dispute = self.disputes
        self.assertFalse(person_call.note)
        self.assertFalse(person_promise.note)
        self.assertFalse(person_dispute.description)
        self.assertFalse(person_call.message_ids.filtered(lambda m: m.message_type == "comment"))
        self.assertEqual(self.person.collection_data_purged_on, date(2024, 6, 1))
        # the company's notes are not personal data: untouched
        self.assertEqual(company_call.note, "Said his wife is ill, will pay on 1 March")
        self.assertEqual(company_promise.note, "Promised on the phone, sounded drunk")
        self.assertEqual(company_dispute.description, "Contests the price, divorcing")
        self.assertTrue(company_call.message_ids.filtered(lambda m: m.message_type == "comment"))
        # nothing left the second time
        with freeze_time("2024-06-08"):
            self.assertFalse(Data._get_purge_candidates(date(2024, 6, 8)))

    def test_export_holds_call_promise_and_dispute_notes(self):
        data = self.env["recouvrement.personal.data"]._get_partner_data(self.person)
        self.assertEqual(
            [call["note"] for call in data["calls"]], ["Said his wife is ill, will pay on 1 March"]
        )
        self.assertEqual(
            [promise["note"] for promise in data["promises"]],
            ["Promised on the phone, sounded drunk"],
        )
        self.assertEqual(
            [dispute["description"] for dispute in data["disputes"]],
            ["Contests the price, divorcing"],
        )
        self.assertIn("Called back about the illness", json.dumps(data["notes"], default=str))

