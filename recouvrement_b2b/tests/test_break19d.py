import base64
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import RecouvrementCommon, call_kw


@tagged("post_install", "-at_install")
class TestBreak19Call(RecouvrementCommon):
    """Break test of issue 19 (last stop): a logged call is evidence."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-02"):
            cls.call = (
                cls.env["recouvrement.call.log"]
                .with_user(cls.controller)
                .create({"partner_id": cls.customer.id, "outcome": "refusal", "note": "Refuse net"})
            )
            cls.call.action_log()
        cls.call = cls.env["recouvrement.call"].search([("partner_id", "=", cls.customer.id)])

    def _french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.manager.lang = "fr_FR"

    @freeze_time("2026-03-05")
    def test_call_outcome_not_rewritten(self):
        """A credit manager rewrote a refused call as reached (the score counted it no more),
        moved it to another day, another customer or another collector: refused, naming the
        call and the field; the note stays writable and a new call corrects the record."""
        other = self.env["res.partner"].create({"name": "Scierie Vidal", "is_company": True})
        call = self.call.with_user(self.manager)
        self.assertRecordValues(call, [{"outcome": "refusal", "user_id": self.controller.id}])
        for vals, field in (
            ({"outcome": "reached"}, "Outcome"),
            ({"outcome": "promise", "note": "Promet de payer"}, "Outcome"),
            ({"date": "2026-03-04"}, "Date"),
            ({"partner_id": other.id}, "Customer"),
            ({"user_id": self.manager.id}, "Collector"),
        ):
            with self.subTest(vals=list(vals)):
                with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
                    call.write(vals)
                self.assertIs(type(caught.exception), UserError)
                message = str(caught.exception)
                self.assertIn("Call with Menuiserie Garnier on 03/02/2026", message)
                self.assertIn(f"its {field} is evidence", message)
        # the same value written again (a form saving every field) is no rewrite
        call.write({"outcome": "refusal", "note": "Refuse net; rappeler le 10/03"})
        self.assertRecordValues(
            self.call, [{"outcome": "refusal", "note": "Refuse net; rappeler le 10/03"}]
        )
        # deleting it is refused to every collection user, managers included
        for user in (self.controller, self.manager):
            with self.subTest(unlink=user.login):
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    self.call.with_user(user).unlink()
        # a controller writes nothing on it, not even the note
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.call.with_user(self.controller).write({"note": "Autre"})
        # the correction: a new call, logged by who makes it
        self.env["recouvrement.call.log"].with_user(self.manager).create(
            {"partner_id": self.customer.id, "outcome": "reached"}
        ).action_log()
        calls = self.env["recouvrement.call"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(calls.mapped("outcome"), ["reached", "refusal"])
        self.assertEqual(len(self.call.exists()), 1)

    @freeze_time("2026-03-05")
    def test_call_outcome_refused_in_french(self):
        self._french()
        with self.assertRaises(UserError) as caught:
            self.call.with_user(self.manager).with_context(lang="fr_FR").write(
                {"outcome": "reached"}
            )
        self.assertEqual(
            str(caught.exception),
            "Appel avec Menuiserie Garnier du 02/03/2026\N{NO-BREAK SPACE}: son champ Issue est "
            "une preuve dès l'enregistrement et ne peut pas être modifié\N{NARROW NO-BREAK SPACE}; "
            "enregistrez un nouvel appel ou "
            "complétez sa note.",
        )


@tagged("post_install", "-at_install")
class TestBreak19CallRpc(RecouvrementCommon, HttpCase):
    """The same rewrite through JSON-RPC, as a logged-in credit manager."""

    def test_call_not_rewritten_by_rpc(self):
        call = (
            self.env["recouvrement.call"]
            .with_user(self.controller)
            .create({"partner_id": self.customer.id, "outcome": "not_reached"})
        )
        self.authenticate(self.manager.login, self.manager.login)
        for method, args, name in (
            ("write", [call.ids, {"outcome": "reached"}], "odoo.exceptions.UserError"),
            ("unlink", [call.ids], "odoo.exceptions.AccessError"),
        ):
            with self.subTest(method=method):
                error = call_kw(self, "recouvrement.call", method, args)["error"]
                self.assertEqual(error["data"]["name"], name)
        self.assertRecordValues(call, [{"outcome": "not_reached"}])


NBSP = "\xa0"  # the thousands separator of French numbers


def eur(number):
    """A French amount in euros, as ``format_amount`` writes it."""
    return f"{number}{NBSP}€"


@tagged("post_install", "-at_install")
class TestBreak19Ceilings(RecouvrementCommon):
    """Each ceiling of issue 19 (README, Product decisions) is refused in French with its
    bound stated: below and above it, whoever may write the value."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        policy = cls.env["recouvrement.dunning.policy"].create({"name": "Échelle"})
        cls.level = cls.env["recouvrement.dunning.level"].create(
            {"name": "Relance ferme", "policy_id": policy.id, "channel": "none", "days": 15}
        )
        cls.invoice = cls._invoice(cls.customer, 1000.0, "2026-01-05", "2026-02-04")
        cls.case = cls.env["recouvrement.litigation"].create(
            {"partner_id": cls.customer.id, "move_ids": [Command.set(cls.invoice.ids)]}
        )

    def _refused(self, record, vals, expected):
        record = record.with_context(lang="fr_FR")
        with self.assertRaises(ValidationError) as caught, self.env.cr.savepoint():
            record.write(vals)
            record.env.flush_all()
        self.assertIs(type(caught.exception), ValidationError)
        self.assertIn(expected, str(caught.exception))

    @freeze_time("2026-03-05")
    def test_ceilings_state_their_bound_in_french(self):
        company = self.company
        customer = self.customer.with_user(self.manager)
        between = "doit être compris entre {} et {} (et non {})".format
        for record, vals, expected in (
            # D441-5: a flat 40 EUR
            (company, {"penalty_indemnity_amount": -40}, between("0,00", "40,00", "-40,00")),
            (company, {"penalty_indemnity_amount": 40.01}, between("0,00", "40,00", "40,01")),
            (company, {"penalty_contract_rate": -5}, "entre 0 et 100 % par an (et non -5)"),
            # L110-4: five years
            (
                company,
                {"recouvrement_hold_overdue_days": -1},
                between("0", f"1{NBSP}825", "-1"),
            ),
            (
                company,
                {"recouvrement_hold_overdue_days": 1826},
                between("0", f"1{NBSP}825", f"1{NBSP}826"),
            ),
            (
                self.level.with_user(self.manager),
                {"min_amount": -100},
                # format_amount keeps the minus sign with its number (a zero-width no-break space)
                between(eur("0,00"), eur(f"1{NBSP}000{NBSP}000,00"), eur("-\ufeff100,00")),
            ),
            (
                self.level.with_user(self.manager),
                {"min_amount": 1_000_000.01},
                between(
                    eur("0,00"), eur(f"1{NBSP}000{NBSP}000,00"), eur(f"1{NBSP}000{NBSP}000,01")
                ),
            ),
            (
                customer,
                {"credit_limit": -1},
                between("0,00", f"100{NBSP}000{NBSP}000,00", "-1,00"),
            ),
            (
                customer,
                {"credit_limit": 1e9},
                between("0,00", f"100{NBSP}000{NBSP}000,00", f"1{NBSP}000{NBSP}000{NBSP}000,00"),
            ),
            (
                customer,
                {"credit_insured_amount": -0.01},
                between("0,00", f"100{NBSP}000{NBSP}000,00", "-0,01"),
            ),
            # 2026-03-05 + 730 days = 2028-03-04
            (
                customer,
                {"dunning_paused_until": "2028-03-05"},
                "ne peut pas dépasser 730 jours à venir (au plus tard le 04/03/2028)",
            ),
            # what the case claims: 1 000,00 due 2026-02-04, 29 days late at 12.15 % (ECB
            # 2.15 % + 10 points) = 1 000 x 0.1215 x 29 / 365 = 9.65, and the 40 EUR indemnity
            (
                self.case,
                {"recovered_amount": 5000.0},
                between(eur("0,00"), eur(f"1{NBSP}049,65"), eur(f"5{NBSP}000,00")),
            ),
            (
                self.case,
                {"filing_date": "2026-03-06"},
                "(06/03/2026) ne peut pas être postérieur à aujourd'hui (05/03/2026)",
            ),
        ):
            with self.subTest(model=record._name, vals=vals):
                self._refused(record, vals, expected)


@tagged("post_install", "-at_install")
class TestBreak19Chatter(RecouvrementCommon, HttpCase):
    """The messages that record evidence in a chatter (the email and PDF of a statement sent,
    the outcome of a call) rewritten by their author: through the ORM (mail lets the author
    of a message write it) and through the chatter's Edit (``/mail/message/update_content``,
    which runs as superuser and deletes the attachments it is given none of)."""

    def _send_statement(self):
        self._invoice(self.customer, 1234.56, "2026-02-01", "2026-02-28")
        action = self.customer.with_user(self.controller).action_send_statement()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.controller)
            .with_context(**action["context"])
            .create({})
        )
        composer._action_send_mail()
        sending = self.env["recouvrement.statement.sending"].browse(
            action["context"]["default_res_ids"]
        )
        message = sending.message_ids.filtered("attachment_ids")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.controller.partner_id)
        return sending, message

    def _log_call(self):
        self.env["recouvrement.call.log"].with_user(self.controller).create(
            {"partner_id": self.customer.id, "outcome": "refusal"}
        ).action_log()
        call = self.env["recouvrement.call"].search([("partner_id", "=", self.customer.id)])
        message = call.message_ids.filtered(lambda m: "Refusal to pay" in (m.body or ""))
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.controller.partner_id)
        return call, message

    @freeze_time("2026-03-05")
    def test_evidence_messages_not_rewritten_by_their_author(self):
        sending, sent = self._send_statement()
        _call, logged = self._log_call()
        pdf = sent.attachment_ids
        body = {sent: sent.body, logged: logged.body}
        for message in (sent, logged):
            for vals in (
                {"body": "<p>Rien envoyé</p>"},
                {"attachment_ids": [(5, 0, 0)]},
                {"date": "2026-01-01 08:00:00"},
            ):
                with self.subTest(model=message.model, vals=list(vals)):
                    with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
                        message.with_user(self.controller).write(vals)
                    self.assertIs(type(caught.exception), UserError)
                    self.assertIn("evidence", str(caught.exception))
        # the chatter's Edit and Delete, as the author
        self.authenticate(self.controller.login, self.controller.login)
        for message in (sent, logged):
            for body_value in ("", "<p>Rien envoyé</p>"):
                with self.subTest(route=message.model, body=body_value):
                    with self.assertRaises(JsonRpcException) as caught:
                        self.make_jsonrpc_request(
                            "/mail/message/update_content",
                            {"message_id": message.id, "body": body_value, "attachment_ids": []},
                        )
                    self.assertEqual(str(caught.exception), "odoo.exceptions.UserError")
        self.env.invalidate_all()
        self.assertEqual(sent.body, body[sent])
        self.assertEqual(logged.body, body[logged])
        self.assertTrue(pdf.exists())
        self.assertEqual(sent.attachment_ids, pdf)
        self.assertEqual(sending.message_ids.filtered("attachment_ids"), sent)


@tagged("post_install", "-at_install")
class TestBreak19ReminderFiles(RecouvrementCommon):
    """The customer statement sent with a reminder's email (a level with "Attach the Customer
    Statement") is a file of the event, not its letter: a controller, who writes on the
    event, deleted it or rewrote its content after the email left."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(su=True)
        invoice = cls._invoice(cls.customer, 1000.0, "2026-01-05", "2026-02-04")
        cls.event = cls._sent_event(invoice)
        cls.statement = env["ir.attachment"].create(
            {
                "name": "Relevé de compte - Menuiserie Garnier.pdf",
                "raw": b"%PDF-1.4 releve",
                "mimetype": "application/pdf",
                "res_model": cls.event._name,
                "res_id": cls.event.id,
            }
        )
        mail = env["mail.mail"].create(
            {
                "model": cls.event._name,
                "res_id": cls.event.id,
                "subject": "Relance",
                "body_html": "<p>Vous nous devez 1 000,00 €</p>",
                "message_type": "email_outgoing",
                "email_to": "compta@garnier.example.fr",
                "attachment_ids": [Command.link(cls.statement.id)],
            }
        )
        cls.event.mail_message_id = mail.mail_message_id

    def test_statement_sent_with_a_reminder_not_deleted_nor_rewritten(self):
        for user in (self.controller, self.manager):
            statement = self.statement.with_user(user)
            for label, action in (
                ("unlink", lambda rec: rec.unlink()),
                ("raw", lambda rec: rec.write({"raw": b"%PDF-1.4 autre"})),
                ("name", lambda rec: rec.write({"name": "Autre.pdf"})),
                ("res_id", lambda rec: rec.write({"res_id": self.customer.id})),
            ):
                with self.subTest(user=user.login, action=label):
                    with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
                        action(statement)
                        self.env.flush_all()
                    self.assertIs(type(caught.exception), UserError)
                    self.assertIn(
                        "Relevé de compte - Menuiserie Garnier.pdf", str(caught.exception)
                    )
                    self.assertIn("was sent with the reminder", str(caught.exception))
        self.assertEqual(self.statement.raw, b"%PDF-1.4 releve")
        self.assertEqual(self.event.mail_message_id.attachment_ids, self.statement)


@tagged("post_install", "-at_install")
class TestBreak19SignedPlan(RecouvrementCommon):
    """A payment plan the customer signed (an acknowledgment of debt, art. 2240 Code civil):
    a controller or a manager cleared its signature date, replaced its signed document, or
    changed its terms (a 999 EUR waiver, 2 instalments, another first date) after it was
    signed: all accepted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        invoice = cls._invoice(cls.customer, 1500.0, "2026-01-05", "2026-02-04")
        with freeze_time("2026-03-02"):
            plan = (
                cls.env["recouvrement.payment.plan"]
                .with_user(cls.controller)
                .create(
                    {
                        "partner_id": cls.customer.id,
                        "move_ids": [Command.set(invoice.ids)],
                        "instalment_count": 3,
                        "first_date": "2026-03-31",
                    }
                )
            )
            plan.action_compute_schedule()
            plan.action_propose()
            plan.write(
                {
                    "signature_date": "2026-03-02",
                    "signed_document": base64.b64encode(b"%PDF-1.4 signe"),
                    "signed_document_name": "Echeancier signe.pdf",
                }
            )
            plan.action_activate()
        cls.plan = plan.with_user(cls.env.user)

    @freeze_time("2026-03-05")
    def test_signed_plan_terms_not_rewritten(self):
        self.assertEqual(self.plan.state, "active")
        for user in (self.controller, self.manager):
            plan = self.plan.with_user(user)
            for vals, field in (
                ({"signature_date": False}, "Signature Date"),
                ({"signed_document": base64.b64encode(b"%PDF-1.4 faux")}, "Signed Document"),
                ({"signed_document": False}, "Signed Document"),
                ({"amount_waiver": 999.0}, "Waiver"),
                ({"instalment_count": 2}, "Number of Instalments"),
                ({"first_date": "2026-06-30"}, "First"),
                ({"down_payment": 100.0}, "Down Payment"),
            ):
                with self.subTest(user=user.login, vals=list(vals)):
                    with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
                        plan.write(vals)
                        self.env.flush_all()
                    self.assertIs(type(caught.exception), UserError)
                    message = str(caught.exception)
                    self.assertIn(f"Payment plan {self.plan.name} was signed", message)
                    self.assertIn(field, message)
        self.assertRecordValues(
            self.plan,
            [{"signature_date": date(2026, 3, 2), "instalment_count": 3, "amount_waiver": 0.0}],
        )
        self.assertEqual(base64.b64decode(self.plan.signed_document), b"%PDF-1.4 signe")
        # still written: a later acknowledgment, the tolerance, the same terms saved again
        self.plan.with_user(self.controller).write(
            {"signature_date": "2026-03-05", "tolerance_days": 10, "instalment_count": 3}
        )
        self.assertRecordValues(
            self.plan, [{"signature_date": date(2026, 3, 5), "tolerance_days": 10}]
        )
        # cancelled, it stays what the customer signed: no reset to draft to change its terms
        plan = self.plan.with_user(self.controller)
        plan.action_cancel()
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            plan.write({"amount_waiver": 999.0})
        self.assertIn("Waiver", str(caught.exception))
        with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
            plan.action_draft()
        self.assertIn("signed by the customer on 03/05/2026", str(caught.exception))
        self.assertRecordValues(self.plan, [{"state": "cancelled", "amount_waiver": 0.0}])


@tagged("post_install", "-at_install")
class TestBreak19ReceivedMessages(RecouvrementCommon):
    """What the customer wrote (its reply to a reminder, with the file it sent) and what the
    product logged on a collection record are evidence: a controller, who writes on the
    reminder, rewrote or deleted them (mail lets whoever writes on a record write its
    messages). A colleague's own note stays editable."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(su=True)
        invoice = cls._invoice(cls.customer, 1000.0, "2026-01-05", "2026-02-04")
        cls.event = cls._sent_event(invoice)
        cls.scan = env["ir.attachment"].create(
            {
                "name": "Reconnaissance de dette.pdf",
                "raw": b"%PDF-1.4 reconnaissance",
                "res_model": cls.event._name,
                "res_id": cls.event.id,
            }
        )
        cls.reply = env["mail.message"].create(
            {
                "model": cls.event._name,
                "res_id": cls.event.id,
                "message_type": "email",
                "author_id": cls.customer.id,
                "email_from": "compta@garnier.example.fr",
                "body": "<p>Nous reconnaissons devoir 1 000,00 € et paierons le 15/03.</p>",
                "attachment_ids": [Command.link(cls.scan.id)],
            }
        )
        cls.log = env["mail.message"].create(
            {
                "model": cls.event._name,
                "res_id": cls.event.id,
                "message_type": "notification",
                "author_id": env.ref("base.partner_root").id,
                "body": "<p>Relance envoyée : 1 000,00 €.</p>",
            }
        )
        cls.note = (
            cls.event.with_user(cls.controller)
            .message_post(
                body="Client rappelé", message_type="comment", subtype_xmlid="mail.mt_note"
            )
            .sudo(False)
        )

    def test_customer_reply_and_logs_not_rewritten(self):
        for message in (self.reply, self.log):
            mine = message.with_user(self.controller)
            for label, action in (
                ("body", lambda rec: rec.write({"body": "<p>Rien</p>"})),
                ("attachments", lambda rec: rec.write({"attachment_ids": [Command.clear()]})),
                ("unlink", lambda rec: rec.unlink()),
            ):
                with self.subTest(message=message.message_type, action=label):
                    with self.assertRaises(UserError) as caught, self.env.cr.savepoint():
                        action(mine)
                        self.env.flush_all()
                    self.assertIs(type(caught.exception), UserError)
                    self.assertIn("evidence", str(caught.exception))
        for label, action in (
            ("unlink", lambda rec: rec.unlink()),
            ("raw", lambda rec: rec.write({"raw": b"%PDF-1.4 autre"})),
        ):
            with self.subTest(file=label):
                with self.assertRaises(UserError), self.env.cr.savepoint():
                    action(self.scan.with_user(self.controller))
                    self.env.flush_all()
        self.assertIn("Nous reconnaissons devoir", self.reply.body)
        self.assertEqual(self.reply.attachment_ids, self.scan)
        self.assertTrue(self.log.exists())
        # the controller's own note: still corrected
        self.note.with_user(self.controller).write({"body": "<p>Client rappelé le 05/03</p>"})
        self.assertIn("05/03", self.note.body)
