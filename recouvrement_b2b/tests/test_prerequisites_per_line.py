"""Issue 17 #1 x #12, the prerequisite steps per receivable line: the transfer to litigation
takes only the instalments a delivered formal notice listed and whose payment deadline
passed; a later instalment goes through its own reminders before it is claimed in court
(README, product decisions: "The transfer to litigation claims what the formal notice
claimed")."""

import re
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import InstalmentRunsCommon


class PrerequisitesCommon(InstalmentRunsCommon):
    """The standard ladder (:class:`InstalmentRunsCommon`) and the tester's invoice in three
    instalments."""

    def _three_instalments(self):
        """The tester's invoice: 1 200 dated 1 January 2026, 40 % at 20 days (480 due
        21 January), 30 % at 45 days (360 due 15 February), 30 % at 75 days (360 due
        17 March); its receivable lines by due date."""
        lines = self._instalments(((40, 20), (30, 45), (30, 75)), 1200.0)
        return lines.move_id, lines

    def _transferred(self):
        """The tester's invoice through the third's last call of 18 Mar and the transfer of
        27 Mar claiming the first two instalments (840): ``(move, lines, case)``."""
        move, lines = self._three_instalments()
        self._runs([*self.LADDER_DAYS, "2026-03-18"])
        case = self._post(self._run("2026-03-27"), "2026-03-27").litigation_id
        self.assertEqual(case.line_ids, lines[:2])
        return move, lines, case

    # the first two instalments' ladder: courteous 22 Jan (21 Jan + 1), firm 5 Feb (+15), last
    # call 20 Feb (+30, the second one 5 days late joins it: 480 + 360 = 840), formal notice
    # 7 Mar (+45, the last call's deadline 20 Feb + 8 = 28 Feb passed), litigation 22 Mar (+60)
    LADDER_DAYS = ["2026-01-22", "2026-02-05", "2026-02-20", "2026-03-07"]


@tagged("post_install", "-at_install")
class TestPrerequisitesPerLine(PrerequisitesCommon):
    """The transfer to litigation and the formal notice per instalment."""

    def test_litigation_claims_what_the_formal_notice_claimed(self):
        move, (first, second, third) = self._three_instalments()
        jan21, feb15, mar17 = date(2026, 1, 21), date(2026, 2, 15), date(2026, 3, 17)
        sent = self._runs(self.LADDER_DAYS)
        self.assertEqual(sent["2026-03-07"], ("Formal notice", 840.0, [jan21, feb15]))
        # posted 7 Mar, received 10 Mar, 8 days to pay: until 18 Mar.
        # 22 Mar = 21 Jan + 60: the transfer to litigation takes the two instalments the
        # formal notice listed, 480 + 360 = 840 (old: 1 200, with the third, due 17 Mar, that
        # no reminder named)
        transfer = self._post(self._run("2026-03-22"), "2026-03-22")
        self.assertEqual(transfer.level_id, self.level_litigation)
        self.assertEqual(transfer.amount_due, 840.0)
        self.assertEqual(transfer.line_ids, first | second)
        case = transfer.litigation_id
        self.assertEqual(case.line_ids, first | second)
        with freeze_time("2026-03-22"):
            case.invalidate_recordset(["amount_residual"])
            self.assertEqual(case.amount_residual, 840.0)
        self.assertEqual(third.dunning_level_id, self.env["recouvrement.dunning.level"])
        # the third goes through its own ladder: courteous 23 Mar (a day after the transfer,
        # one communication a day), firm 1 Apr (17 Mar + 15), last call 16 Apr (+30), formal
        # notice 1 May (+45), each for 360; then the transfer of 16 May (+60) adds it to
        # the case: 840 + 360 = 1 200
        sent = self._runs(["2026-03-23", "2026-04-01", "2026-04-16", "2026-05-01"])
        self.assertEqual(
            sent,
            {
                "2026-03-23": ("Courteous reminder", 360.0, [mar17]),
                "2026-04-01": ("Firm reminder", 360.0, [mar17]),
                "2026-04-16": ("Last call", 360.0, [mar17]),
                "2026-05-01": ("Formal notice", 360.0, [mar17]),
            },
        )
        transfer = self._post(self._run("2026-05-16"), "2026-05-16")
        self.assertEqual(transfer.line_ids, third)
        self.assertEqual(transfer.litigation_id, case)
        self.assertEqual(case.line_ids, first | second | third)
        with freeze_time("2026-05-16"):
            case.invalidate_recordset(["amount_residual"])
            self.assertEqual(case.amount_residual, 1200.0)
        self.assertEqual(move.litigation_id, case)

    def test_partial_payment_on_the_second_instalment(self):
        # 200 paid on 10 February: Odoo matches it with the oldest instalment first, 480 - 200
        # = 280 left of the first; the last call of 20 Feb and the formal notice of 7 Mar list
        # 280 + 360 = 640; the transfer of 22 Mar claims 640 (old: 640 + 360 = 1 000).
        move, (first, second, third) = self._three_instalments()
        self._pay(move, 200.0, "2026-02-10")
        sent = self._runs(self.LADDER_DAYS)
        self.assertEqual(sent["2026-03-07"][:2], ("Formal notice", 640.0))
        transfer = self._post(self._run("2026-03-22"), "2026-03-22")
        self.assertEqual((transfer.amount_due, transfer.line_ids), (640.0, first | second))
        with freeze_time("2026-03-22"):
            self.assertEqual(transfer.litigation_id.amount_residual, 640.0)
        # the third, 360, gets its own courteous reminder the next day
        [courteous] = self._run("2026-03-23")
        self.assertEqual(
            (courteous.level_id, courteous.amount_due, courteous.line_ids),
            (self.level_courteous, 360.0, third),
        )

    def test_invoice_without_instalments_is_transferred_whole(self):
        # 1 000 due 21 January, no instalments: the same ladder; the transfer of 22 Mar claims
        # the invoice's one line, 1 000, as before
        move = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-21")
        self._runs(self.LADDER_DAYS)
        transfer = self._post(self._run("2026-03-22"), "2026-03-22")
        self.assertEqual(transfer.level_id, self.level_litigation)
        self.assertEqual(transfer.amount_due, 1000.0)
        case = transfer.litigation_id
        self.assertEqual(case.line_ids, transfer.line_ids)
        self.assertEqual(move.litigation_id, case)
        with freeze_time("2026-03-22"):
            self.assertEqual(case.amount_residual, 1000.0)
        # nothing of it is reminded any more
        self.assertFalse(self._run("2026-03-23"))

    def test_other_invoice_never_reminded_does_not_ride_on_the_notice(self):
        # X: 1 000 due 21 January (the ladder above); Y: 300 due 17 March, never reminded
        # (its courteous level 18 Mar waits for X's next step). 22 Mar: the transfer takes X
        # alone, 1 000 (old: X and Y, 1 300, Y in the case); Y gets its own courteous
        # reminder on 23 Mar, 300.
        move_x = self._invoice(self.customer, 1000.0, "2026-01-01", "2026-01-21")
        move_y = self._invoice(self.customer, 300.0, "2026-02-15", "2026-03-17")
        self._runs(self.LADDER_DAYS)
        transfer = self._post(self._run("2026-03-22"), "2026-03-22")
        self.assertEqual((transfer.level_id, transfer.amount_due), (self.level_litigation, 1000.0))
        self.assertEqual(transfer.move_ids, move_x)
        case = transfer.litigation_id
        self.assertEqual(case.move_ids, move_x)
        self.assertFalse(move_y.litigation_id)
        with freeze_time("2026-03-22"):
            self.assertEqual(case.amount_residual, 1000.0)
        [courteous] = self._run("2026-03-23")
        self.assertEqual(
            (courteous.level_id, courteous.amount_due, courteous.move_ids),
            (self.level_courteous, 300.0, move_y),
        )

    def test_file_and_write_off_take_the_instalments_claimed(self):
        # the tester's case after the transfer of 22 Mar (840): its file claims 840 of
        # principal on the invoice and the invoice shows 840 claimed (old: 1 200); written
        # off on 25 Mar, the entry writes off 480 + 360 = 840 and leaves the third, 360, open
        # (old: 1 200 written off)
        move, (first, second, third) = self._three_instalments()
        self._runs(self.LADDER_DAYS)
        case = self._post(self._run("2026-03-22"), "2026-03-22").litigation_id
        with freeze_time("2026-03-25"):
            [line] = case._get_dossier_lines()
            self.assertEqual(line["principal"], 840.0)
            move.invalidate_recordset(["litigation_claimed_amount"])
            self.assertEqual(move.litigation_claimed_amount, 840.0)
            case.with_user(self.manager)._close(
                "written_off", account=self.company_data["default_account_expense"]
            )
        entry = case.write_off_move_id
        self.assertEqual(entry.amount_total, 840.0)
        self.assertEqual((first.amount_residual, second.amount_residual), (0.0, 0.0))
        self.assertEqual(third.amount_residual, 360.0)

    def test_write_off_of_an_invoice_with_two_open_instalments(self):
        # a case opened by hand on 1 000 in two instalments of 500 (31 January, 2 March),
        # nothing paid, written off on 1 April: the entry writes off 500 + 500 = 1 000 (old:
        # "You are trying to reconcile some entries that are already reconciled", both
        # counterparts bear the invoice's label and the first instalment took both)
        move = self._instalments(((50, 30), (50, 60))).move_id
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(move.ids)],
                "litigation_type": "recovery",
            }
        )
        self.assertFalse(case.line_ids)
        with freeze_time("2026-04-01"):
            case.with_user(self.manager)._close(
                "written_off", account=self.company_data["default_account_expense"]
            )
        self.assertEqual(case.write_off_move_id.amount_total, 1000.0)
        self.assertEqual(move.amount_residual, 0.0)

    def test_formal_notice_lists_only_instalments_a_reminder_named(self):
        # 1 000 in halves due 31 January and 2 March, runs on 1 Feb, 15 Feb, 2 Mar and
        # 17 Mar only (none on 3 Mar): the formal notice of 17 Mar (31 Jan + 45) lists the
        # first half alone, 500 (old: 1 000 with the second, which no reminder named); the
        # second gets the last call alone the next day, 500 (the first one's next step, the
        # transfer to litigation, presupposes a notice of it)
        first, second = self._instalments(((50, 30), (50, 60)))
        sent = self._runs(["2026-02-01", "2026-02-15", "2026-03-02", "2026-03-17", "2026-03-18"])
        jan31, mar2 = date(2026, 1, 31), date(2026, 3, 2)
        self.assertEqual(sent["2026-03-17"], ("Formal notice", 500.0, [jan31]))
        self.assertEqual(sent["2026-03-18"], ("Last call", 500.0, [mar2]))
        self.assertEqual(
            (first.dunning_level_id, second.dunning_level_id),
            (self.level_notice, self.level_last_call),
        )

    def test_third_instalment_reminded_alone_while_the_notice_runs(self):
        # the tester's invoice with a run on 18 Mar (17 Mar + 1): the first two are at the
        # formal notice, whose next step (litigation) presupposes a notice of the third; the
        # third gets the last call alone, 360 (old: nothing, it waited and was transferred
        # on 22 Mar unnamed). The transfer waits for the deadline the last reminder of the
        # invoice gave, 18 Mar + 8 = 26 Mar (README: no legal step before it): on 27 Mar it
        # takes 840; the third's formal notice comes on 1 May (17 Mar + 45).
        move, (first, second, third) = self._three_instalments()
        mar17 = date(2026, 3, 17)
        sent = self._runs([*self.LADDER_DAYS, "2026-03-18"])
        self.assertEqual(sent["2026-03-18"], ("Last call", 360.0, [mar17]))
        self.assertFalse(self._run("2026-03-26"))
        transfer = self._post(self._run("2026-03-27"), "2026-03-27")
        self.assertEqual((transfer.amount_due, transfer.line_ids), (840.0, first | second))
        sent = self._runs(["2026-03-28", "2026-04-01", "2026-04-16", "2026-05-01"])
        self.assertEqual(sent, {"2026-05-01": ("Formal notice", 360.0, [mar17])})

    def test_invoice_added_by_hand_to_a_transferred_case_is_claimed_whole(self):
        # the tester's case after the transfer of 22 Mar (840 = 480 + 360); Z, 500 due
        # 24 Mar, added to the case by hand on 28 Mar: none of Z's lines is in the case's
        # line_ids, so the case claims Z whole, as a case opened by hand: 840 + 500 = 1 340
        # (old: 840, Z claimed 0.00), and Z leaves the ladder: the run of 29 Mar reminds the
        # third instalment alone, courteous (17 Mar + 1), 360 (old: 860 = 360 + 500)
        move, (first, second, third) = self._three_instalments()
        move_z = self._invoice(self.customer, 500.0, "2026-02-22", "2026-03-24")
        self._runs(self.LADDER_DAYS)
        case = self._post(self._run("2026-03-22"), "2026-03-22").litigation_id
        self.assertEqual(case.line_ids, first | second)
        with freeze_time("2026-03-28"):
            case.write({"move_ids": [Command.link(move_z.id)]})
            self.assertEqual(move_z.litigation_id, case)
            case.invalidate_recordset(["amount_residual"])
            self.assertEqual(case.amount_residual, 1340.0)
            self.assertEqual(move_z.litigation_claimed_amount, 500.0)
            principals = {line["move"]: line["principal"] for line in case._get_dossier_lines()}
            self.assertEqual(principals, {move: 840.0, move_z: 500.0})
        sent = self._runs(["2026-03-29"])
        self.assertEqual(sent, {"2026-03-29": ("Courteous reminder", 360.0, [date(2026, 3, 17)])})

    def test_file_charges_penalties_on_the_instalments_claimed_only(self):
        # the tester's case after the transfer of 22 Mar (480 due 21 Jan + 360 due 15 Feb;
        # the third, 360 due 17 Mar, is not claimed). Its file and the agency hand-over
        # charge penalties on the two claimed only, at 12.15 %:
        # 28 Mar: 480 x 12.15 % x 66 / 365 = 10.545 and 360 x 12.15 % x 41 / 365 = 4.913,
        # 15.46 (old: 16.78, with the third's 360 x 12.15 % x 11 / 365 = 1.32);
        # 1 Apr: 480 x 12.15 % x 70 / 365 = 11.185 and 360 x 12.15 % x 45 / 365 = 5.393,
        # 16.58 (old: 18.37). The D441-5 indemnity, once per invoice, comes with the first
        # instalment claimed: 40.00, not again when the third joins the case
        move, (first, second, third) = self._three_instalments()
        self._runs(self.LADDER_DAYS)
        case = self._post(self._run("2026-03-22"), "2026-03-22").litigation_id
        for day, penalty in (("2026-03-28", 15.46), ("2026-04-01", 16.58)):
            with freeze_time(day):
                [line] = case._get_dossier_lines()
                self.assertEqual(
                    (line["principal"], line["penalty"], line["indemnity"], line["total"]),
                    (840.0, penalty, 40.0, 840.0 + penalty + 40.0),
                    day,
                )
                rows = case._get_handover_invoice_rows()
                self.assertEqual(rows[1][6:8], [f"{penalty:.2f}", "40.00"], day)

    def _credit_after_transfer(self, amount):
        """The tester's case after the transfer of 22 Mar (840), the third instalment's
        courteous reminder of 23 Mar (360), an unmatched payment of ``amount`` on 25 Mar:
        ``(case, the run of 1 Apr)``, the third's firm reminder (17 Mar + 15)."""
        self._three_instalments()
        self._runs(self.LADDER_DAYS)
        case = self._post(self._run("2026-03-22"), "2026-03-22").litigation_id
        self._runs(["2026-03-23"])
        self._unmatched_payment(self.customer, amount, "2026-03-25")
        return case, self._post(self._run("2026-04-01"), "2026-04-01")

    def test_open_credit_deducted_once_by_the_case_first(self):
        # a credit of 100 goes to the oldest claim first, the case's (art. 1342-10 Code
        # civil): the case claims 840 - 100 = 740; the third's firm reminder of 1 Apr asks
        # 360 and deducts nothing (old: 260, the same 100 deducted again: 740 + 260 = 1 000
        # in all instead of 1 200 - 100 = 1 100)
        case, [firm] = self._credit_after_transfer(100.0)
        with freeze_time("2026-04-01"):
            case.invalidate_recordset(["amount_residual", "open_credit_amount"])
            self.assertEqual((case.amount_residual, case.open_credit_amount), (840.0, 100.0))
        self.assertEqual(
            (firm.level_id, firm.amount_due, firm.amount_open_credit, firm.credit_line_ids.ids),
            (self.level_firm, 360.0, 0.0, []),
        )

    def test_open_credit_beyond_the_case_goes_to_the_reminder(self):
        # a credit of 1 000: the case takes 840 of it (claims 0), the reminder deducts what is
        # left, 1 000 - 840 = 160, and asks 360 - 160 = 200 (old: the whole 1 000 deducted
        # again, nothing asked); in all 1 200 - 1 000 = 200
        case, [firm] = self._credit_after_transfer(1000.0)
        with freeze_time("2026-04-01"):
            case.invalidate_recordset(["amount_residual", "open_credit_amount"])
            self.assertEqual((case.amount_residual, case.open_credit_amount), (840.0, 840.0))
        self.assertEqual((firm.amount_due, firm.amount_open_credit), (200.0, 160.0))

    def test_credit_shared_with_the_case_printed_as_deducted(self):
        # a credit of 900: the case takes 840 of it (oldest claim first), the firm reminder
        # of 1 Apr deducts the rest, 900 - 840 = 60, and asks 360 - 60 = 300. Its email,
        # letter and stored rows list the credit at 60.00, what it deducts: 360 - 60 = 300
        # adds up (old: 900.00 printed and stored, 360 - 900 != 300)
        _case, [firm] = self._credit_after_transfer(900.0)
        self.assertEqual((firm.amount_due, firm.amount_open_credit), (300.0, 60.0))
        with freeze_time("2026-04-01"):
            credits = firm._get_letter_credits()
            self.assertEqual([(c["amount_currency"], c["amount"]) for c in credits], [(60.0, 60.0)])
            [row] = [row for row in firm.sent_residuals if row[3]["credit"]]
            self.assertEqual(row[1:3], [-60.0, -60.0])
            email = firm.mail_message_id.body
            letter = (
                self.env["ir.actions.report"]
                ._render_qweb_html("recouvrement_b2b.report_dunning_letter", firm.ids)[0]
                .decode()
            )
        self.assertEqual(firm.channel, "email")
        # the credit's row: its name, its date, then 60.00 (not 360.00 nor 900.00)
        credit_row = re.escape(credits[0]["name"]) + r".{0,300}?[^0-9.,]60\.00"
        for text in (str(email), letter):
            self.assertRegex(text, re.compile(credit_row, re.S))
            self.assertNotIn("900.00", text)
        # reprinted later: the same 60.00, as stored
        with freeze_time("2026-04-20"):
            self.assertEqual([c["amount"] for c in firm._get_letter_credits()], [60.0])

    def test_handover_due_dates_of_the_claimed_instalments(self):
        # the case claims the first two instalments, 480 due 21 Jan + 360 due 15 Feb = 840:
        # the agency's invoice list gives their due dates only (old: the third's 17 Mar too,
        # which the case does not claim)
        case, _firm = self._credit_after_transfer(100.0)
        with freeze_time("2026-04-01"):
            row = case._get_handover_invoice_rows()[1]
        self.assertEqual(
            row[2:6:3],
            ["01/21/2026 (480.00\xa0€), 02/15/2026 (360.00\xa0€)", "840.00"],
        )


@tagged("post_install", "-at_install")
class TestNewcomersAloneOnlyWhenLate(PrerequisitesCommon):
    """An instalment newer than its invoice's formal notice is sent alone (at the older ones'
    last call) only once it is late: from its due date + the first late level's days (the
    courteous level, 1 day), never on the courtesy day before it falls due (fresh tester of
    trial12, fault 1)."""

    def _assert_nothing_late_before_due(self, sent):
        """No reminder at a level after the due date (days > 0) lists an instalment due on or
        after the day it is sent."""
        early = [
            (day, level.name, amount, due)
            for day, level, amount, due in sent
            if level.days > 0 and any(maturity >= day for maturity in due)
        ]
        self.assertEqual(early, [])

    def test_third_instalment_last_call_after_its_due_date(self):
        # daily runs, 10 Jan - 31 Mar, the tester's invoice: formal notice 7 Mar for 840; the
        # third (360 due 17 Mar) reaches its courtesy day on 12 Mar (17 Mar - 5): old, the
        # last call of 360 went that day, before it was due; now nothing until 18 Mar
        # (17 Mar + 1, the courteous level's day), the last call alone, 360; the transfer
        # waits for its deadline (18 Mar + 8 = 26 Mar): 27 Mar, 840 (480 + 360)
        self._three_instalments()
        mar17 = date(2026, 3, 17)
        sent = self._daily("2026-01-10", "2026-03-31")
        self._assert_nothing_late_before_due(sent)
        by_day = {day.isoformat(): (level.name, amount, due) for day, level, amount, due in sent}
        self.assertNotIn("2026-03-12", by_day)
        self.assertEqual(by_day["2026-03-18"], ("Last call", 360.0, [mar17]))
        self.assertEqual(
            by_day["2026-03-27"],
            ("Transfer to litigation", 840.0, [date(2026, 1, 21), date(2026, 2, 15)]),
        )
        self.assertFalse(
            [day for day in by_day if "2026-03-19" <= day < "2026-03-27"],
        )

    def test_next_date_is_the_day_the_newcomer_is_sent(self):
        # after the notice of 7 Mar, on 11 Mar: the older two's next step is the transfer of
        # 22 Mar (21 Jan + 60); the third is sent alone on 18 Mar (17 Mar + 1): the invoice's
        # next reminder date is 18 Mar (old: 22 Mar, while the run acted on 12 Mar)
        move, _lines = self._three_instalments()
        self._runs(self.LADDER_DAYS)
        self.assertEqual(
            self.Dunning._get_next_dates(move, date(2026, 3, 11))[move.id], date(2026, 3, 18)
        )

    def test_four_quarters(self):
        # 1 000 dated 1 Jan in four quarters of 250 due 31 Jan, 15 Feb, 2 Mar, 1 Apr, daily
        # runs to 30 Apr: old, a last call on 27 Mar for the 250 due 1 Apr; now no late level
        # lists an instalment before its due date
        self._instalments(((25, 30), (25, 45), (25, 60), (25, 90)))
        sent = self._daily("2026-01-20", "2026-04-30")
        self._assert_nothing_late_before_due(sent)
        # the transfer of 1 Apr (31 Jan + 60) takes the three the notice of 17 Mar listed,
        # 750; the fourth, due that day, is not late: its own courteous reminder on 2 Apr
        apr1 = date(2026, 4, 1)
        by_day = {day: (level.name, amount, due) for day, level, amount, due in sent}
        self.assertEqual(by_day[apr1][:2], ("Transfer to litigation", 750.0))
        self.assertEqual(by_day[date(2026, 4, 2)], ("Courteous reminder", 250.0, [apr1]))

    def test_invoice_dated_first_february(self):
        # 1 200 dated 1 Feb in 480 / 360 / 360 due 21 Feb, 18 Mar, 17 Apr, daily runs to
        # 30 Apr: old, last calls on 13 Mar (for 18 Mar) and 12 Apr (for 17 Apr); now none
        # before the due date
        self._instalments(((40, 20), (30, 45), (30, 75)), 1200.0, "2026-02-01")
        sent = self._daily("2026-02-10", "2026-04-30")
        self._assert_nothing_late_before_due(sent)

    def test_invoice_not_held_back_for_a_transfer_that_cannot_list_it(self):
        # the tester's invoice plus Z, 250 due 10 Mar, daily runs 10 Jan - 10 Apr: Z gets its
        # courtesy note on 5 Mar (10 Mar - 5) and its courteous reminder alone on 11 Mar
        # (+1); the older instalments' next step is the transfer (22 Mar, done 27 Mar), which
        # can list only instalments whose formal notice was delivered and its deadline passed:
        # never Z. Old: nothing for Z from 11 Mar to 9 Apr (a last call of 610 = 250 + 360 on
        # 9 Apr); now Z goes on through its own ladder: firm reminder alone on 25 Mar
        # (10 Mar + 15), 250; the transfer still on 27 Mar for 840 (480 + 360)
        self._three_instalments()
        mar10 = date(2026, 3, 10)
        self._invoice(self.customer, 250.0, "2026-02-08", "2026-03-10")
        sent = self._daily("2026-01-10", "2026-04-10")
        self._assert_nothing_late_before_due(sent)
        by_day = {day.isoformat(): (level.name, amount, due) for day, level, amount, due in sent}
        self.assertEqual(by_day["2026-03-11"], (self.level_courteous.name, 250.0, [mar10]))
        self.assertEqual(by_day["2026-03-25"], (self.level_firm.name, 250.0, [mar10]))
        self.assertEqual(
            by_day["2026-03-27"],
            (self.level_litigation.name, 840.0, [date(2026, 1, 21), date(2026, 2, 15)]),
        )


@tagged("post_install", "-at_install")
class TestWhatTheUserSeesOfTheSplit(PrerequisitesCommon):
    """After the transfer of 27 Mar claiming the first two instalments (840), the third
    (360 due 17 Mar, last call alone on 18 Mar) is still reminded: what the user sees counts
    it out of the case, as the run does (``_get_not_in_litigation_domain``; fresh tester of
    trial12, fault 5)."""

    def test_aged_balance_in_litigation_counts_the_instalments_claimed(self):
        # 28 Mar: "In litigation" 480 + 360 = 840 (old: 1 200, the third too); the third's
        # 360 stays in the overdue columns only
        move, _lines, _case = self._transferred()
        with freeze_time("2026-03-28"):
            rows = (
                self.env["recouvrement.aged.balance"]
                .with_user(self.controller)
                .search([("move_id", "=", move.id)])
            )
            self.assertEqual(sum(rows.mapped("under_litigation")), 840.0)
            self.assertEqual(sum(rows.mapped("residual")), 1200.0)

    def test_next_date_of_the_unclaimed_instalment(self):
        # 28 Mar: the third, at the last call since 18 Mar, gets its formal notice on 1 May
        # (17 Mar + 45): the invoice's next reminder date (old: none from the transfer on)
        move, _lines, _case = self._transferred()
        self.assertEqual(
            self.Dunning._get_next_dates(move, date(2026, 3, 28))[move.id], date(2026, 5, 1)
        )

    def test_worklist_next_step_legal_for_the_unclaimed_instalment(self):
        # 2 Apr: the third (360, 16 days late) is at the last call, its next step the formal
        # notice: legal (old: False, the invoice dropped because it is in a case); the
        # customer is on the worklist for a call due that day
        self._transferred()
        self._schedule_call(self.customer, date(2026, 4, 2))
        with freeze_time("2026-04-02"):
            self.env.flush_all()
            row = (
                self.env["recouvrement.worklist"]
                .with_user(self.controller)
                .search([("partner_id", "=", self.customer.id)])
            )
            self.assertEqual(len(row), 1)
            self.assertEqual(row.next_step_legal, True)

    def test_invoice_added_by_hand_is_seen_claimed_whole(self):
        # Z, 500 due 24 Mar, added by hand on 28 Mar to the case of 27 Mar (840): none of Z's
        # lines is in the case's line_ids, so the case claims Z whole and the run leaves it
        # out (merge of the two fixes); what the user sees must say the same: the aged
        # balance's "In litigation" 840 + 500 = 1 340 (a per-case rule gave 840, Z's 500 as
        # not claimed), and Z has no next reminder date (it had 29 Mar, its courteous level)
        move, _lines, case = self._transferred()
        move_z = self._invoice(self.customer, 500.0, "2026-02-22", "2026-03-24")
        with freeze_time("2026-03-28"):
            case.write({"move_ids": [Command.link(move_z.id)]})
            self.env.flush_all()
            rows = (
                self.env["recouvrement.aged.balance"]
                .with_user(self.controller)
                .search([("move_id", "in", (move | move_z).ids)])
            )
            self.assertEqual(sum(rows.mapped("under_litigation")), 1340.0)
        self.assertFalse(self.Dunning._get_next_dates(move_z, date(2026, 3, 28))[move_z.id])
        self.assertEqual(
            self.Dunning._get_next_dates(move, date(2026, 3, 28))[move.id], date(2026, 5, 1)
        )
