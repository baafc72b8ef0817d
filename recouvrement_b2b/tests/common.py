import json
from datetime import date, timedelta

from freezegun import freeze_time
from lxml import html as lxml_html
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import Form, TransactionCase, new_test_user
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


def post_invoice(env, partner, invoice_date, due_date, amount=1000.0):
    """A posted customer invoice of ``amount`` (one line "Lames", no tax) in ``env``: e.g. the
    environment of a cursor the test commits, for the tests of two transactions at once."""
    move = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_date": invoice_date,
            "invoice_date_due": due_date,
            "invoice_line_ids": [
                Command.create(
                    {"name": "Lames", "price_unit": amount, "tax_ids": [Command.clear()]}
                )
            ],
        }
    )
    move.action_post()
    return move


def call_kw(case, model, method, args):
    """The JSON-RPC answer of ``model.method(*args)`` (``/web/dataset/call_kw``) in the session
    of ``case`` (an ``HttpCase``, authenticated): ``{"result": ...}`` or ``{"error": {"data":
    {"name": ..., "message": ...}}}``."""
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "id": 0,
        "params": {"model": model, "method": method, "args": args, "kwargs": {}},
    }
    response = case.url_open(
        "/web/dataset/call_kw",
        data=json.dumps(payload),
        headers={"Content-Type": "application/json"},
    )
    return response.json()


def retried(case, env, request):
    """``request(env)`` fails with a serialization error (``env``'s snapshot is older than what
    another transaction committed), checked by ``case`` (a test case); Odoo's request handling
    retries it (``odoo.service.model.retrying``): the retry's result, committed."""
    with case.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
        request(env)
    env.cr.rollback()  # odoo.service.model.retrying: the request again
    env.transaction.reset()
    result = request(env)
    env.cr.commit()
    return result


def letter_page(env, event):
    """The letter of ``event`` (a ``recouvrement.dunning.event``) rendered now by
    ``report_dunning_letter`` in ``env``, parsed (an lxml HTML element)."""
    return lxml_html.fromstring(
        env["ir.actions.report"]
        ._render_qweb_html("recouvrement_b2b.report_dunning_letter", event.ids)[0]
        .decode()
    )


def letter_rows(env, event, name):
    """The text (white space folded) of each table row of ``event``'s letter rendered now
    (:func:`letter_page`) with a cell containing ``name`` (a move's number)."""
    return [
        " ".join(row.text_content().split())
        for row in letter_page(env, event).xpath("//tr[td[contains(., $name)]]", name=name)
    ]


class RecouvrementCommon(AccountTestInvoicingCommon):
    """French company with its chart of accounts, a credit controller and a credit manager.

    Business flows run as ``cls.controller`` (the groups a credit controller has, nothing more).
    """

    country_code = "FR"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.group_user = cls.env.ref("recouvrement_b2b.recouvrement_group_user")
        cls.group_manager = cls.env.ref("recouvrement_b2b.recouvrement_group_manager")
        # The tests' own user sets the data up like the administrator: a credit manager.
        cls.env.user.groups_id += cls.group_manager
        cls.controller = new_test_user(
            cls.env,
            login="rb2b_controller",
            name="Camille Contrôleur",
            groups="base.group_user,recouvrement_b2b.recouvrement_group_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.manager = new_test_user(
            cls.env,
            login="rb2b_manager",
            name="Morgane Manager",
            groups="base.group_user,recouvrement_b2b.recouvrement_group_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.salesman = new_test_user(
            cls.env,
            login="rb2b_salesman",
            name="Sacha Vendeur",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        # The company made its first dunning run (from the run wizard): the daily cron runs.
        cls.company.dunning_first_run_date = "2020-01-01"
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Menuiserie Garnier",
                "is_company": True,
                "country_id": cls.env.ref("base.fr").id,
                "email": "compta@garnier.example.fr",
            }
        )

    @classmethod
    def _standard_ladder(cls):
        """The shipped standard ladder copied for the test company and made its default (the
        shipped one belongs to the main company): the copied ``recouvrement.dunning.policy``."""
        return cls._shipped_ladder("recouvrement_b2b.dunning_policy_standard", "Standard")

    @classmethod
    def _shipped_ladder(cls, xmlid, name):
        """The shipped ladder ``xmlid`` copied as ``name`` for the test company and made its
        default: the copied ``recouvrement.dunning.policy``."""
        policy = (
            cls.env.ref(xmlid).sudo().copy({"company_id": cls.company.id, "name": name}).sudo(False)
        )
        cls.company.dunning_policy_id = policy
        return policy

    @classmethod
    def _invoice(
        cls, partner, amount, invoice_date, due_date=None, post=True, currency=None, company=None
    ):
        """A customer invoice of ``amount`` (taxes included: no tax) due on ``due_date``."""
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_date_due": due_date or invoice_date,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": "Prestation",
                                "quantity": 1,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _customer(cls, name, **vals):
        """A customer company ``name`` with the email compta@<name>.example.fr (spaces as
        hyphens: an address a mail server delivers to) and ``vals``."""
        domain = "-".join(name.lower().split())
        return cls.env["res.partner"].create(
            {
                "name": name,
                "is_company": True,
                "email": f"compta@{domain}.example.fr",
                **vals,
            }
        )

    @classmethod
    def _term(cls, *parts):
        """A payment term of ``parts``: ``(percent, days)`` each."""
        return cls.env["account.payment.term"].create(
            {
                "name": " + ".join(f"{percent} % {days} j" for percent, days in parts),
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": percent, "nb_days": days})
                    for percent, days in parts
                ],
            }
        )

    @classmethod
    def _invoice_with_term(cls, partner, amount, invoice_date, term, currency=None):
        """A posted invoice of ``amount`` (``currency``, default the company's) dated
        ``invoice_date``, due by the payment ``term``."""
        move = cls._invoice(partner, amount, invoice_date, post=False, currency=currency)
        move.invoice_payment_term_id = term
        move.action_post()
        return move

    def _plan_wizard(self, moves):
        """The payment plan wizard's model on the invoices ``moves``, as the controller (to
        open with ``Form``)."""
        return (
            self.env["recouvrement.payment.plan.wizard"]
            .with_user(self.controller)
            .with_context(active_model="account.move", active_ids=moves.ids)
        )

    def _propose_plan(self, moves, count, first_date):
        """A payment plan of ``count`` instalments from ``first_date`` on ``moves``, made by
        the wizard and proposed, as the controller."""
        with Form(self._plan_wizard(moves)) as form:
            form.instalment_count = count
            form.first_date = first_date
        action = form.record.action_create_plan()
        plan = self.env["recouvrement.payment.plan"].with_user(self.controller)
        plan.browse(action["res_id"]).action_propose()

    @classmethod
    def _refund(cls, partner, amount, date):
        """A posted credit note of ``amount`` (one line "Avoir", no tax) to ``partner`` dated
        ``date``."""
        refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": date,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": "Avoir",
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        refund.action_post()
        return refund

    @classmethod
    def _open_credit_note(cls, partner, amount, day, due_date=None, currency=None, company=None):
        """A posted credit note of ``amount`` to ``partner`` dated ``day``, matched to no
        invoice (an open credit): made as :meth:`_invoice` makes an invoice (one line
        "Prestation", no tax; ``due_date``, ``currency``, ``company`` as there), turned into a
        credit note before it is posted."""
        refund = cls._invoice(
            partner, amount, day, due_date, post=False, currency=currency, company=company
        )
        refund.move_type = "out_refund"
        refund.action_post()
        return refund

    @classmethod
    def _credit_note(cls, invoice, amount, date):
        """A posted credit note of ``amount`` on ``date`` reconciled with ``invoice``."""
        refund = cls._refund(invoice.partner_id, amount, date)
        (invoice.line_ids + refund.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        return refund

    @classmethod
    def _debtor_in_redressement(cls, **vals):
        """Textiles Blanc (with ``vals``), in redressement judiciaire from the judgment of 14
        April 2024, and its invoices A 10 000 of 14 February 2024 due 15 March (born before
        the judgment) and C 3 000 of 20 April due 20 May (born after it).

        :return: ``(debtor, move_a, move_c)``
        """
        debtor = cls.env["res.partner"].create(
            {"name": "Textiles Blanc", "is_company": True, **vals}
        )
        move_a = cls._invoice(debtor, 10000, date(2024, 2, 14), date(2024, 3, 15))
        move_c = cls._invoice(debtor, 3000, date(2024, 4, 20), date(2024, 5, 20))
        debtor.write(
            {"collective_proceedings": "redressement", "proceedings_date": date(2024, 4, 14)}
        )
        return debtor, move_a, move_c

    def _declare_claims(self, debtor, mandataire, publication_date):
        """The claim declaration of ``debtor`` (in collective proceedings) to ``mandataire``
        (res.partner), the judgment published on ``publication_date``, created by the credit
        controller (draft)."""
        return (
            self.env["recouvrement.claim.declaration"]
            .with_user(self.controller)
            .create(
                {
                    "partner_id": debtor.id,
                    "mandataire_id": mandataire.id,
                    "publication_date": publication_date,
                }
            )
        )

    @classmethod
    def _sent_event(cls, invoice, **vals):
        """A reminder by email of ``invoice`` (its amount due) to its customer, sent on 20
        February 2026, with ``vals``: created as superuser, as the dunning run records it."""
        return (
            cls.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                {
                    "partner_id": invoice.partner_id.id,
                    "company_id": invoice.company_id.id,
                    "currency_id": invoice.company_id.currency_id.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "channel": "email",
                    "date": "2026-02-20",
                    "amount_due": invoice.amount_residual,
                    "state": "sent",
                    **vals,
                }
            )
        )

    @classmethod
    def _reminder_event(cls, moves, level, date, **vals):
        """A reminder of ``level`` (recouvrement.dunning.level) listing ``moves``
        (account.move) to their customer, in their company and currency, dated ``date``, with
        ``vals`` (channel, state, amounts...): created as superuser, as the dunning run records
        it. Returns the recouvrement.dunning.event."""
        return (
            cls.env["recouvrement.dunning.event"]
            .sudo()
            .create(
                {
                    "partner_id": moves.partner_id[:1].id,
                    "company_id": moves.company_id[:1].id,
                    "move_ids": [Command.set(moves.ids)],
                    "level_id": level.id,
                    "currency_id": moves.currency_id[:1].id,
                    "date": date,
                    **vals,
                }
            )
        )

    def _litigation_case(self, moves, **vals):
        """A litigation case of the customer of ``moves`` (account.move) in the test company,
        with ``vals``: the ``recouvrement.litigation`` created."""
        return self.env["recouvrement.litigation"].create(
            {
                "partner_id": moves.partner_id[:1].id,
                "company_id": self.company.id,
                "move_ids": [Command.set(moves.ids)],
                **vals,
            }
        )

    def _write_off_case(self, moves, loss):
        """``moves`` written off by the credit manager: a recovery case of ``self.customer``
        closed through its wizard as written off for ``loss`` (``court_decision``,
        ``insufficient_assets``, ``none``).

        :return: ``(the write-off entry, the bad-debt account the wizard proposed)``
        """
        case = self.env["recouvrement.litigation"].create(
            {
                "partner_id": self.customer.id,
                "litigation_type": "recovery",
                "move_ids": [Command.set(moves.ids)],
            }
        )
        bad_debt = self._close_written_off(case, loss)
        return case.write_off_move_id, bad_debt

    def _close_written_off(self, case, loss=None):
        """The litigation ``case`` closed as written off by the credit manager through its
        wizard, for ``loss`` (default: the wizard's own): the bad-debt account it proposed."""
        wizard = Form(
            self.env["recouvrement.litigation.close"]
            .with_user(self.manager)
            .with_context(default_litigation_id=case.id)
        )
        wizard.outcome = "written_off"
        if loss:
            wizard.loss = loss
        bad_debt = wizard.write_off_account_id
        wizard.save().action_confirm()
        return bad_debt

    def _schedule_call(self, partner, deadline):
        """A call due on ``deadline`` for ``partner``, as a phone level schedules it: on a
        reminder of the company (not on the shared customer, issue 19)."""
        event = (
            self.env["recouvrement.dunning.event"]
            .sudo()
            .create({"partner_id": partner.id, "company_id": self.company.id, "date": deadline})
        )
        event.activity_schedule(
            "mail.mail_activity_data_call", date_deadline=deadline, user_id=self.controller.id
        )
        return event

    def _portal_group(self, day):
        """The one company group (a dict: ``open_credit``, ``due``, ``totals``...) of
        ``self.customer``'s collection page as it is computed on ``day`` (ISO date)."""
        with freeze_time(day):
            [group] = self.env["recouvrement.customer"]._get_portal_values(
                self.customer, fields.Date.to_date(day)
            )["companies"]
        return group

    def _queue_takes(self, events, day):
        """The mail and SMS queues take the emails and SMS of ``events`` (reminders) on
        ``day``, as Odoo's mail queue does within minutes of a run (its cron is triggered as
        the mails are created): they count as delivered from that day. The mail.mail stay as
        they are, for the tests that drive the mail queue themselves (a failure after this
        still makes the reminder undelivered)."""
        self.env["recouvrement.dunning"]._dunning_mail_left_queue(events, fields.Date.to_date(day))
        return events

    @classmethod
    def _legal_penalties(cls):
        """The company charges the legal late-payment penalty (the ECB rate plus 10 points, by
        half-year: 14.50 % in 2024-S1 from the module's rates, art. L441-10 C. com.) and the
        indemnity of 40 (art. D441-5)."""
        cls.company.write(
            {
                "penalty_rate_mode": "legal_default",
                "penalty_convention": "half_year",
                "penalty_indemnity_amount": 40.0,
            }
        )

    @classmethod
    def _pay(cls, move, amount, date):
        """Register a payment of ``amount`` on ``move`` dated ``date``."""
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=move.ids)
            .create(
                {
                    "amount": amount,
                    "payment_date": date,
                    "payment_difference_handling": "open",
                }
            )
            ._create_payments()
        )

    @classmethod
    def _unmatched_payment(cls, partner, amount, date, company=None):
        """A posted customer payment of ``amount`` from ``partner`` dated ``date`` in
        ``company`` (default: the test company), matched to no invoice (an open credit)."""
        payment = (
            cls.env["account.payment"]
            .with_company(company or cls.company)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": partner.id,
                    "amount": amount,
                    "date": date,
                }
            )
        )
        payment.action_post()
        return payment


class DunningRunCommon(RecouvrementCommon):
    """The standard six-level ladder (``_standard_ladder``) and the dunning cron's code path,
    run as the credit controller."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls._standard_ladder()
        levels = cls.policy.level_ids
        cls.level_courtesy, cls.level_courteous, cls.level_firm = levels[:3]
        cls.level_last_call, cls.level_notice, cls.level_litigation = levels[3:]
        cls.Dunning = cls.env["recouvrement.dunning"].with_user(cls.controller)

    def _plan(self, day, partners=None):
        """The cron's plan on ``day`` (of ``partners`` only; default: every customer), as the
        credit controller."""
        day = fields.Date.to_date(day)
        with freeze_time(day):
            return self.Dunning._get_plan(day, companies=self.company, partners=partners)

    def _run(self, day, partners=None, queue=True):
        """The cron's code path on ``day`` (plan, then send; ``partners`` only, default: every
        customer), as the credit controller; ``queue``: the mail and SMS queues take the
        messages that day (:meth:`_queue_takes`), else they stay in the outgoing queue."""
        day = fields.Date.to_date(day)
        with freeze_time(day):
            plan = self.Dunning._get_plan(day, companies=self.company, partners=partners)
            events = self.Dunning._send_reminders(plan, day)
        return self._queue_takes(events, day) if queue else events

    def _channels_by_email(self, name, emails):
        """One customer ``name``<index> per address of ``emails`` (the email field as typed),
        each with 1 000 due 31 January 2026, reminded by the run of 1 February: ``(customers,
        {customer: its reminder})``, to compare each reminder's channel and state."""
        customers = [
            self._customer(f"{name}{index}", email=email) for index, email in enumerate(emails)
        ]
        for customer in customers:
            self._invoice(customer, 1000.0, "2026-01-01", "2026-01-31")
        events = self._run("2026-02-01")
        return customers, {event.partner_id: event for event in events}

    def _penalty_invoice(self, move, day):
        """The penalty invoice of ``move`` on ``day``, posted, created as the controller."""
        with freeze_time(day):
            invoice = move.with_user(self.controller)._create_penalty_invoices(
                fields.Date.to_date(day)
            )
            invoice.action_post()
        return invoice


class InstalmentRunsCommon(DunningRunCommon):
    """The standard ladder (courtesy 5 days before the due date, courteous 1 day after, firm
    15, last call 30, formal notice 45 by registered letter, litigation 60; 8 days to pay
    from the firm level) run on given days, a letter posted the day it is prepared; invoices
    in instalments."""

    def _instalments(self, parts, amount=1000.0, invoice_date="2026-01-01"):
        """The receivable lines, by due date, of a posted invoice of ``amount`` dated
        ``invoice_date`` due by the payment term of ``parts`` (``(percent, days)`` each)."""
        move = self._invoice_with_term(self.customer, amount, invoice_date, self._term(*parts))
        return move.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).sorted("date_maturity")

    def _post(self, events, day):
        """``events``, their letters marked posted on ``day`` (received 3 days later)."""
        with freeze_time(day):
            events.filtered(lambda e: e.state == "to_post").with_user(
                self.controller
            ).action_mark_posted()
        return events

    def _sent(self, days):
        """``(day, reminder)`` of the runs on ``days``, in order (a generator: each day is run
        when the previous day's reminders have been read), a letter posted the day it is
        prepared."""
        for day in days:
            for event in self._post(self._run(day), day):
                yield day, event

    def _runs(self, days):
        """``{day: (level name, amount claimed, due dates listed)}`` of the runs on ``days``
        (the customer's one reminder of each day; days with none left out), a letter posted
        the day it is prepared."""
        return {
            day: (
                event.level_id.name,
                event.amount_due,
                sorted(event.line_ids.mapped("date_maturity")),
            )
            for day, event in self._sent(days)
        }

    def _daily(self, start, end):
        """``[(day, level, amount claimed, due dates listed)]`` of a run on every day from
        ``start`` to ``end`` included (ISO dates), letters posted the day they are prepared."""
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        return [
            (
                day,
                event.level_id,
                event.amount_due,
                sorted(event.line_ids.mapped("date_maturity")),
            )
            for day, event in self._sent(days)
        ]


class TwoCursorsCommon(TransactionCase):
    """Two transactions at once on committed data (what a request sees): a customer named
    ``partner_name`` with an invoice of 1 000 due 30 days ago (``self.partner_id``,
    ``self.move_id``, ``self.today``), and ``self.envs``, two superuser environments on cursors
    of their own. What the test committed is deleted afterwards (:meth:`_clean_up_records`,
    then the invoice and the customer)."""

    partner_name = "Scierie"

    def setUp(self):
        super().setUp()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": self.partner_name, "is_company": True})
            today = fields.Date.context_today(partner)
            move = post_invoice(
                env, partner, today - timedelta(days=60), today - timedelta(days=30)
            )
            self.partner_id, self.move_id, self.today = partner.id, move.id, today
        self.envs = [api.Environment(self.registry.cursor(), SUPERUSER_ID, {}) for _i in range(2)]
        self.addCleanup(self._clean_up)

    def _clean_up_records(self, env):
        """Delete what the test committed on the customer, in ``env`` (superuser), before its
        invoice and itself are."""

    def _clean_up(self):
        for env in self.envs:
            env.cr.close()
        with self.env.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self._clean_up_records(env)
            move = env["account.move"].browse(self.move_id)
            move.button_draft()
            move.with_context(force_delete=True).unlink()
            env["res.partner"].browse(self.partner_id).unlink()
