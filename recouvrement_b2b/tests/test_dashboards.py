import re
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import RecouvrementCommon

STATEMENT_REPORT = "recouvrement_b2b.action_report_customer_statement"


def html_text(content):
    """Text of rendered HTML, tags removed and spaces collapsed (no-break spaces too)."""
    text = re.sub(r"<[^>]+>", " ", content.decode() if isinstance(content, bytes) else content)
    text = text.replace("\ufeff", "").replace("\xa0", " ").replace("\u202f", " ")
    return " ".join(text.split())


class DashboardCommon(RecouvrementCommon):
    """A small book hand-computed at 2026-03-31 (company currency EUR, no taxes).

    ====  ========  =====  ==========  ==========  ==========================  =========
    inv   customer  total  date        due         paid                        residual
    ====  ========  =====  ==========  ==========  ==========================  =========
    1     Garnier   1000   2026-01-10  2026-02-09  1000 on 2026-03-05          0
    2     Garnier    600   2026-02-15  2026-03-17                              600
    3     Dubois     400   2025-11-20  2025-12-20                              400
    4     Dubois     300   2026-03-20  2026-04-19                              300
    5     Dubois     200   2025-10-01  2025-10-31  50 on 2026-03-10            150
    6     Garnier    500   2026-01-05  2026-01-25                              500
    7     Garnier    250   2026-01-20  2026-02-19                              250
    ====  ========  =====  ==========  ==========  ==========================  =========

    Garnier's collection responsible is the salesman; Dubois has none (nor has the company).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.collection_user_id = cls.salesman
        cls.other = cls.env["res.partner"].create(
            {"name": "Transports Dubois", "is_company": True, "email": "dubois@example.fr"}
        )
        with freeze_time("2026-03-31"):
            cls.inv1 = cls._invoice(cls.customer, 1000.0, "2026-01-10", "2026-02-09")
            cls.inv2 = cls._invoice(cls.customer, 600.0, "2026-02-15", "2026-03-17")
            cls.inv3 = cls._invoice(cls.other, 400.0, "2025-11-20", "2025-12-20")
            cls.inv4 = cls._invoice(cls.other, 300.0, "2026-03-20", "2026-04-19")
            cls.inv5 = cls._invoice(cls.other, 200.0, "2025-10-01", "2025-10-31")
            cls.inv6 = cls._invoice(cls.customer, 500.0, "2026-01-05", "2026-01-25")
            cls.inv7 = cls._invoice(cls.customer, 250.0, "2026-01-20", "2026-02-19")
            cls._pay(cls.inv1, 1000.0, "2026-03-05")
            cls._pay(cls.inv5, 50.0, "2026-03-10")
        cls.env["recouvrement.receivable.trend"]._refresh()


@tagged("post_install", "-at_install")
class TestStatement(DashboardCommon):
    """Customer statement: figures, language, email and the dunning attachment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-03-31"):
            # an old paid invoice: its payment (2025-12-01) is older than 90 days
            cls.old = cls._invoice(cls.customer, 80.0, "2025-11-01", "2025-11-30")
            cls._pay(cls.old, 80.0, "2025-12-01")
            # a credit note not applied yet: an open credit
            cls.refund = cls.env["account.move"].create(
                {
                    "move_type": "out_refund",
                    "partner_id": cls.customer.id,
                    "invoice_date": "2026-03-25",
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Avoir", "price_unit": 200.0, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
            cls.refund.action_post()

    @freeze_time("2026-03-31")
    def test_statement_figures(self):
        statement = (
            self.env["recouvrement.statement"]
            .with_user(self.controller)
            ._get_statements(self.customer)[self.customer.id]
        )
        # open items by due date: inv6 (01-25), inv7 (02-19), inv2 (03-17)
        self.assertEqual(statement["open_items"].move_id, self.inv6 | self.inv7 | self.inv2)
        self.assertEqual(statement["open_items"].move_id[0], self.inv6)
        # days late at 03-31: inv6 65 (6 in January + 28 + 31), inv7 40 (9 + 31), inv2 14
        self.assertEqual(
            [statement["days_late"][line.id] for line in statement["open_items"]], [65, 40, 14]
        )
        self.assertEqual(statement["credits"].move_id, self.refund)
        # payments of the last 90 days: inv1's 1000 on 03-05 (not the 80 of 2025-12-01)
        self.assertEqual(statement["payments"].mapped("balance"), [-1000.0])
        # open items 500 + 250 + 600 = 1350, all overdue; balance 1350 - 200 = 1150, of which
        # overdue 1350 - 200 = 1150 (net of the open credit note, issue 17 #2)
        self.assertAlmostEqual(statement["total_open"], 1350.0)
        self.assertAlmostEqual(statement["overdue"], 1150.0)
        self.assertAlmostEqual(statement["total_credits"], -200.0)
        self.assertAlmostEqual(statement["balance"], 1150.0)

    @freeze_time("2026-03-31")
    def test_statement_html_in_the_customer_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["recouvrement_b2b"], ["fr_FR"])
        self.customer.lang = "fr_FR"
        content, _type = (
            self.env["ir.actions.report"]
            .with_user(self.controller)
            ._render_qweb_html(STATEMENT_REPORT, self.customer.ids)
        )
        text = html_text(content)
        for expected in (
            "Relevé de compte",
            "Menuiserie Garnier",
            self.company.name,
            self.inv6.name,
            "25/01/2026",  # inv6's due date, French format
            "500,00 €",
            "1 350,00 €",  # open items
            "-200,00 €",  # open credit
            "1 000,00 €",  # payment of 03-05
            "Solde dû 1 150,00 €",
            "31/03/2026",  # statement date
        ):
            self.assertIn(expected, text)
        self.assertNotIn(self.old.name, text)
        # the company block is in the body
        self.assertIn('name="statement_company"', content.decode())

    @freeze_time("2026-03-31")
    def test_statement_email_and_dunning_attachment(self):
        template = self.env.ref("recouvrement_b2b.mail_template_statement_sending")
        action = self.customer.with_user(self.controller).action_send_statement()
        self.assertEqual(action["context"]["default_template_id"], template.id)
        [sending_id] = action["context"]["default_res_ids"]
        mail = self.env["mail.mail"].browse(template.send_mail(sending_id))
        self.assertEqual(len(mail.attachment_ids), 1)
        # named in the customer's language (English here: issue 16)
        self.assertIn("Statement of account - Menuiserie Garnier", mail.attachment_ids.name)

        level = self._standard_ladder().level_ids[0]
        service = self.env["recouvrement.statement"].with_context(dunning_letter_html=True)
        events = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                [
                    {
                        "partner_id": partner.id,
                        "company_id": self.company.id,
                        "level_id": level.id,
                        "date": "2026-03-31",
                    }
                    for partner in self.customer | self.other
                ]
            )
        )
        self.assertEqual(
            service._dunning_level_attachments(events),
            dict.fromkeys(events.ids, self.env["ir.attachment"]),
        )
        level.attach_statement = True
        attachments = service._dunning_level_attachments(events)
        self.assertEqual(set(attachments), set(events.ids))
        # on the event, a record of the company, not on the shared customer (issue 19)
        self.assertEqual(attachments[events[1].id].res_model, "recouvrement.dunning.event")
        self.assertEqual(attachments[events[1].id].res_id, events[1].id)
        # Dubois: 400 + 300 + 150 = 850 open
        self.assertIn("850.00", html_text(attachments[events[1].id].raw))
        self.assertIn("1,150.00", html_text(attachments[events[0].id].raw))


@tagged("post_install", "-at_install")
class TestDashboards(DashboardCommon):
    """Aged balance, DSO and CEI of the hand-computed book; query counts."""

    def _aged(self, groupby, aggregates, domain=()):
        return (
            self.env["recouvrement.aged.balance"]
            .with_user(self.controller)
            ._read_group([("company_id", "=", self.company.id), *domain], groupby, aggregates)
        )

    @freeze_time("2026-03-31")
    def test_aged_buckets(self):
        # ages at 03-31: inv4 not due; inv2 14 days (1-30); inv7 40 (31-60); inv6 65 (61-90);
        # inv3 101 (11 + 31 + 28 + 31: 91-120); inv5 151 (over 120), 150 left after 50 paid
        measures = [
            "not_due:sum",
            "days_1_30:sum",
            "days_31_60:sum",
            "days_61_90:sum",
            "days_91_120:sum",
            "days_over_120:sum",
            "residual:sum",
            "overdue:sum",
            "share_overdue:avg",
        ]
        [row] = self._aged([], measures)
        # total 300 + 600 + 250 + 500 + 400 + 150 = 2200; overdue 2200 - 300 = 1900;
        # share overdue 1900 / 2200 = 86.3636... %
        expected = [300.0, 600.0, 250.0, 500.0, 400.0, 150.0, 2200.0, 1900.0, 86.3636]
        for measure, value, wanted in zip(measures, row, expected, strict=True):
            self.assertAlmostEqual(value, wanted, places=3, msg=measure)
        by_bucket = dict(self._aged(["bucket"], ["residual:sum"]))
        self.assertEqual(
            by_bucket,
            {
                "not_due": 300.0,
                "1_30": 600.0,
                "31_60": 250.0,
                "61_90": 500.0,
                "91_120": 400.0,
                "over_120": 150.0,
            },
        )
        # per collector: the salesman has Garnier's 600 + 250 + 500 = 1350, all overdue (100 %);
        # no collector: Dubois' 850, 550 overdue (64.70... %)
        by_user = {
            user: (total, share)
            for user, total, share in self._aged(["user_id"], ["residual:sum", "share_overdue:avg"])
        }
        self.assertEqual(by_user[self.salesman][0], 1350.0)
        self.assertAlmostEqual(by_user[self.salesman][1], 100.0)
        self.assertEqual(by_user[self.env["res.users"]][0], 850.0)
        self.assertAlmostEqual(by_user[self.env["res.users"]][1], 550 / 850 * 100)
        # a row opens its customer
        row = self.env["recouvrement.aged.balance"].search([("move_id", "=", self.inv2.id)])
        self.assertEqual(row.action_open_customer()["res_id"], self.customer.id)
        # so does a credit exposure row
        exposure = self.env["recouvrement.credit.exposure"].search(
            [("partner_id", "=", self.other.id)]
        )
        action = exposure.action_open_customer()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.other.id))

    @freeze_time("2026-03-31")
    def test_dso_and_cei(self):
        # Month-end receivables: Oct 200, Nov 600, Dec 600, Jan 600 + 1000 + 500 + 250 = 2350,
        # Feb 2350 + 600 = 2950, Mar 2950 + 300 - 1000 - 50 = 2200.
        # March: sales 300, collections 1050, closing overdue 600 + 400 + 150 + 500 + 250 = 1900,
        # closing current 2200 - 1900 = 300.
        trend = self.env["recouvrement.receivable.trend"].with_user(self.controller)
        domain = [("company_id", "=", self.company.id), ("month", "=", "2026-03-01")]
        measures = [
            "receivable_begin:sum",
            "sales:sum",
            "collected:sum",
            "written_off:sum",
            "receivable_end:sum",
            "overdue_end:sum",
            "share_overdue:avg",
            "dso_simple:avg",
            "dso_countback:avg",
            "cei:avg",
        ]
        [row] = trend._read_group(domain, [], measures)
        expected = [
            2950.0,
            300.0,
            1050.0,
            0.0,
            2200.0,
            1900.0,
            # share overdue: 1900 / 2200 = 86.3636 %
            86.3636,
            # simple DSO: 2200 / 300 x 31 days = 227.3333
            227.3333,
            # count-back DSO: March's 300 covered (31 days, 1900 left), February's 600 (28
            # days, 1300 left), then 1300 / 1750 of January's 31 days = 23.0286: 82.0286
            82.0286,
            # CEI: (2950 + 300 - 2200) / (2950 + 300 - 300) = 1050 / 2950 = 35.5932 %
            35.5932,
        ]
        for measure, value, wanted in zip(measures, row, expected, strict=True):
            self.assertAlmostEqual(value, wanted, places=3, msg=measure)
        # the same month's rows, one per collector, add up
        rows = trend.search(domain)
        self.assertEqual(rows.user_id, self.salesman)
        self.assertAlmostEqual(sum(rows.mapped("receivable_end")), 2200.0)
        # February alone: sales 600, receivables 2950 -> simple DSO 2950 / 600 x 28 = 137.6667
        [(dso,)] = trend._read_group(
            [("company_id", "=", self.company.id), ("month", "=", "2026-02-01")],
            [],
            ["dso_simple:avg"],
        )
        self.assertAlmostEqual(dso, 137.6667, places=3)
        # a new March invoice counts once the figures are refreshed (nightly, or on demand)
        self._invoice(self.other, 100.0, "2026-03-30", "2026-04-29")
        self.assertAlmostEqual(trend._read_group(domain, [], ["sales:sum"])[0][0], 300.0)
        trend.browse().action_refresh()
        self.assertAlmostEqual(trend._read_group(domain, [], ["sales:sum"])[0][0], 400.0)

    @freeze_time("2026-03-31")
    def test_overdue_list_days_late(self):
        # inv6 due 01-25: 65 days late; inv4 not due; inv1 paid
        self.assertEqual(
            (self.inv6 | self.inv4 | self.inv1).mapped("dunning_days_late"), [65, 0, 0]
        )

    # --- query counts ---------------------------------------------------------------------

    def _count_queries(self, func):
        """Number of SQL queries of ``func()`` on empty caches, flushes included."""
        self.env.invalidate_all()
        with patch("random.random", lambda: 1):  # no random garbage collection on flush
            self.env.flush_all()
            self.env.cr.flush()
            start = self.cr.sql_log_count
            func()
            self.env.flush_all()
            self.env.cr.flush()
        return self.cr.sql_log_count - start

    @freeze_time("2026-03-31")
    def test_query_count_dashboards(self):
        """Each dashboard's read_group (as the graph and pivot views call it) costs the same
        number of queries with 2 and 20 more customers and invoices."""
        controller_env = self.env(user=self.controller)
        calls = {
            "aged by customer": lambda: controller_env["recouvrement.aged.balance"].read_group(
                [], ["residual:sum", "days_over_120:sum", "share_overdue:avg"], ["partner_id"]
            ),
            "aged by collector": lambda: controller_env["recouvrement.aged.balance"].read_group(
                [], ["residual:sum", "share_overdue:avg"], ["user_id", "bucket"], lazy=False
            ),
            "trend by month": lambda: controller_env["recouvrement.receivable.trend"].read_group(
                [],
                ["receivable_end:sum", "dso_countback:avg", "dso_simple:avg", "cei:avg"],
                ["month:month"],
            ),
            "trend by collector": lambda: controller_env[
                "recouvrement.receivable.trend"
            ].read_group(
                [], ["collected:sum", "share_overdue:avg"], ["user_id", "segment"], lazy=False
            ),
            "overdue list": lambda: controller_env["account.move"].web_search_read(
                [("move_type", "=", "out_invoice"), ("state", "=", "posted")],
                {
                    "name": {},
                    "invoice_partner_display_name": {},
                    "invoice_date_due": {},
                    "dunning_days_late": {},
                    "amount_residual_signed": {},
                    "dunning_level_id": {"fields": {"display_name": {}}},
                    "dunning_next_date": {},
                },
                limit=80,
            ),
        }
        counts = {name: [] for name in calls}
        for size in (2, 20):
            partners = self.env["res.partner"].create(
                [
                    {"name": f"Client {size}-{i}", "is_company": True, "user_id": self.salesman.id}
                    for i in range(size)
                ]
            )
            for partner in partners:
                self._invoice(partner, 100.0, "2026-01-01", "2026-01-31")
            self.env["recouvrement.receivable.trend"]._refresh()
            for name, call in calls.items():
                self._count_queries(call)  # warm the caches that do not depend on the data
                counts[name].append(self._count_queries(call))
        for name, (small, large) in counts.items():
            self.assertEqual(small, large, name)


@tagged("post_install", "-at_install")
class TestDashboardsUi(HttpCase):
    """The web client opens each dashboard in its first view (graph, pivot) without error."""

    def _open(self, action, title, selector):
        code = """
            const check = () => {
                const crumb = document.querySelector('.o_breadcrumb');
                if (crumb && crumb.textContent.includes(%(title)s)
                        && document.querySelector(%(selector)s)) {
                    console.log('test successful');
                } else {
                    setTimeout(check, 100);
                }
            };
            check();
        """ % {"title": repr(title), "selector": repr(selector)}
        self.browser_js(f"/odoo/action-{action}", code, login="admin", timeout=120)

    def test_receivables_dashboard_opens_on_its_graph(self):
        self._open(
            "recouvrement_b2b.recouvrement_receivable_trend_action",
            "Receivables Dashboard",
            ".o_graph_view",
        )

    def test_aged_balance_opens_on_its_pivot(self):
        self._open("recouvrement_b2b.recouvrement_aged_balance_action", "Aged Balance", ".o_pivot")
