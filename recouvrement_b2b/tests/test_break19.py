from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import format_date

from .common import RecouvrementCommon, call_kw


@tagged("post_install", "-at_install")
class TestBreak19(RecouvrementCommon):
    """Break test of issue 19: evidence rewritten or deleted through related records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(su=True)
        cls.invoice = cls._invoice(cls.customer, 1000.0, "2026-01-05", "2026-02-04")
        cls.invoice2 = cls._invoice(cls.customer, 600.0, "2026-01-10", "2026-02-09")
        policy = env["recouvrement.dunning.policy"].create({"name": "Ladder"})
        cls.level = env["recouvrement.dunning.level"].create(
            {"name": "Firm reminder", "policy_id": policy.id, "channel": "none", "days": 15}
        )
        cls.sent_event = cls._sent_event(cls.invoice, level_id=cls.level.id)
        cls.letter = env["ir.attachment"].create(
            {
                "name": "Courrier.pdf",
                "raw": b"%PDF-1.4",
                "mimetype": "application/pdf",
                "res_model": cls.sent_event._name,
                "res_id": cls.sent_event.id,
            }
        )
        # the email as the dunning run queues it: a mail.mail on the event, authored by the
        # controller who ran the reminders
        cls.mail = env["mail.mail"].create(
            {
                "model": cls.sent_event._name,
                "res_id": cls.sent_event.id,
                "subject": "Relance",
                "body_html": "<p>Vous nous devez 1 000,00 €</p>",
                "body": "<p>Vous nous devez 1 000,00 €</p>",
                "message_type": "email_outgoing",
                "author_id": cls.controller.partner_id.id,
                "email_to": "compta@garnier.example.fr",
            }
        )
        cls.sent_event.write(
            {"attachment_id": cls.letter.id, "mail_message_id": cls.mail.mail_message_id.id}
        )
        cls.message = cls.mail.mail_message_id

    def _refused(self, record, action, text):
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            action(record)
            record.env.flush_all()
        self.assertIs(type(caught.exception), UserError)
        self.assertIn(text, str(caught.exception))

    def test_sent_letter_file_not_rewritten(self):
        """The letter of a sent reminder is evidence: neither its file nor where it belongs
        change, whoever writes (a controller and a manager have write access on the event)."""
        for user in (self.controller, self.manager):
            letter = self.letter.with_user(user)
            for vals, field in (
                ({"raw": b"%PDF-1.4 forged"}, "File Content (raw)"),
                ({"datas": "JVBERi0xLjQgZm9yZ2Vk"}, "File Content (base64)"),
                ({"name": "Autre.pdf"}, "Name"),
                ({"res_id": self.customer.id, "res_model": "res.partner"}, "Resource"),
            ):
                with self.subTest(user=user.login, vals=list(vals)):
                    self._refused(letter, lambda rec, v=vals: rec.write(v), "Courrier.pdf")
                    self._refused(letter, lambda rec, v=vals: rec.write(v), field)
        self.assertEqual(self.letter.raw, b"%PDF-1.4")
        # what is not the file stays writable (Odoo writes a share token), and the same file
        # written again (a storage migration, ir.attachment._migrate) rewrites nothing
        self.letter.with_user(self.controller).generate_access_token()
        self.letter.sudo().write({"raw": b"%PDF-1.4", "mimetype": "application/pdf"})

    def test_sent_reminder_email_not_rewritten(self):
        """The email of a sent reminder is evidence: its body and author are not rewritten
        and the message is not deleted (the author and anyone who may write on the event could,
        mail.message's own rule)."""
        for user in (self.controller, self.manager):
            message = self.message.with_user(user)
            for vals, field in (
                ({"body": "<p>Rien</p>"}, "Contents"),
                ({"subject": "Autre"}, "Subject"),
                ({"author_id": user.partner_id.id}, "Author"),
                ({"date": "2026-01-01 00:00:00"}, "Date"),
                ({"res_id": self.invoice.id, "model": "account.move"}, "Related Document"),
            ):
                with self.subTest(user=user.login, vals=list(vals)):
                    self._refused(message, lambda rec, v=vals: rec.write(v), field)
            self._refused(message, lambda rec: rec.unlink(), self.sent_event.display_name)
        self.assertIn("1 000,00", self.message.body)
        # mail deletes the message with its mail (auto-delete templates): the email stays
        self.mail.unlink()
        self.assertTrue(self.message.exists())
        self.assertEqual(self.sent_event.mail_message_id, self.message)
        # a draft reminder's own note by an employee is no evidence (an email on any reminder
        # is: tools.evidence.is_evidence_message)
        draft = self.sent_event.copy({"state": "draft"})
        note = self.env["mail.message"].create(
            {"model": draft._name, "res_id": draft.id, "body": "x", "message_type": "comment"}
        )
        draft.mail_message_id = note
        note.with_user(self.manager).unlink()
        self.assertFalse(note.exists())

    @freeze_time("2026-03-02")
    def test_closed_promise_and_dispute_not_rewritten(self):
        """A broken promise counts in the customer's score and a rejected dispute sends the
        whole amount back to dunning: neither is rewritten nor deleted once closed."""
        promise = (
            self.env["recouvrement.promise"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.customer.id,
                    "amount": 500.0,
                    "date": "2026-03-10",
                    "move_ids": [Command.set(self.invoice.ids)],
                }
            )
        )
        promise.sudo().write({"state": "broken", "closed_date": "2026-03-16"})
        dispute = (
            self.env["recouvrement.dispute"]
            .with_user(self.controller)
            .create({"move_id": self.invoice2.id, "reason": "price"})
        )
        dispute.action_reject()
        for user in (self.controller, self.manager):
            for vals, field in (
                ({"state": "kept"}, "State"),
                ({"state": "running"}, "State"),
                ({"amount": 1.0}, "Promised Amount"),
                ({"date": "2026-12-01"}, "Promised Date"),
                ({"date_recorded": "2025-12-01"}, "Recorded On"),
                ({"move_ids": [Command.clear()]}, "Invoices"),
            ):
                with self.subTest(user=user.login, promise=list(vals)):
                    self._refused(promise.with_user(user), lambda rec, v=vals: rec.write(v), field)
            for vals, field in (
                ({"state": "open"}, "State"),
                ({"amount": 1.0}, "Disputed Amount"),
                ({"reason": "other"}, "Reason"),
                ({"date": "2020-01-01"}, "Opened On"),
            ):
                with self.subTest(user=user.login, dispute=list(vals)):
                    self._refused(dispute.with_user(user), lambda rec, v=vals: rec.write(v), field)
        self._refused(promise.with_user(self.manager), lambda rec: rec.unlink(), "Broken")
        self._refused(dispute.with_user(self.manager), lambda rec: rec.unlink(), "Rejected")
        self.assertRecordValues(promise, [{"state": "broken", "amount": 500.0}])
        self.assertRecordValues(dispute, [{"state": "rejected", "reason": "price"}])
        # their notes stay writable; an open dispute is still corrected, a running promise too
        promise.with_user(self.controller).note = "Rappelé le 17/03"
        dispute.with_user(self.controller).description = "Prix convenu au devis"
        running = promise.copy({"date": "2026-03-20"})
        running.with_user(self.controller).amount = 400.0
        running.with_user(self.manager).unlink()
        self.assertFalse(running.exists())

    def test_declared_claim_not_rewritten(self):
        """A claim declared to the mandataire (10 000 + 115.21 penalties + 40 = 10 155.21 on
        2024-05-10) keeps its amounts, date, mandataire and state; it is not deleted."""
        with freeze_time("2024-05-10"):
            debtor = self.env["res.partner"].create(
                {"name": "Textiles Blanc", "is_company": True, "siren": "882029382"}
            )
            mandataire = self.env["res.partner"].create({"name": "SELARL", "is_company": True})
            self._invoice(debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
            debtor.write(
                {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
            )
            declaration = self._declare_claims(debtor, mandataire, date(2024, 4, 30))
            declaration.action_declare()
            for user in (self.controller, self.manager):
                for vals, field in (
                    ({"state": "draft"}, "State"),
                    ({"declaration_date": "2024-04-20"}, "Declared On"),
                    ({"principal_amount": 1.0}, "Principal"),
                    ({"total_amount": 1.0}, "Amount Declared"),
                    ({"mandataire_id": debtor.id}, "Mandataire"),
                ):
                    with self.subTest(user=user.login, vals=list(vals)):
                        self._refused(
                            declaration.with_user(user), lambda rec, v=vals: rec.write(v), field
                        )
            self._refused(declaration.with_user(self.manager), lambda rec: rec.unlink(), "DC/")
            self.assertRecordValues(
                declaration,
                [
                    {
                        "state": "declared",
                        "total_amount": 10155.21,
                        "declaration_date": date(2024, 5, 10),
                        "mandataire_id": mandataire.id,
                    }
                ],
            )
            # the outcome is still recorded; then the closing stays
            declaration.with_user(self.controller).write(
                {"admitted_amount": 10155.21, "close_date": "2024-05-10", "closure_reason": "plan"}
            )
            declaration.with_user(self.controller).action_close()
            for vals, field in (
                ({"state": "declared"}, "State"),
                ({"closure_reason": "insufficient_assets"}, "Closure Reason"),
                ({"close_date": "2024-05-09"}, "Proceedings Closed On"),
            ):
                with self.subTest(closed=list(vals)):
                    self._refused(
                        declaration.with_user(self.manager), lambda rec, v=vals: rec.write(v), field
                    )

    def test_closed_case_not_deleted(self):
        """A litigation case closed as abandoned (or written off) is not deleted by a credit
        manager: its outcome stays; an open case not filed still is."""
        stage = self.env["recouvrement.litigation.stage"].search([("step", "=", "closed")], limit=1)
        Case = self.env["recouvrement.litigation"]
        for outcome, label in (("abandoned", "Abandoned"), ("written_off", "Written off")):
            case = Case.create({"partner_id": self.customer.id})
            case.sudo().write(
                {"stage_id": stage.id, "outcome": outcome, "close_date": "2026-03-01"}
            )
            with self.subTest(outcome=outcome):
                self._refused(case.with_user(self.manager), lambda rec: rec.unlink(), case.name)
                self._refused(case.with_user(self.manager), lambda rec: rec.unlink(), label)
        draft = Case.create({"partner_id": self.customer.id})
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())

    @freeze_time("2026-03-02")
    def test_days_and_years_bounded(self):
        """A negative share capital printed on the letters, and numbers of days and years
        whose dates overflowed (``OverflowError: date value out of range`` creating a dispute
        with 10 000 000 dispute days, checking a plan with a 10 000 000 days tolerance,
        planning reminders of a level 10 000 000 days after the due date, purging with a
        10 000 years retention) are refused, naming record and field."""
        company = self.company.sudo()
        plan = (
            self.env["recouvrement.payment.plan"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": self.customer.id,
                    "first_date": "2026-03-31",
                    "move_ids": [Command.set(self.invoice.ids)],
                }
            )
        )
        level = self.level.with_user(self.manager)
        cases = [
            *[
                (company, "recouvrement_promise_tolerance_days", value, "Promise Tolerance")
                for value in (-1, 366, 10**7)
            ],
            *[
                (company, "recouvrement_dispute_days", value, "Dispute Resolution Days")
                for value in (-1, 366, 10**7)
            ],
            *[
                (company, "recouvrement_personal_data_years", value, "Personal Data Retention")
                for value in (0, 11, 10000)
            ],
            *[
                (company, "recouvrement_share_capital", value, "Share Capital")
                for value in (-1000.0, 2.5e12)
            ],
            *[(plan, "tolerance_days", value, "Tolerance") for value in (366, 10**7)],
            *[(level, "days", value, "Days") for value in (-366, 1826, 10**7, -(10**7))],
        ]
        for record, fname, value, label in cases:
            with self.subTest(field=fname, value=value):
                with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                    record.write({fname: value})
                    record.env.flush_all()
                self.assertIs(type(caught.exception), ValidationError)
                self.assertIn(label, str(caught.exception))
                # numbers grouped, amounts with their currency (the minus sign kept with its
                # number by a zero-width no-break space)
                shown = (
                    f"{value:,.2f}\xa0€".replace("-", "-\ufeff")
                    if isinstance(value, float)
                    else f"{value:,}"
                )
                self.assertIn(f"(not {shown})", str(caught.exception))
                self.assertIn(record.display_name, str(caught.exception))
        # the bounds themselves work: a dispute due a year later, a plan checked a year late,
        # a level five years after the due date
        company.write(
            {
                "recouvrement_dispute_days": 365,
                "recouvrement_promise_tolerance_days": 365,
                "recouvrement_personal_data_years": 10,
            }
        )
        dispute = (
            self.env["recouvrement.dispute"]
            .with_user(self.controller)
            .create({"move_id": self.invoice2.id})
        )
        self.assertEqual(dispute.deadline, date(2027, 3, 2))
        plan.tolerance_days = 365
        self.assertFalse(plan._get_lines_beyond_tolerance(date(2026, 3, 2)))
        level.days = 1825
        self.assertEqual(level.days, 1825)

    def test_closed_case_not_rewritten(self):
        """A case closed as abandoned keeps its closing date and invoices while closed; moved
        to an open stage (the kanban) it is reopened without its old outcome; a written-off
        case (its bad-debt entry posted) is never reopened that way: it went back to 'Open'
        with its outcome 'Written off' still set."""
        Stage = self.env["recouvrement.litigation.stage"]
        closed_stage = Stage.search([("step", "=", "closed")], limit=1)
        Case = self.env["recouvrement.litigation"]
        case = Case.create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice.ids)]}
        )
        open_stage = case.stage_id
        case.sudo().write(
            {"stage_id": closed_stage.id, "outcome": "abandoned", "close_date": "2026-03-01"}
        )
        for user in (self.controller, self.manager):
            for vals, field in (
                ({"close_date": "2020-01-01"}, "Close Date"),
                ({"move_ids": [Command.clear()]}, "Invoices"),
            ):
                with self.subTest(user=user.login, vals=list(vals)):
                    self._refused(case.with_user(user), lambda rec, v=vals: rec.write(v), field)
        case.with_user(self.controller).write({"stage_id": open_stage.id})
        self.assertRecordValues(case, [{"is_closed": False, "outcome": False, "close_date": False}])
        # written off by hand (the entry of the close wizard): never reopened by its stage
        case.sudo().write_off_move_id = self.invoice2.copy()
        case.sudo().write(
            {"stage_id": closed_stage.id, "outcome": "written_off", "close_date": "2026-03-01"}
        )
        for user in (self.controller, self.manager):
            with self.subTest(user=user.login, reopened="stage"):
                self._refused(
                    case.with_user(user),
                    lambda rec: rec.write({"stage_id": open_stage.id}),
                    "reverse its write-off entry",
                )
        self.assertRecordValues(case, [{"is_closed": True, "outcome": "written_off"}])

    @freeze_time("2026-03-02")
    def test_evidence_recorded_by_flow_only(self):
        """Forged evidence: a controller created a reminder already sent on a past day, or
        turned a draft into a sent one; a declaration created declared, a plan created active.
        Only the dunning run sends, the Declare/Close buttons declare, a plan's buttons and
        check move it on; a letter is posted between its reminder's day and today."""
        Event = self.env["recouvrement.dunning.event"]
        event_vals = {
            "partner_id": self.customer.id,
            "currency_id": self.company.currency_id.id,
            "move_ids": [Command.set(self.invoice.ids)],
            "level_id": self.level.id,
            "channel": "letter",
            "date": "2025-06-01",
            "amount_due": 1000.0,
        }
        draft = Event.create({**event_vals, "state": "draft"})
        failed = Event.create({**event_vals, "state": "failed"})
        declaration = self.env["recouvrement.claim.declaration"].create(
            {
                "partner_id": self.customer.id,
                "proceedings": "redressement",
                "judgment_date": "2026-01-15",
            }
        )
        plan = self.env["recouvrement.payment.plan"].create(
            {
                "partner_id": self.customer.id,
                "first_date": "2026-03-31",
                "move_ids": [Command.set(self.invoice2.ids)],
            }
        )
        plan.action_compute_schedule()
        for user in (self.controller, self.manager):
            cases = [
                *[
                    (Event, ("create", {**event_vals, "state": state}), "State")
                    for state in ("sent", "to_post", "posted", "undelivered")
                ],
                (Event, ("create", {**event_vals, "post_date": "2025-06-02"}), "Post Date"),
                *[
                    (record, ("write", {"state": state}), "State")
                    for record in (draft, failed)
                    for state in ("sent", "to_post", "posted", "undelivered")
                ],
                (self.sent_event, ("write", {"state": "posted"}), "State"),
                (self.sent_event, ("write", {"state": "to_post"}), "State"),
                *[
                    (declaration, ("write", {"state": state}), "State")
                    for state in ("declared", "closed")
                ],
                (
                    declaration.browse(),
                    (
                        "create",
                        {
                            "partner_id": self.customer.id,
                            "proceedings": "sauvegarde",
                            "judgment_date": "2025-09-01",
                            "state": "declared",
                            "declaration_date": "2025-09-10",
                        },
                    ),
                    "State",
                ),
                *[(plan, ("write", {"state": state}), "State") for state in ("active", "broken")],
                (
                    plan.browse(),
                    (
                        "create",
                        {
                            "partner_id": self.customer.id,
                            "first_date": "2026-03-31",
                            "move_ids": [Command.set(self.invoice.ids)],
                            "state": "active",
                            "signature_date": "2025-01-01",
                        },
                    ),
                    "State",
                ),
            ]
            for record, (method, vals), field in cases:
                with self.subTest(user=user.login, model=record._name, vals=vals):
                    record = record.with_user(user)
                    self._refused(record, lambda rec, m=method, v=vals: getattr(rec, m)(v), field)
                    self._refused(record, lambda rec, m=method, v=vals: getattr(rec, m)(v), "only")
        self.assertRecordValues(draft | failed, [{"state": "draft"}, {"state": "failed"}])
        self.assertEqual(declaration.state, "draft")
        self.assertEqual(plan.state, "draft")
        # the flows still record them, as the user who clicks
        letter = Event.sudo().create({**event_vals, "state": "to_post", "date": "2026-02-27"})
        for post_date, field in (("2026-02-26", "Post Date"), ("2026-03-03", "Post Date")):
            with self.subTest(post_date=post_date):
                with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
                    letter.with_user(self.controller).write(
                        {"state": "posted", "post_date": post_date}
                    )
                self.assertIn(field, str(caught.exception))
                self.assertIn(f"(not {format_date(letter.env, post_date)})", str(caught.exception))
        letter.with_user(self.controller).action_mark_posted()
        self.assertRecordValues(letter, [{"state": "posted", "post_date": date(2026, 3, 2)}])
        self._refused(
            letter.with_user(self.manager),
            lambda rec: rec.write({"post_date": "2026-02-28"}),
            "Post Date",
        )
        plan.with_user(self.controller).action_propose()
        plan.with_user(self.controller).signature_date = "2026-03-01"
        plan.with_user(self.controller).action_activate()
        self.assertEqual(plan.state, "active")
        self._refused(
            plan.with_user(self.manager),
            lambda rec: rec.write({"signature_date": "2026-02-01"}),
            "Signature Date",
        )

    @freeze_time("2026-03-02")
    def test_promise_and_dispute_closed_by_flow_only(self):
        """A controller marked a running promise broken (the score counts it) or kept, created
        one already broken, resolved a dispute with no credit note or escalated it with no
        case, by writing their state. Only the daily check closes a promise, only the
        buttons close a dispute (resolving still needs the credit note)."""
        promise = self.env["recouvrement.promise"].create(
            {
                "partner_id": self.customer.id,
                "amount": 500.0,
                "date": "2026-03-10",
                "move_ids": [Command.set(self.invoice.ids)],
            }
        )
        dispute = self.env["recouvrement.dispute"].create(
            {"move_id": self.invoice2.id, "reason": "price"}
        )
        for user in (self.controller, self.manager):
            cases = [
                *[(promise, "write", {"state": state}) for state in ("kept", "broken")],
                (promise.browse(), "create", {**promise.copy_data()[0], "state": "broken"}),
                *[
                    (dispute, "write", {"state": state})
                    for state in ("resolved", "rejected", "escalated")
                ],
                (
                    dispute.browse(),
                    "create",
                    {"move_id": self.invoice2.id, "reason": "price", "state": "resolved"},
                ),
            ]
            for record, method, vals in cases:
                with self.subTest(user=user.login, model=record._name, vals=vals.get("state")):
                    self._refused(
                        record.with_user(user),
                        lambda rec, m=method, v=vals: getattr(rec, m)(v),
                        "State",
                    )
        self.assertRecordValues(promise, [{"state": "running"}])
        self.assertRecordValues(dispute, [{"state": "open"}])
        # the flows still close them, as the user who clicks
        with self.assertRaises(UserError):
            dispute.with_user(self.controller).action_resolve()  # no credit note
        dispute.with_user(self.controller).action_reject()
        self.assertEqual(dispute.state, "rejected")
        with freeze_time("2026-03-20"):
            promise.with_user(self.controller).action_check()
        self.assertRecordValues(promise, [{"state": "broken", "closed_date": date(2026, 3, 20)}])

    @freeze_time("2026-03-02")
    def test_statement_and_call_recorded_as_they_happen(self):
        """A controller created a statement "sent" a year ago by a colleague, and a refused
        call in a colleague's name (the score counts it): a statement sending is dated today
        and sent by who sends it, a call logged by who logs it."""
        Sending = self.env["recouvrement.statement.sending"].with_user(self.controller)
        Call = self.env["recouvrement.call"].with_user(self.controller)
        base = {"partner_id": self.customer.id}
        for record, vals, field in (
            (Sending, {**base, "date": "2025-03-02"}, "Date"),
            (Sending, {**base, "user_id": self.manager.id}, "Sent By"),
            (Call, {**base, "outcome": "refusal", "user_id": self.manager.id}, "Collector"),
        ):
            with self.subTest(model=record._name, vals=list(vals)):
                self._refused(record, lambda rec, v=vals: rec.create(v), field)
        sending = Sending.create(base)
        call = Call.create({**base, "outcome": "refusal", "date": "2026-02-27"})
        self.assertRecordValues(
            sending, [{"date": date(2026, 3, 2), "user_id": self.controller.id}]
        )
        self.assertRecordValues(call, [{"date": date(2026, 2, 27), "user_id": self.controller.id}])

    @freeze_time("2026-03-02")
    def test_case_closed_by_wizard_only(self):
        """A controller closed a case as 'Written off' by writing its stage and outcome (no
        bad-debt entry, a manager's decision), antedated it, named another closer, or created
        it closed; the closing context of the wizard, sent through RPC, closed it without an
        outcome. Only the Close wizard records a closing; reopening still clears it."""
        Stage = self.env["recouvrement.litigation.stage"]
        closed_stage = Stage.search([("step", "=", "closed")], limit=1)
        case = self.env["recouvrement.litigation"].create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice.ids)]}
        )
        for user in (self.controller, self.manager):
            for vals, field in (
                ({"stage_id": closed_stage.id, "outcome": "written_off"}, "Outcome"),
                ({"outcome": "recovered", "close_date": "2020-01-01"}, "Outcome"),
                ({"close_date": "2020-01-01"}, "Close Date"),
                ({"closed_by_id": self.manager.id}, "Closed By"),
                ({"write_off_move_id": self.invoice2.id}, "Write-off Entry"),
            ):
                with self.subTest(user=user.login, vals=list(vals)):
                    self._refused(case.with_user(user), lambda rec, v=vals: rec.write(v), field)
            with self.subTest(user=user.login, context="recouvrement_closing"):
                self._refused(
                    case.with_user(user).with_context(recouvrement_closing=True),
                    lambda rec: rec.write({"stage_id": closed_stage.id}),
                    "Close button",
                )
            for vals, field in (
                ({"stage_id": closed_stage.id}, "Stage"),
                ({"outcome": "abandoned"}, "Outcome"),
            ):
                with self.subTest(user=user.login, create=list(vals)):
                    self._refused(
                        case.with_user(user).browse(),
                        lambda rec, v=vals: rec.create({"partner_id": self.customer.id, **v}),
                        field,
                    )
        self.assertRecordValues(case, [{"is_closed": False, "outcome": False}])
        # the wizard closes it, as the controller; reopening clears the closing
        wizard = (
            self.env["recouvrement.litigation.close"]
            .with_user(self.controller)
            .create({"litigation_id": case.id, "outcome": "abandoned"})
        )
        wizard.action_confirm()
        self.assertRecordValues(
            case,
            [
                {
                    "is_closed": True,
                    "outcome": "abandoned",
                    "close_date": date(2026, 3, 2),
                    "closed_by_id": self.controller.id,
                }
            ],
        )
        case.with_user(self.controller).action_reopen()
        self.assertRecordValues(case, [{"is_closed": False, "outcome": False, "close_date": False}])


@tagged("post_install", "-at_install")
class TestBreak19Rpc(RecouvrementCommon, HttpCase):
    """The same forged evidence through JSON-RPC, as a logged-in credit controller."""

    @freeze_time("2026-03-02")
    def test_evidence_not_forged_by_rpc(self):
        invoice = self._invoice(self.customer, 1000.0, "2026-01-05", "2026-02-04")
        vals = {
            "partner_id": self.customer.id,
            "company_id": self.company.id,
            "move_ids": [Command.set(invoice.ids)],
            "channel": "email",
            "date": "2025-06-01",
            "amount_due": 1000.0,
        }
        draft = self.env["recouvrement.dunning.event"].create(vals)
        self.authenticate(self.controller.login, self.controller.login)
        for method, args in (
            ("create", [{**vals, "state": "sent"}]),
            ("write", [draft.ids, {"state": "sent"}]),
        ):
            with self.subTest(method=method):
                error = call_kw(self, "recouvrement.dunning.event", method, args)["error"]
                self.assertEqual(error["data"]["name"], "odoo.exceptions.UserError")
                self.assertIn("State", error["data"]["message"])
                self.assertIn("Menuiserie Garnier", error["data"]["message"])
        self.assertEqual(
            self.env["recouvrement.dunning.event"].search_count(
                [("partner_id", "=", self.customer.id), ("state", "=", "sent")]
            ),
            0,
        )
        self.assertEqual(draft.state, "draft")
