from datetime import date, timedelta
from itertools import count

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged, users

from .common import RecouvrementCommon

SALESMAN = "rb2b_salesman"
INVOICING = "rb2b_invoicing"
CONTROLLER = "rb2b_controller"
MANAGER = "rb2b_manager"
OTHER = "rb2b_other_controller"
OTHER_MANAGER = "rb2b_other_manager"
CONTACTS = "rb2b_sales_contacts"
USERS = (SALESMAN, INVOICING, CONTROLLER, MANAGER, OTHER, CONTACTS)

# Expected rights on the records of the first company, per model and user: "r"ead, "w"rite,
# "c"reate, "u"nlink. SALESMAN: Sales / User only; INVOICING: Invoicing only; CONTROLLER and
# MANAGER: the module's groups; OTHER: a credit controller whose only company is another one
# (multi-company rules hide the first company's records; rates and stages have no company).
MATRIX = {
    "recouvrement.aged.balance": {CONTROLLER: "r", MANAGER: "r"},
    "recouvrement.agency.collection": {CONTROLLER: "rwcu", MANAGER: "rwcu"},
    "recouvrement.claim.declaration": {CONTROLLER: "rwc", MANAGER: "rwcu"},
    # a logged call is evidence: its note only is written, by managers; never deleted
    "recouvrement.call": {CONTROLLER: "rc", MANAGER: "rwc"},
    "recouvrement.call.log": {CONTROLLER: "rwcu", MANAGER: "rwcu"},
    # evidence written by the system on the customer's change: read only, by the company
    "recouvrement.collection.history": {CONTROLLER: "r", MANAGER: "r"},
    "recouvrement.credit.exposure": {CONTROLLER: "r", MANAGER: "r"},
    "recouvrement.credit.override": {CONTROLLER: "rwc", MANAGER: "rwcu"},
    "recouvrement.dispute": {CONTROLLER: "rwc", MANAGER: "rwcu"},
    "recouvrement.dunning.event": {CONTROLLER: "rwc", MANAGER: "rwcu"},
    "recouvrement.dunning.level": {CONTROLLER: "r", MANAGER: "rwcu"},
    "recouvrement.dunning.policy": {CONTROLLER: "r", MANAGER: "rwcu"},
    "recouvrement.dunning.run": {CONTROLLER: "rwcu", MANAGER: "rwcu"},
    "recouvrement.dunning.run.line": {CONTROLLER: "rwcu", MANAGER: "rwcu"},
    "recouvrement.litigation": {CONTROLLER: "rwc", MANAGER: "rwcu"},
    "recouvrement.litigation.close": {CONTROLLER: "rwcu", MANAGER: "rwcu"},
    "recouvrement.litigation.deadline": {CONTROLLER: "rwcu", MANAGER: "rwcu"},
    "recouvrement.litigation.stage": {CONTROLLER: "r", MANAGER: "rwcu", OTHER: "r"},
    "recouvrement.payment.plan": {CONTROLLER: "rwc", MANAGER: "rwcu"},
    "recouvrement.promise": {CONTROLLER: "rwc", MANAGER: "rwcu"},
    # a statement sent: evidence, posted on by its company's collection users (issue 19)
    "recouvrement.statement.sending": {CONTROLLER: "rc", MANAGER: "rc"},
    "recouvrement.payment.plan.line": {CONTROLLER: "rwcu", MANAGER: "rwcu"},
    # the credits a plan deducted: written by its schedule, never changed by hand
    "recouvrement.payment.plan.credit": {CONTROLLER: "rcu", MANAGER: "rcu"},
    "recouvrement.payment.plan.wizard": {CONTROLLER: "rwcu", MANAGER: "rwcu"},
    "recouvrement.worklist": {CONTROLLER: "r", MANAGER: "r"},
    "recouvrement.penalty.rate": {INVOICING: "r", CONTROLLER: "r", MANAGER: "rwcu", OTHER: "r"},
    "recouvrement.receivable.trend": {CONTROLLER: "r", MANAGER: "r"},
}
# SQL report models: their rows are read from the accounting, not created.
REPORT_MODELS = (
    "recouvrement.aged.balance",
    "recouvrement.credit.exposure",
    "recouvrement.receivable.trend",
)


# Who may change each credit and collection field of a customer (CONTACTS: a salesperson with
# contact rights, who may edit the customer's other fields). Credit limits, insurer cover
# and approvals: credit managers; holds, collective proceedings, dunning pauses and contract
# penalty rates: credit controllers and managers. All but the collective proceedings (a fact
# of the customer) are company-dependent: OTHER changes its own company's value
# (PER_COMPANY_MATRIX).
FIELD_MATRIX = {
    "credit_limit": (80000.0, (MANAGER,)),
    "credit_insured_amount": (1000.0, (MANAGER,)),
    "credit_cover_end": ("2026-12-31", (MANAGER,)),
    "credit_limit_above_insured": (True, (MANAGER,)),
    "penalty_excluded": (True, (MANAGER,)),
    "credit_hold": (True, (CONTROLLER, MANAGER, OTHER)),
    "collective_proceedings": ("liquidation", (CONTROLLER, MANAGER, OTHER)),
    "proceedings_date": ("2026-01-15", (CONTROLLER, MANAGER, OTHER)),
    "dunning_paused_until": ("2027-01-31", (CONTROLLER, MANAGER, OTHER)),
    "dunning_pause_reason": ("Dispute", (CONTROLLER, MANAGER, OTHER)),
    "penalty_contract_rate": (0.01, (CONTROLLER, MANAGER, OTHER)),
}

# The company-dependent fields, changed by the users of the second company: their value in
# the first company (set before) stays; who may change them in the second company.
PER_COMPANY_MATRIX = {
    "credit_limit": (8000.0, 500.0, (OTHER_MANAGER,)),
    "credit_insured_amount": (8000.0, 500.0, (OTHER_MANAGER,)),
    "credit_cover_end": ("2026-12-31", "2026-09-30", (OTHER_MANAGER,)),
    "credit_hold_reason": ("Chèques impayés", "Litige qualité", (OTHER, OTHER_MANAGER)),
    "dunning_paused_until": ("2026-12-31", "2027-06-30", (OTHER, OTHER_MANAGER)),
    "dunning_pause_reason": ("Accord oral", "Litige", (OTHER, OTHER_MANAGER)),
    "penalty_contract_rate": (12.0, 20.0, (OTHER, OTHER_MANAGER)),
    "penalty_excluded": (False, True, (OTHER_MANAGER,)),
}


class NotVisible(AccessError):
    """The record is missing from the user's search results (denied read)."""


@tagged("post_install", "-at_install")
class TestSecurity(RecouvrementCommon):
    """Access rights and multi-company rules of every model of the module, as data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env,
            login=INVOICING,
            name="Inès Facturation",
            groups="base.group_user,account.group_account_invoice",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        other_company = cls.env["res.company"].create({"name": "Second Company"})
        new_test_user(
            cls.env,
            login=OTHER,
            name="Octave Autre Société",
            groups="base.group_user,recouvrement_b2b.recouvrement_group_user",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        new_test_user(
            cls.env,
            login=OTHER_MANAGER,
            name="Olga Autre Responsable",
            groups="base.group_user,recouvrement_b2b.recouvrement_group_manager",
            company_id=other_company.id,
            company_ids=[Command.set(other_company.ids)],
        )
        cls.other_company = other_company
        new_test_user(
            cls.env,
            login=CONTACTS,
            name="Sabine Contacts",
            groups="base.group_user,sales_team.group_sale_salesman,base.group_partner_manager",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        env = cls.env(su=True)(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.invoice = cls._invoice(cls.customer, 1000.0, "2026-01-01", "2026-01-31")
        cls.order = env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [Command.create({"product_id": cls.product_a.id})],
            }
        )
        cls.policy = env["recouvrement.dunning.policy"].create({"name": "Matrix policy"})
        cls.level = env["recouvrement.dunning.level"].create(
            {"name": "Matrix level", "policy_id": cls.policy.id, "channel": "none", "sequence": 1}
        )
        cls.stage = env["recouvrement.litigation.stage"].create({"name": "Matrix stage"})
        # handed over to an agency: the agency's collections are dated after it, and pay its
        # invoice (no more than is due on it)
        case_invoice = cls._invoice(cls.customer, 1000.0, "2026-01-02", "2026-02-01")
        cls.litigation = env["recouvrement.litigation"].create(
            {
                "partner_id": cls.customer.id,
                "handover_date": "2020-01-01",
                "move_ids": [Command.set(case_invoice.ids)],
            }
        )
        cls.plan = env["recouvrement.payment.plan"].create(
            {"partner_id": cls.customer.id, "move_ids": [Command.set(cls.invoice.ids)]}
        )
        # read once here: reading it in a test would cache the invoice for every user
        cls.invoice_line_id = cls.invoice.line_ids[:1].id
        cls.dunning_run = env["recouvrement.dunning.run"].create({})
        # a promise due: the customer is on the worklist
        env["recouvrement.promise"].create(
            {
                "partner_id": cls.customer.id,
                "amount": 10.0,
                "date": "2026-01-15",
                "date_recorded": "2026-01-10",
            }
        )
        cls.worklist = env["recouvrement.worklist"].search(
            [("partner_id", "=", cls.customer.id), ("company_id", "=", cls.company.id)]
        )
        cls.exposure = env["recouvrement.credit.exposure"].search(
            [("partner_id", "=", cls.customer.id), ("company_id", "=", cls.company.id)]
        )
        cls.assertTrue(cls, cls.exposure, "no exposure row for the customer")
        env["recouvrement.receivable.trend"]._refresh()
        cls.report_rows = {
            "recouvrement.credit.exposure": cls.exposure,
            "recouvrement.aged.balance": env["recouvrement.aged.balance"].search(
                [("move_id", "=", cls.invoice.id)]
            ),
            "recouvrement.receivable.trend": env["recouvrement.receivable.trend"].search(
                [("company_id", "=", cls.company.id)], limit=1
            ),
        }
        for model, row in cls.report_rows.items():
            cls.assertTrue(cls, row, f"no {model} row for the customer")
        cls.assertTrue(cls, cls.worklist, "no worklist row for the customer")
        cls.env_su = env

    def _vals(self, model):
        """Values to create a record of ``model`` in the first company."""
        if model == "recouvrement.penalty.rate":
            # half-years still to come, at most five years ahead (issue 19)
            return {"kind": "ecb_mro", "half_year": self._next_half_year(), "value": 4}
        return {
            "recouvrement.agency.collection": {
                "litigation_id": self.litigation.id,
                "amount": 100.0,
            },
            "recouvrement.claim.declaration": {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "proceedings": "sauvegarde",
                "judgment_date": str(date(2020, 1, 1) + timedelta(days=next(self.serial))),
            },
            "recouvrement.credit.override": {"order_id": self.order.id, "reason": "Matrix"},
            "recouvrement.aged.balance": {},
            "recouvrement.credit.exposure": {},
            "recouvrement.receivable.trend": {},
            "recouvrement.call": {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "outcome": "refusal",
            },
            "recouvrement.call.log": {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
            },
            "recouvrement.worklist": {},
            "recouvrement.collection.history": {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "field_id": self.env["ir.model.fields"]._get("res.partner", "credit_limit").id,
                "old_value": "0,00 €",
                "new_value": "8 000,00 €",
                "user_id": self.env.ref("base.user_admin").id,
                "date": "2026-01-15 08:00:00",
            },
            # a part: every user's dispute of the invoice together below its amount due
            "recouvrement.dispute": {"move_id": self.invoice.id, "reason": "price", "amount": 10.0},
            "recouvrement.dunning.event": {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
            },
            "recouvrement.dunning.level": {
                "name": "Level",
                "policy_id": self.policy.id,
                "channel": "none",
                "days": 100 + next(self.level_serial),
                "sequence": 100 + next(self.serial),
            },
            "recouvrement.dunning.policy": {"name": "Policy", "company_id": self.company.id},
            "recouvrement.dunning.run": {"company_id": self.company.id},
            "recouvrement.dunning.run.line": {"run_id": self.dunning_run.id},
            "recouvrement.litigation": {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
            },
            "recouvrement.litigation.close": {
                "litigation_id": self.litigation.id,
                "outcome": "abandoned",
            },
            "recouvrement.litigation.deadline": {
                "litigation_id": self.litigation.id,
                "kind": "service",
            },
            "recouvrement.litigation.stage": {"name": "Stage"},
            "recouvrement.payment.plan": {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice.ids)],
            },
            "recouvrement.payment.plan.line": {
                "plan_id": self.plan.id,
                "date_due": "2026-03-31",
                "amount": 100.0,
            },
            "recouvrement.payment.plan.credit": {
                "plan_id": self.plan.id,
                "move_line_id": self.invoice_line_id,
                "amount": 100.0,
            },
            "recouvrement.payment.plan.wizard": {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
            },
            "recouvrement.statement.sending": {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
            },
            "recouvrement.promise": {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "amount": 100.0,
                "date": "2026-03-31",
                "date_recorded": "2026-03-01",
            },
        }[model]

    serial = count()  # unique day offsets
    rate_serial = count()  # unique half-years within a test

    def _next_half_year(self):
        """One of the 8 half-years of the four years after this one, a new one each call."""
        n = next(self.rate_serial) % 8
        return f"{date.today().year + 1 + n // 2}-S{n % 2 + 1}"

    # a level's day offset grows by one (at most 1 825 days after the due date, issue 19)
    level_serial = count()

    # Writable field of each model, set to a harmless value (dates: today, inside every
    # window the checks allow whatever day the suite runs)
    WRITE_VALS = {
        "recouvrement.aged.balance": {"residual": 1.0},
        "recouvrement.agency.collection": {"amount": 90.0},
        "recouvrement.claim.declaration": {"court": "Tribunal de commerce de Lyon"},
        "recouvrement.credit.exposure": {"overdue_days": 1},
        "recouvrement.receivable.trend": {"sales": 1.0},
        "recouvrement.call": {"note": "Matrix"},
        "recouvrement.call.log": {"outcome": "refusal"},
        "recouvrement.collection.history": {"new_value": "80 000,00 €"},
        "recouvrement.worklist": {"overdue_days": 1},
        "recouvrement.credit.override": {"reason": "Changed"},
        "recouvrement.dispute": {"reason": "quality"},
        "recouvrement.dunning.event": {"date": str(date.today())},
        "recouvrement.dunning.level": {"sequence": 5},
        "recouvrement.dunning.policy": {"sequence": 5},
        "recouvrement.dunning.run": {"date": str(date.today())},
        "recouvrement.dunning.run.line": {"excluded": True},
        "recouvrement.litigation": {"litigation_type": "recovery"},
        "recouvrement.litigation.close": {"outcome": "recovered"},
        "recouvrement.litigation.deadline": {"kind": "opposition"},
        "recouvrement.litigation.stage": {"sequence": 5},
        "recouvrement.payment.plan": {"instalment_count": 4},
        "recouvrement.payment.plan.line": {"amount": 90.0},
        "recouvrement.payment.plan.credit": {"amount": 90.0},
        "recouvrement.payment.plan.wizard": {"instalment_count": 4},
        "recouvrement.penalty.rate": {"source": "Matrix"},
        "recouvrement.promise": {"note": "Matrix"},
        "recouvrement.statement.sending": {"date": str(date.today())},
    }

    def _record(self, model):
        """A new record of ``model`` in the first company (a row of the customer for the SQL
        report models)."""
        if model in REPORT_MODELS:
            return self.report_rows[model]
        if model == "recouvrement.worklist":
            return self.worklist
        return self.env_su[model].create(self._vals(model))

    def _check(self, operation, run):
        """Assert ``run(model)`` succeeds for the models the user may ``operation`` (a letter
        of the matrix), and raises AccessError for the others."""
        login = self.env.user.login
        for model, rights in MATRIX.items():
            allowed = operation in rights.get(login, "")
            with self.subTest(model=model, operation=operation, allowed=allowed):
                if allowed:
                    with self.env.cr.savepoint():
                        run(model)
                else:
                    with self.assertRaises(AccessError), self.env.cr.savepoint():
                        run(model)

    def test_matrix_covers_every_model(self):
        models = self.env["ir.model"].search([("model", "=like", "recouvrement.%")])
        with_table = {m.model for m in models if not self.env[m.model]._abstract}
        self.assertEqual(set(MATRIX), with_table)

    @users(*USERS)
    def test_read(self):
        def read(model):
            record = self.env[model].browse(self._record(model).id)
            if not self.env[model].search([("id", "=", record.id)]):
                # Out of the user's companies: hidden by the record rules (see the test below),
                # or absent from the user's rows of the credit exposure view.
                raise NotVisible(record)
            record.read(["display_name"])

        self._check("r", read)

    @users(*USERS)
    def test_write(self):
        def write(model):
            record = self.env[model].browse(self._record(model).id)
            record.write(self.WRITE_VALS[model])

        self._check("w", write)

    @users(*USERS)
    def test_create(self):
        def create(model):
            record = self.env[model].create(self._vals(model))
            record.read(["display_name"])

        self._check("c", create)

    @users(*USERS)
    def test_unlink(self):
        def unlink(model):
            record = self.env[model].browse(self._record(model).id)
            record.unlink()
            self.assertFalse(record.exists())

        self._check("u", unlink)

    @users(OTHER)
    def test_other_company_lists_none_of_the_first_company_records(self):
        """Searches of the second company's controller leave out the first company's records."""
        for model, rights in MATRIX.items():
            with self.subTest(model=model):
                record = self._record(model)
                found = self.env[model].search([("id", "=", record.id)])
                self.assertEqual(bool(found), "r" in rights.get(OTHER, ""))
                # the exposure and aged balance queries only hold the user's companies' rows
                if not found and model not in (
                    "recouvrement.credit.exposure",
                    "recouvrement.aged.balance",
                    "recouvrement.worklist",
                ):
                    with self.assertRaises(AccessError):
                        self.env[model].browse(record.id).read(["display_name"])

    @users(*USERS)
    def test_partner_credit_fields(self):
        """Each credit and collection field of a customer, per user (FIELD_MATRIX)."""
        customer = self.env["res.partner"].browse(self.customer.id)
        if self.env.user.has_group("base.group_partner_manager"):
            customer.write({"comment": "Edited"})  # the customer's other fields: allowed
        login = self.env.user.login
        for fname, (value, allowed_users) in FIELD_MATRIX.items():
            vals = {fname: value}
            if fname == "credit_hold":
                vals["credit_hold_reason"] = "Matrix"
            if fname == "collective_proceedings":
                vals["proceedings_date"] = "2026-01-15"
            allowed = login in allowed_users
            with self.subTest(field=fname, allowed=allowed), self.env.cr.savepoint() as change:
                if allowed:
                    customer.write(vals)
                    self.assertTrue(customer[fname])
                else:
                    with self.assertRaises(AccessError):
                        customer.write(vals)
                change.close()  # rolled back: the next users start from the same customer

    @users(OTHER, OTHER_MANAGER)
    def test_partner_credit_fields_per_company(self):
        """The second company's users change their company's value of a shared customer, by
        role (PER_COMPANY_MATRIX); the first company's value stays, out of their reach."""
        first = self.customer.sudo().with_company(self.company)
        first.write(
            {"credit_hold": True}
            | {fname: values[0] for fname, values in PER_COMPANY_MATRIX.items()}
        )
        customer = self.env["res.partner"].browse(self.customer.id)
        self.assertEqual(self.env.company, self.other_company)
        self.assertFalse(customer.credit_hold or customer.credit_hold_reason)
        login = self.env.user.login
        for fname, (first_value, value, allowed_users) in PER_COMPANY_MATRIX.items():
            vals = {fname: value}
            if fname == "credit_hold_reason":
                vals["credit_hold"] = True
            allowed = login in allowed_users
            with self.subTest(field=fname, allowed=allowed), self.env.cr.savepoint() as change:
                if allowed:
                    customer.write(vals)
                    self.assertEqual(
                        customer[fname], customer._fields[fname].convert_to_cache(value, customer)
                    )
                else:
                    with self.assertRaises(AccessError):
                        customer.write(vals)
                first.invalidate_recordset()
                self.assertEqual(
                    first[fname], first._fields[fname].convert_to_cache(first_value, first)
                )
                # the first company's value: out of reach (not one of the user's companies)
                with self.assertRaises(AccessError):
                    customer.with_company(self.company).write(vals)
                with self.assertRaises(AccessError):
                    customer.with_company(self.company).read([fname])
                change.close()

    @users(CONTACTS, CONTROLLER)
    def test_partner_created_with_credit_fields(self):
        """A new customer's credit and collection fields: the same rights as a change."""
        Partner = self.env["res.partner"]
        for fname, (value, allowed_users) in FIELD_MATRIX.items():
            vals = {"name": "Nouveau client", "is_company": True, fname: value}
            if fname == "credit_hold":
                vals["credit_hold_reason"] = "Matrix"
            if fname == "collective_proceedings":
                vals["proceedings_date"] = "2026-01-15"
            allowed = self.env.user.login in allowed_users
            with self.subTest(field=fname, allowed=allowed), self.env.cr.savepoint() as change:
                if allowed:
                    Partner.create(vals)
                else:
                    with self.assertRaises(AccessError):
                        Partner.create(vals)
                change.close()
        Partner.create({"name": "Sans crédit", "is_company": True, "credit_limit": 0.0})

    @users(*USERS, OTHER_MANAGER)
    def test_order_approval(self):
        """Approving an order over credit: credit managers of the order's company only,
        through the approval action; nobody writes an approval directly (issue 12: approvals
        cannot be forged)."""
        order = self.env["sale.order"].browse(self.order.id)
        allowed = self.env.user.login == MANAGER
        with self.env.cr.savepoint() as change:
            with self.assertRaises(AccessError):
                order.write({"credit_override_reason": "Matrix"})
            change.close()
        with self.env.cr.savepoint() as change:
            if allowed:
                self.env["recouvrement.credit"]._approve_order(order, "Matrix")
                self.assertEqual(order.credit_override_reason, "Matrix")
            else:
                with self.assertRaises(AccessError):
                    self.env["recouvrement.credit"]._approve_order(order, "Matrix")
            change.close()

    @users(CONTROLLER, OTHER)
    def test_credit_limit_change_tracked(self):
        """A credit limit raised by a credit manager is in the company's collection history,
        which its credit controller reads (who, when, from and to); not in the shared
        customer's chatter, and not for the other company's controller."""
        # The customer was created in this transaction, which discards its tracking: as if
        # it had been committed before.
        self.env.cr.precommit.clear()
        customer = (
            self.customer.with_user(self.manager)
            .with_company(self.company)
            .with_context(tracking_disable=False, mail_notrack=False)
        )
        customer.credit_limit = 8000.0
        customer.credit_limit = 80000.0
        self.env.cr.precommit.run()  # tracking values are written before the commit
        History = self.env["recouvrement.collection.history"]
        rows = History.search([("partner_id", "=", self.customer.id)])
        if self.env.user.login == OTHER:
            self.assertFalse(rows)
        else:
            self.assertRecordValues(
                rows,
                [
                    {"old_value": "8,000.00\xa0€", "new_value": "80,000.00\xa0€"},
                    {"old_value": "0.00\xa0€", "new_value": "8,000.00\xa0€"},
                ],
            )
            self.assertEqual(rows.user_id, self.manager)
        tracked = self.customer.sudo().message_ids.tracking_value_ids.field_id.mapped("name")
        self.assertNotIn("credit_limit", tracked)
