import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from freezegun import freeze_time
from stdnum.fr import siren as stdnum_siren

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import RecouvrementCommon

# Published numbers (see tests/test_rules_identifiers.py): Societe Generale, Google France.
SG_SIREN = "552120222"
SG_SIRET = "55212022200013"
SG_VAT = "FR27552120222"
GOOGLE_SIREN = "443061841"
GOOGLE_VAT = "FR64443061841"
CEASED_SIREN = "732829320"
RATE_LIMITED_SIREN = "100000009"
SLOW_SIREN = "100000017"
UNKNOWN_SIREN = "100000025"


def count_queries(env, func):
    """Number of SQL queries of ``func()``, pending writes flushed before and after."""
    env.flush_all()
    before = env.cr.sql_log_count
    func()
    env.flush_all()
    return env.cr.sql_log_count - before


def valid_sirens(count, start=200000000):
    """``count`` SIRENs with a valid Luhn key, from ``start``."""
    numbers, value = [], start
    while len(numbers) < count:
        if stdnum_siren.is_valid(str(value)):
            numbers.append(str(value))
        value += 1
    return numbers


class CompanySearchHandler(BaseHTTPRequestHandler):
    """Speaks the JSON of the API Recherche d'entreprises (``/search?q=<siren>``)."""

    answers = {}  # siren -> results entry; anything else: no result
    payloads = {}  # siren -> (HTTP status, whole JSON answer), e.g. malformed answers
    requests = []

    def do_GET(self):
        url = urlparse(self.path)
        siren = parse_qs(url.query).get("q", [""])[0]
        type(self).requests.append(siren)
        if url.path != "/search":
            return self._send(404, {"erreur": "not found"})
        if siren == RATE_LIMITED_SIREN:
            return self._send(429, {"erreur": "Trop de requêtes"}, {"Retry-After": "30"})
        if siren == SLOW_SIREN:
            time.sleep(1.5)
        if siren in self.payloads:
            return self._send(*self.payloads[siren])
        result = self.answers.get(siren)
        return self._send(
            200,
            {
                "results": [result] if result else [],
                "total_results": 1 if result else 0,
                "page": 1,
                "per_page": 5,
                "total_pages": 1 if result else 0,
            },
        )

    def _send(self, status, payload, headers=None):
        body = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            return  # the client gave up (timeout test)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


def company_result(siren, name, state="A", closed_on=None):
    return {
        "siren": siren,
        "nom_complet": name,
        "nom_raison_sociale": name,
        "etat_administratif": state,
        "date_fermeture": closed_on,
        "siege": {"siret": siren + "00013", "etat_administratif": state},
    }


@tagged("post_install", "-at_install")
class TestIdentity(RecouvrementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.lang = "en_US"
        cls.Partner = cls.env["res.partner"].with_user(cls.controller)

    def _french(self, record):
        self.env["res.lang"]._activate_lang("fr_FR")
        return record.with_context(lang="fr_FR")

    # Derivation and normalisation -------------------------------------------------------------

    def test_form_siret_fills_siren_grouped(self):
        with Form(self.customer.with_user(self.controller)) as form:
            form.siret_display = "552 120 222 00013"
            self.assertEqual(form.siren_display, "552 120 222", "shown while typing")
        self.assertRecordValues(
            self.customer,
            [
                {
                    "siren": SG_SIREN,
                    "siret": SG_SIRET,
                    "siren_display": "552 120 222",
                    "siret_display": "552 120 222 00013",
                }
            ],
        )

    def test_vat_or_rcs_fills_siren(self):
        by_vat, by_rcs, both = self.Partner.create(
            [
                {"name": "Google France", "is_company": True, "vat": GOOGLE_VAT},
                {"name": "SG", "is_company": True, "rcs": "R.C.S. Paris b 552120222"},
                {"name": "SG bis", "is_company": True, "vat": SG_VAT, "siret": SG_SIRET},
            ]
        )
        self.assertRecordValues(
            by_vat | by_rcs | both,
            [
                {"siren": GOOGLE_SIREN, "rcs": False},
                {"siren": SG_SIREN, "rcs": "RCS Paris B 552 120 222"},
                {"siren": SG_SIREN, "rcs": False},
            ],
        )

    def test_input_is_compacted(self):
        self.customer.with_user(self.controller).write(
            {"siren": "552.120-222", "siret": "552 120 222 00013"}
        )
        self.assertRecordValues(self.customer, [{"siren": SG_SIREN, "siret": SG_SIRET}])
        self.customer.with_user(self.controller).siren_display = " 552 120 222 "
        self.assertEqual(self.customer.siren, SG_SIREN)

    def test_siren_kept_when_siret_changes(self):
        partner = self.Partner.create({"name": "SG", "is_company": True, "siren": SG_SIREN})
        partner.siret = "55212022200021"
        self.assertEqual(partner.siren, SG_SIREN)

    def test_search_by_grouped_number(self):
        self.customer.siret = SG_SIRET
        for term in ("552 120 222", "552120222 00013", "120 222"):
            self.assertEqual(
                self.Partner.search([("siren_display", "ilike", term)]), self.customer, term
            )

    # Refusals --------------------------------------------------------------------------------

    def assertRefused(self, vals, message, record=None):
        record = record or self.customer.with_user(self.controller)
        before = record.read(["siren", "siret", "vat", "rcs"])
        with self.assertRaises(ValidationError) as error:
            record.write(vals)
        self.assertEqual(str(error.exception), message)
        self.assertEqual(record.read(["siren", "siret", "vat", "rcs"]), before)

    def test_refusals_name_partner_field_value_and_reason(self):
        self.assertRefused(
            {"siren": "552 120 223"},
            "Menuiserie Garnier: the SIREN 552 120 223 is refused: "
            "its check digit is wrong (typing error?).",
        )
        self.assertRefused(
            {"siren": "55212022"},
            "Menuiserie Garnier: the SIREN 55212022 is refused: "
            "it does not have the right number of characters.",
        )
        self.assertRefused(
            {"siren": "55212O222"},
            "Menuiserie Garnier: the SIREN 55212O222 is refused: it must contain digits only.",
        )
        self.assertRefused(
            {"siret": "55212022200014"},
            "Menuiserie Garnier: the SIRET 552 120 222 00014 is refused: "
            "its check digit is wrong (typing error?).",
        )
        self.assertRefused(
            {"rcs": "Paris 552 120 222"},
            "Menuiserie Garnier: the RCS Paris 552 120 222 is refused: "
            "it cannot be read (expected e.g. RCS Lyon B 123 456 789).",
        )
        self.assertRefused(
            {"rcs": "RCS Paris C 552 120 222"},
            "Menuiserie Garnier: the RCS RCS Paris C 552 120 222 is refused: "
            "the register letter must be A (trader) or B (company), not C.",
        )

    def test_inconsistent_identifiers_refused(self):
        self.customer.siren = SG_SIREN
        self.assertRefused(
            {"siret": "10000000900009"},
            "Menuiserie Garnier: the SIRET 100 000 009 00009 is refused: "
            "it does not start with the SIREN 552 120 222.",
        )
        self.assertRefused(
            {"rcs": "RCS Paris B 443 061 841"},
            "Menuiserie Garnier: the RCS RCS Paris B 443 061 841 is refused: "
            "it holds another SIREN than 552 120 222.",
        )
        vat_label = self.env["res.partner"]._fields["vat"]._description_string(self.env)
        self.assertRefused(
            {"vat": GOOGLE_VAT},
            f"Menuiserie Garnier: the {vat_label} {GOOGLE_VAT} is refused: "
            "it does not hold the SIREN 552 120 222.",
        )

    def test_refusal_message_in_french(self):
        customer = self._french(self.customer.with_user(self.controller))
        with self.assertRaises(ValidationError) as error:
            customer.siren = "552120223"
        self.assertEqual(
            str(error.exception),
            "Menuiserie Garnier\xa0: le SIREN 552 120 223 est refusé\xa0: "
            "sa clé de contrôle est fausse (erreur de saisie ?).",
        )

    def test_la_poste_establishment_accepted(self):
        partner = self.Partner.create(
            {"name": "La Poste Lyon", "is_company": True, "siret": "356 000 000 49837"}
        )
        self.assertRecordValues(partner, [{"siren": "356000000", "siret": "35600000049837"}])

    # Propagation and duplicates --------------------------------------------------------------

    def test_commercial_fields_propagated_to_contacts(self):
        contact, address = self.Partner.create(
            [
                {"name": "Jeanne Garnier", "parent_id": self.customer.id},
                {
                    "name": "Atelier de Givors",
                    "parent_id": self.customer.id,
                    "type": "delivery",
                    "siret": "552 120 222 00021",
                },
            ]
        )
        self.customer.with_user(self.controller).write(
            {
                "siret": SG_SIRET,
                "rcs": "RCS Paris B 552 120 222",
                "collective_proceedings": "sauvegarde",
                "proceedings_date": "2026-01-12",
            }
        )
        self.assertRecordValues(
            contact | address,
            [
                {
                    "siren": SG_SIREN,
                    "siret": False,
                    "rcs": "RCS Paris B 552 120 222",
                    "collective_proceedings": "sauvegarde",
                    "proceedings_date": fields.Date.to_date("2026-01-12"),
                },
                {
                    "siren": SG_SIREN,
                    "siret": "55212022200021",
                    "rcs": "RCS Paris B 552 120 222",
                    "collective_proceedings": "sauvegarde",
                    "proceedings_date": fields.Date.to_date("2026-01-12"),
                },
            ],
        )
        # An establishment of another company cannot hide under this one.
        with self.assertRaises(ValidationError) as error:
            address.with_user(self.controller).siret = "10000000900009"
        self.assertIn("Atelier de Givors", str(error.exception))
        self.assertIn("does not start with the SIREN 552 120 222", str(error.exception))

    def test_duplicate_siren_banner(self):
        self.customer.siren = SG_SIREN
        contact = self.Partner.create({"name": "Jeanne Garnier", "parent_id": self.customer.id})
        self.assertFalse(self.customer.same_siren_partner_id, "its own contact is no duplicate")
        self.assertFalse(contact.same_siren_partner_id)
        with Form(self.Partner) as form:
            form.name = "Garnier Menuiserie (doublon)"
            form.company_type = "company"
            form.siret_display = "552 120 222 00021"
            self.assertEqual(form.siren_display, "552 120 222")
            self.assertEqual(form.same_siren_partner_id, self.customer)
        duplicate = form.record
        self.assertEqual(self.customer.same_siren_partner_id, duplicate)
        self.assertEqual(duplicate.same_siren_partner_id, self.customer)

    def test_duplicate_compute_query_count(self):
        """One search for the whole batch, whatever its size."""
        counts = []
        for size in (1, 2, 12):  # the first batch warms the caches up
            partners = self.env["res.partner"].create(
                [
                    {"name": f"Société {siren}", "is_company": True, "siren": siren}
                    for siren in valid_sirens(size, start=300000000 + size * 1000)
                ]
            )
            partners.invalidate_recordset()
            counts.append(
                count_queries(self.env, lambda p=partners: p.mapped("same_siren_partner_id"))
            )
        # read the partners, search the partners with the same SIRENs
        self.assertEqual(counts[1:], [2, 2])

    # Invoice -----------------------------------------------------------------------------------

    def test_customer_siren_on_invoice(self):
        self.customer.siret = SG_SIRET
        invoice = self._invoice(self.customer, 1200.0, "2026-03-02", "2026-04-01")
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )
        self.assertIn("SIREN: <span>552 120 222</span>", html)
        self.customer.siret = False
        self.customer.siren = False
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("account.report_invoice", invoice.ids)[0]
            .decode()
        )
        self.assertNotIn("SIREN:", html)


@tagged("post_install", "-at_install")
class TestCompanyStatusLookup(RecouvrementCommon):
    """The "Check company status" lookup and its cron, against a local HTTP server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = QuietServer(("127.0.0.1", 0), CompanySearchHandler)
        thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        thread.start()
        cls.addClassCleanup(cls.server.server_close)
        cls.addClassCleanup(cls.server.shutdown)
        CompanySearchHandler.answers = {
            SG_SIREN: company_result(SG_SIREN, "SOCIETE GENERALE"),
            CEASED_SIREN: company_result(CEASED_SIREN, "ANCIENNE SOCIETE", "C", "2025-11-30"),
        }
        icp = cls.env["ir.config_parameter"].sudo()
        icp.set_param(
            "recouvrement_b2b.company_search_url", f"http://127.0.0.1:{cls.server.server_port}/"
        )
        icp.set_param("recouvrement_b2b.company_search_timeout", "0.5")
        cls.customer.siren = SG_SIREN

        cls.Register = cls.env["recouvrement.company.register"]

    def setUp(self):
        super().setUp()
        CompanySearchHandler.requests = []

    def _check(self, partner):
        return partner.with_user(self.controller).action_check_company_status()

    @freeze_time("2026-03-10")
    def test_active_company(self):
        action = self._check(self.customer)
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(
            action["params"]["message"],
            "Menuiserie Garnier: Active according to the company register (SOCIETE GENERALE).",
        )
        self.assertRecordValues(
            self.customer,
            [
                {
                    "company_status": "active",
                    "company_status_date": fields.Date.to_date("2026-03-10"),
                    "company_closed_on": False,
                    "name": "Menuiserie Garnier",
                }
            ],
        )
        self.assertEqual(CompanySearchHandler.requests, [SG_SIREN])
        # Cached for the day: a second click does not call the register again.
        action = self._check(self.customer)
        self.assertEqual(action["params"]["type"], "info")
        self.assertEqual(CompanySearchHandler.requests, [SG_SIREN])

    @freeze_time("2026-03-10")
    def test_ceased_company_from_a_contact(self):
        self.customer.siren = CEASED_SIREN
        contact = self.env["res.partner"].create(
            {"name": "Jeanne Garnier", "parent_id": self.customer.id}
        )
        action = self._check(contact)
        self.assertEqual(action["params"]["type"], "danger")
        self.assertRecordValues(
            self.customer | contact,
            [
                {
                    "company_status": "ceased",
                    "company_closed_on": fields.Date.to_date("2025-11-30"),
                    "company_status_date": fields.Date.to_date("2026-03-10"),
                }
            ]
            * 2,
        )

    def assertNothingChanged(self, siren, message):
        self.customer.write(
            {"siren": siren, "company_status": "active", "company_status_date": "2026-01-05"}
        )
        action = self._check(self.customer)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(action["params"]["message"], message)
        self.assertRecordValues(
            self.customer,
            [
                {
                    "company_status": "active",
                    "company_status_date": fields.Date.to_date("2026-01-05"),
                }
            ],
        )

    @freeze_time("2026-03-10")
    def test_unknown_siren(self):
        self.assertNothingChanged(
            UNKNOWN_SIREN,
            "SIREN 100 000 025 of Menuiserie Garnier is unknown to the company register; "
            "nothing was changed. Check the number.",
        )

    @freeze_time("2026-03-10")
    def test_rate_limited(self):
        self.assertNothingChanged(
            RATE_LIMITED_SIREN,
            "The company register receives too many requests; nothing was changed. "
            "Try again in 30 seconds. Last known status: Active, from 01/05/2026.",
        )

    def test_timeout(self):
        self.assertNothingChanged(
            SLOW_SIREN,
            "The company register did not answer within 0.5 seconds; nothing was changed. "
            "Try again later. Last known status: Active, from 01/05/2026.",
        )

    def test_unexpected_answer(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "recouvrement_b2b.company_search_url",
            f"http://127.0.0.1:{self.server.server_port}/nowhere",
        )
        self.assertNothingChanged(
            SG_SIREN,
            "The company register gave an unexpected answer (HTTP 404); nothing was changed.",
        )

    def test_register_unreachable_message_in_french(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "recouvrement_b2b.company_search_url", "http://127.0.0.1:9/"
        )
        self.env["res.lang"]._activate_lang("fr_FR")
        action = self._check(self.customer.with_context(lang="fr_FR"))
        self.assertEqual(
            action["params"]["message"],
            "Le registre des entreprises est injoignable\u202f; rien n'a été modifié. "
            "Aucun statut n'a jamais été reçu pour cette entreprise.",
        )
        self.assertEqual(self.customer.company_status, "unknown")

    def test_no_siren(self):
        self.customer.siren = False
        with self.assertRaisesRegex(UserError, "Menuiserie Garnier has no SIREN"):
            self._check(self.customer)

    # Cron ---------------------------------------------------------------------------------------

    def _customers_with_open_invoices(self, sirens):
        partners = self.env["res.partner"].create(
            [{"name": f"Client {siren}", "is_company": True, "siren": siren} for siren in sirens]
        )
        CompanySearchHandler.answers.update(
            {siren: company_result(siren, f"CLIENT {siren}") for siren in sirens}
        )
        for partner in partners:
            self._invoice(partner, 100.0, "2026-01-05", "2026-02-04")
        return partners

    @freeze_time("2026-03-10")
    def test_cron_refreshes_open_customers_in_batches(self):
        partners = self._customers_with_open_invoices(valid_sirens(3))
        checked_last_week, no_receivable = self.env["res.partner"].create(
            [
                {
                    "name": "Vu récemment",
                    "is_company": True,
                    "siren": GOOGLE_SIREN,
                    "company_status_date": "2026-03-06",
                },
                {"name": "Sans encours", "is_company": True, "siren": SG_SIREN},
            ]
        )
        self._invoice(checked_last_week, 100.0, "2026-01-05")
        Register = self.Register
        self.assertEqual(Register._get_partners_to_check(), partners)
        self.assertEqual(Register._cron_check_company_status(batch_size=2), 2)
        self.assertEqual(Register._get_partners_to_check(), partners[2])
        self.assertEqual(Register._cron_check_company_status(batch_size=2), 1)
        self.assertRecordValues(
            partners,
            [{"company_status": "active", "company_status_date": fields.Date.today()}] * 3,
        )
        self.assertFalse(Register._get_partners_to_check())
        self.assertEqual(len(CompanySearchHandler.requests), 3)
        self.assertEqual(no_receivable.company_status, "unknown")

    @freeze_time("2026-03-10")
    def test_cron_stops_on_rate_limit_and_reports_unknown(self):
        unknown, limited, later = self._customers_with_open_invoices(
            [UNKNOWN_SIREN, RATE_LIMITED_SIREN, valid_sirens(1)[0]]
        )
        CompanySearchHandler.answers.pop(UNKNOWN_SIREN)
        cron = self.env.ref("recouvrement_b2b.ir_cron_recouvrement_company_status")
        self.assertEqual(cron.model_id.model, "recouvrement.company.register")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertEqual(self.Register._cron_check_company_status(), 1)
        self.assertIn("is unknown to the company register", unknown.message_ids[0].body)
        self.assertRecordValues(
            unknown | limited | later,
            [
                {"company_status": "unknown", "company_status_date": fields.Date.today()},
                {"company_status": "unknown", "company_status_date": False},
                {"company_status": "unknown", "company_status_date": False},
            ],
        )
        new_trigger = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]) - triggers
        self.assertEqual(new_trigger.call_at, fields.Datetime.to_datetime("2026-03-10 00:00:30"))

    @freeze_time("2026-03-10")
    def test_cron_failing_customer_goes_to_the_back(self):
        """A customer whose lookup fails (HTTP 500, then a timeout) is recorded as asked and
        goes to the back: each run checks the next customers, not the same one again."""
        failing, slow, first, second = self._customers_with_open_invoices(
            [valid_sirens(1, start=300000000)[0], SLOW_SIREN] + valid_sirens(2, start=310000000)
        )
        self.patch(CompanySearchHandler, "payloads", {failing.siren: (500, {"erreur": "interne"})})
        Register = self.Register
        self.assertEqual(Register._cron_check_company_status(batch_size=1), 1)  # HTTP 500
        self.assertIn("unexpected answer (HTTP 500)", failing.message_ids[0].body)
        self.assertEqual(Register._cron_check_company_status(batch_size=1), 0)  # timeout: stop
        self.assertEqual(Register._cron_check_company_status(batch_size=1), 1)
        self.assertEqual(Register._cron_check_company_status(batch_size=1), 1)
        self.assertEqual(
            CompanySearchHandler.requests, [failing.siren, slow.siren, first.siren, second.siren]
        )
        self.assertRecordValues(
            failing | slow | first | second,
            [{"company_status_date": False, "company_status_attempt_date": fields.Date.today()}] * 2
            + [
                {
                    "company_status_date": fields.Date.today(),
                    "company_status_attempt_date": fields.Date.today(),
                }
            ]
            * 2,
        )
        self.assertFalse(Register._get_partners_to_check())  # not asked twice a day
        with freeze_time("2026-03-11"):
            self.assertEqual(Register._get_partners_to_check(), failing | slow)

    @freeze_time("2026-03-10")
    def test_cron_malformed_answers_are_warnings(self):
        """``"results": 5`` and a closing date written ``30/06/2024``: a warning on that
        customer, the batch goes on; the button shows the warning."""
        numbers, closed_fr, valid = self._customers_with_open_invoices(
            valid_sirens(3, start=320000000)
        )
        answer = company_result(closed_fr.siren, "FERMEE", "C", "30/06/2024")
        self.patch(
            CompanySearchHandler,
            "payloads",
            {
                numbers.siren: (200, {"results": 5}),
                closed_fr.siren: (200, {"results": [answer]}),
            },
        )
        self.assertEqual(self.Register._cron_check_company_status(), 3)
        self.assertIn("unexpected answer", numbers.message_ids[0].body)
        self.assertIn("unreadable answer", closed_fr.message_ids[0].body)
        self.assertIn("30/06/2024", closed_fr.message_ids[0].body)
        self.assertRecordValues(
            numbers | closed_fr | valid,
            [
                {"company_status": "unknown", "company_status_date": False},
                {"company_status": "unknown", "company_status_date": False},
                {"company_status": "active", "company_status_date": fields.Date.today()},
            ],
        )
        action = self._check(closed_fr)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("unreadable answer", action["params"]["message"])

    def test_cron_selection_query_count(self):
        """Choosing the partners to refresh costs the same queries for 2 or 10 customers."""
        counts = []
        for size in (2, 10):
            self._customers_with_open_invoices(valid_sirens(size, start=400000000 + size * 1000))
            self.Register._get_partners_to_check()
            self.env.invalidate_all()
            counts.append(count_queries(self.env, self.Register._get_partners_to_check))
        # measured: one grouped read of the receivables, reads of the partners, companies and
        # user, one search; a query per partner would make the second count grow
        self.assertEqual(counts, [6, 6])
