import json

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import RecouvrementCommon


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
            "Appel avec Menuiserie Garnier du 02/03/2026 : son champ Issue est une preuve dès "
            "l'enregistrement et ne peut pas être modifié ; enregistrez un nouvel appel ou "
            "complétez sa note.",
        )


@tagged("post_install", "-at_install")
class TestBreak19CallRpc(RecouvrementCommon, HttpCase):
    """The same rewrite through JSON-RPC, as a logged-in credit manager."""

    def _call(self, model, method, args):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 0,
            "params": {"model": model, "method": method, "args": args, "kwargs": {}},
        }
        response = self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
        return response.json()

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
                error = self._call("recouvrement.call", method, args)["error"]
                self.assertEqual(error["data"]["name"], name)
        self.assertRecordValues(call, [{"outcome": "not_reached"}])

