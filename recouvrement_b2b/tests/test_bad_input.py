from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import RecouvrementCommon

# Each case: (label, user, target, action, exception class, text the message must hold: the
# field, or the record for a deletion). ``target`` names a record built in setUpClass;
# ``action`` is ``("write", vals)``, ``("create", vals)``, ``("unlink",)`` or
# ``("call", method, *args)``.
RATE_FIELD = "Contract Penalty Rate (%)"
SIREN_VALUES = [
    "7328293201",  # 10 digits: refused, not cut to the valid 732829320
    "73282932012345",
    "73282932",
    "000000000",  # placeholder: passes the Luhn check
    "000 000 000",
    "55212022X",
    "552120223",  # check digit
    "ABCDEFGHI",
]
SIRET_VALUES = [
    "00000000000000",  # placeholder
    "000 000 000 00000",
    "732829320000741",  # 15 digits: refused, not cut
    "7328293200007",
    "44306184100048",  # check digit
    "4430618410004X",
]
CASES = [
    # --- Contract penalty rates (0 to 100 % a year) and the recovery indemnity ------------------
    *[
        (
            f"partner rate {value}",
            "controller",
            "customer",
            ("write", {"penalty_contract_rate": value}),
            ValidationError,
            RATE_FIELD,
        )
        for value in (-5, -0.01, 100.01, 1000, 1e9)
    ],
    *[
        (
            f"company rate {value}",
            "settings",
            "company",
            ("write", {"penalty_contract_rate": value}),
            ValidationError,
            RATE_FIELD,
        )
        for value in (-5, 100.5, 1000)
    ],
    *[
        (
            f"indemnity {value}",
            "settings",
            "company",
            ("write", {"penalty_indemnity_amount": value}),
            ValidationError,
            "Recovery Indemnity (EUR)",
        )
        for value in (-40, -0.01)
    ],
    (
        "hold overdue days -1",
        "settings",
        "company",
        ("write", {"recouvrement_hold_overdue_days": -1}),
        ValidationError,
        "Hold After Days Overdue must be between 0 and 1,825",
    ),
    (
        "credit limit -1",
        "manager",
        "customer",
        ("write", {"credit_limit": -1.0}),
        ValidationError,
        "Credit Limit must be between 0.00 and 100,000,000.00",
    ),
    # --- Reference rates (0 to 100 %) --------------------------------------------------------
    *[
        (
            f"{kind} {value}",
            "manager",
            "rates",
            ("create", {"kind": kind, "half_year": "2031-S1", "value": value}),
            ValidationError,
            "Rate (%)",
        )
        for kind in ("ecb_mro", "legal_professional", "legal_individual")
        for value in (-1, -0.01, 100.01, 1000)
    ],
    (
        "ecb rate write 1000",
        "manager",
        "ecb_rate",
        ("write", {"value": 1000}),
        ValidationError,
        "Rate (%)",
    ),
    # --- Dunning levels ----------------------------------------------------------------------
    *[
        (
            f"level deadline {value}",
            "manager",
            "level",
            ("write", {"payment_deadline_days": value}),
            ValidationError,
            "Payment Deadline (days)",
        )
        for value in (-5, -1, 366, 10000)
    ],
    *[
        (
            f"level minimum {value}",
            "manager",
            "level",
            ("write", {"min_amount": value}),
            ValidationError,
            "Minimum Amount",
        )
        for value in (-100, -0.01)
    ],
    # --- Payment plans -----------------------------------------------------------------------
    *[
        (
            f"instalments {value}",
            "controller",
            "plan",
            ("write", {"instalment_count": value}),
            ValidationError,
            "Number of Instalments",
        )
        for value in (0, -3, 121, 10000, 40000)
    ],
    *[
        (
            f"wizard instalments {value}",
            "controller",
            "plan_wizard",
            ("call", "action_create_plan", {"instalment_count": value}),
            ValidationError,
            "Number of Instalments",
        )
        for value in (0, 121, 40000)
    ],
    *[
        (
            f"first date {value}",
            "controller",
            "plan",
            ("write", {"first_date": value}),
            ValidationError,
            "First Instalment",
        )
        for value in ("9999-12-31", "2030-01-01", "2027-03-04")
    ],
    (
        "down payment date 9999",
        "controller",
        "plan",
        ("write", {"down_payment": 10, "down_payment_date": "9999-12-31"}),
        ValidationError,
        "Down Payment Date",
    ),
    (
        "down payment -1",
        "controller",
        "plan",
        ("write", {"down_payment": -1}),
        ValidationError,
        "down payment",
    ),
    (
        "waiver -1",
        "controller",
        "plan",
        ("write", {"amount_waiver": -1}),
        ValidationError,
        "waiver",
    ),
    *[
        (
            f"controller waiver {value}",
            "controller",
            "plan",
            ("write", {"amount_waiver": value}),
            ValidationError,
            "Waiver",
        )
        for value in (400, 0.01)
    ],
    *[
        (
            f"draft instalment {value}",
            "controller",
            "draft_line",
            ("write", {"amount": value}),
            ValidationError,
            "Amount",
        )
        for value in (-500, 0)
    ],
    *[
        (
            f"{plan} instalment {label}",
            "controller",
            f"{plan}_line",
            action,
            UserError,
            "Instalments",
        )
        for plan in ("proposed", "active")
        for label, action in (
            ("amount -500", ("write", {"amount": -500})),
            ("amount 1", ("write", {"amount": 1})),
            ("date", ("write", {"date_due": "2026-12-31"})),
            ("deleted", ("unlink",)),
        )
    ],
    *[
        (
            f"{plan} new instalment",
            "controller",
            "lines",
            ("create", {"plan_id": plan, "date_due": "2026-06-30", "amount": 5}),
            UserError,
            "Instalments",
        )
        for plan in ("proposed", "active")
    ],
    # --- Identifiers: the whole typed value, no placeholder ----------------------------------
    *[
        (
            f"SIREN write {value}",
            "controller",
            "customer",
            ("write", {"siren": value}),
            ValidationError,
            "SIREN",
        )
        for value in SIREN_VALUES
    ],
    *[
        (
            f"SIREN create {value}",
            "controller",
            "partners",
            ("create", {"name": "Nouveau", "is_company": True, "siren": value}),
            ValidationError,
            "SIREN",
        )
        for value in SIREN_VALUES[:4]
    ],
    (
        "SIREN grouped 10 digits",
        "controller",
        "customer",
        ("write", {"siren_display": "732 829 320 1"}),
        ValidationError,
        "SIREN",
    ),
    *[
        (
            f"SIRET write {value}",
            "controller",
            "customer",
            ("write", {"siret": value}),
            ValidationError,
            "SIRET",
        )
        for value in SIRET_VALUES
    ],
    *[
        (
            f"SIRET create {value}",
            "controller",
            "partners",
            ("create", {"name": "Nouveau", "is_company": True, "siret": value}),
            ValidationError,
            "SIRET",
        )
        for value in SIRET_VALUES[:3]
    ],
    # --- Evidence: a sent reminder ------------------------------------------------------------
    *[
        (f"sent event {fname}", user, "sent_event", ("write", {fname: value}), UserError, label)
        for user in ("controller", "manager")
        for fname, value, label in (
            ("amount_due", 1.0, "Amount Due"),
            ("date", "2026-02-01", "Date"),
            ("state", "draft", "State"),
            ("state", "failed", "State"),
            ("amount_penalty", 5.0, "Late-Payment Penalties"),
            ("channel", "email", "Channel"),
        )
    ],
    (
        "sent event invoices",
        "manager",
        "sent_event",
        ("write", {"move_ids": [Command.clear()]}),
        UserError,
        "Invoices",
    ),
    (
        "sent event level",
        "manager",
        "sent_event",
        ("write", {"level_id": False}),
        UserError,
        "Level",
    ),
    ("sent event deleted", "manager", "sent_event", ("unlink",), UserError, "Menuiserie Garnier"),
    (
        "sent event cancelled without reason",
        "controller",
        "sent_event",
        ("call", "action_cancel"),
        UserError,
        "Cancellation Reason",
    ),
    ("sent event letter deleted", "manager", "letter", ("unlink",), UserError, "Courrier.pdf"),
    (
        "cancelled event revived",
        "manager",
        "cancelled_event",
        ("write", {"state": "sent"}),
        UserError,
        "State",
    ),
    (
        "cancelled event reason",
        "manager",
        "cancelled_event",
        ("write", {"cancel_reason": "Autre"}),
        UserError,
        "Cancellation Reason",
    ),
    # --- Configuration in use: archived, not deleted ------------------------------------------
    ("used level deleted", "manager", "level", ("unlink",), UserError, "Firm reminder"),
    ("default policy deleted", "manager", "policy", ("unlink",), UserError, "Standard ladder"),
    (
        "policy of a used level deleted",
        "manager",
        "other_policy",
        ("unlink",),
        UserError,
        "Used level",
    ),
    ("ecb rate in force deleted", "manager", "ecb_rate", ("unlink",), UserError, "2026-S1"),
    (
        "policy assigned to a customer deleted",
        "manager",
        "assigned_policy",
        ("unlink",),
        UserError,
        "Assigned ladder",
    ),
    ("stage of cases deleted", "manager", "used_stage", ("unlink",), UserError, "Mediation"),
    # --- Litigation: a closed case stays closed ------------------------------------------------
    (
        "closed case closed again",
        "manager",
        "closed_case",
        ("call", "_close", "written_off"),
        UserError,
        "Outcome",
    ),
    (
        "closed case outcome rewritten",
        "manager",
        "closed_case",
        ("write", {"outcome": "recovered"}),
        UserError,
        "Outcome",
    ),
    (
        "closed case outcome cleared",
        "manager",
        "closed_case",
        ("write", {"outcome": False}),
        UserError,
        "Outcome",
    ),
    (
        "closed case closed again, same outcome",
        "manager",
        "closed_case",
        ("call", "_close", "abandoned"),
        UserError,
        "Outcome",
    ),
    # --- Each company its own values on the shared customer (company-dependent) -----------
    *[
        (
            f"second company's partner rate {value}",
            "controller_b",
            "customer",
            ("write", {"penalty_contract_rate": value}),
            ValidationError,
            RATE_FIELD,
        )
        for value in (-5, 1000)
    ],
    (
        "second company's credit limit -1",
        "manager_b",
        "customer",
        ("write", {"credit_limit": -1.0}),
        ValidationError,
        "Credit Limit must be between 0.00 and 100,000,000.00",
    ),
    (
        "second company's hold without a reason",
        "controller_b",
        "customer",
        ("write", {"credit_hold": True}),
        ValidationError,
        "credit hold",
    ),
    (
        "second company's cover ending before it starts",
        "manager_b",
        "customer",
        ("write", {"credit_cover_start": "2026-06-01", "credit_cover_end": "2026-05-01"}),
        ValidationError,
        "credit insurance cover",
    ),
    # --- Upper bounds: amounts, counts, days and dates (issue 19) -----------------------------
    *[
        (
            f"indemnity {value}",
            "settings",
            "company",
            ("write", {"penalty_indemnity_amount": value}),
            ValidationError,
            "Recovery Indemnity (EUR)",
        )
        for value in (40.01, 1e9)
    ],
    *[
        (
            f"level minimum {value}",
            "manager",
            "level",
            ("write", {"min_amount": value}),
            ValidationError,
            "Minimum Amount",
        )
        for value in (1_000_000.01, 1e18)
    ],
    *[
        (
            f"hold overdue days {value}",
            "settings",
            "company",
            ("write", {"recouvrement_hold_overdue_days": value}),
            ValidationError,
            "Hold After Days Overdue",
        )
        for value in (1826, 10**7)
    ],
    *[
        (
            f"first run date {value}",
            "settings",
            "company",
            ("write", {"dunning_first_run_date": value}),
            ValidationError,
            "First Dunning Run",
        )
        for value in ("2026-03-03", "9999-12-31")
    ],
    *[
        (
            f"{target} pause until {value}",
            "controller",
            target,
            ("write", {"dunning_paused_until": value}),
            ValidationError,
            "Dunning Paused Until",
        )
        for target in ("customer", "invoice")
        for value in ("2028-03-02", "9999-12-31")
    ],
    *[
        (
            f"credit {fname} {value}",
            "manager",
            "customer",
            ("write", {fname: value}),
            ValidationError,
            label,
        )
        for fname, label in (
            ("credit_limit", "Credit Limit"),
            ("credit_insured_amount", "Credit Insured Amount"),
        )
        for value in (100_000_000.01, 1e9)
    ],
    *[
        (
            f"recovered amount {value}",
            "controller",
            "open_case",
            ("write", {"recovered_amount": value}),
            ValidationError,
            "Amount Recovered",
        )
        for value in (844.54, 1e9)
    ],
    (
        "case costs 1e9",
        "controller",
        "open_case",
        ("write", {"cost_amount": 1e9}),
        ValidationError,
        "Costs Incurred",
    ),
    *[
        (
            f"case {fname} tomorrow",
            "controller",
            "open_case",
            ("write", {fname: "2026-03-03"}),
            ValidationError,
            label,
        )
        for fname, label in (
            ("formal_notice_date", "Formal Notice Sent On"),
            ("filing_date", "Filed On"),
            ("order_date", "Order Issued On"),
            ("handover_date", "Handed Over On"),
        )
    ],
    (
        "case closed on 9999-12-31",
        "manager",
        "close_wizards",
        ("create", {"litigation_id": "@open_case", "outcome": "abandoned", "date": "9999-12-31"}),
        ValidationError,
        "Date",
    ),
    (
        "plan signed 9999-12-31",
        "controller",
        "plan",
        ("write", {"signature_date": "9999-12-31"}),
        ValidationError,
        "Signature Date",
    ),
    *[
        (
            f"dispute opened {value}",
            "controller",
            "disputes",
            ("create", {"move_id": "@invoice4", "date": value}),
            ValidationError,
            "Opened On",
        )
        for value in ("2026-03-03", "9999-12-31")
    ],
    (
        "call on 9999-12-31",
        "controller",
        "calls",
        ("create", {"partner_id": "@customer", "date": "9999-12-31"}),
        ValidationError,
        "Date",
    ),
    (
        "invoice prescription interrupted 9999-12-31",
        "manager",
        "invoice",
        ("write", {"prescription_interruption_date": "9999-12-31"}),
        ValidationError,
        "Prescription Interruption Date",
    ),
    (
        "customer closed on 9999-12-31",
        "controller",
        "customer",
        ("write", {"company_closed_on": "9999-12-31"}),
        ValidationError,
        "Closed On",
    ),
    *[
        (
            f"run preview {value}",
            "controller",
            "runs",
            ("create", {"date": value}),
            ValidationError,
            "Date",
        )
        for value in ("9999-12-31", "2027-03-03", "2025-03-01")
    ],
    *[
        (
            f"customer {fname} {value}",
            "manager",
            "customer",
            ("write", {fname: value}),
            ValidationError,
            label,
        )
        for fname, label, value in (
            ("company_status_date", "Company Status Date", "9999-12-31"),
            ("credit_score_date", "Score Date", "2026-03-03"),
            ("credit_cover_end", "Cover End", "9999-12-31"),
            ("credit_cover_start", "Cover Start", "2016-03-01"),
        )
    ],
    (
        "letter printed tomorrow",
        "controller",
        "sent_event",
        ("write", {"print_date": "2026-03-03"}),
        ValidationError,
        "Print Date",
    ),
    (
        "dispute deadline 9999-12-31",
        "controller",
        "disputes",
        ("create", {"move_id": "@invoice4", "deadline": "9999-12-31"}),
        ValidationError,
        "Resolution Deadline",
    ),
    *[
        (
            f"rate {vals}",
            "manager",
            "rates",
            ("create", {"kind": "ecb_mro", "value": 2.0, **vals}),
            ValidationError,
            label,
        )
        for vals, label in (
            ({"half_year": "9999-S2"}, "Half Year"),
            ({"half_year": "0001-S1"}, "Half Year"),
            ({"half_year": "2032-S1"}, "Half Year"),
            ({"date_from": "9999-12-31"}, "Effective Date"),
        )
    ],
    (
        "penalty period to 9999-12-31",
        "manager",
        "invoice_line",
        ("write", {"penalty_date_to": "9999-12-31"}),
        ValidationError,
        "Penalty Period End",
    ),
    # --- Evidence created by hand (issue 19) -------------------------------------------------
    *[
        (
            f"event created {state}",
            "controller",
            "events",
            (
                "create",
                {
                    "partner_id": "@customer",
                    "channel": "letter",
                    "date": "2025-06-01",
                    "amount_due": 1.0,
                    "state": state,
                },
            ),
            UserError,
            "State",
        )
        for state in ("sent", "posted")
    ],
]


@tagged("post_install", "-at_install")
class TestBadInput(RecouvrementCommon):
    """Bad input, one case per row of CASES: the exact error class and the field named."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(su=True)(context=dict(cls.env.context, allowed_company_ids=cls.company.ids))
        cls.invoice = cls._invoice(cls.customer, 1000.0, "2026-01-05", "2026-02-04")
        cls.invoice2 = cls._invoice(cls.customer, 600.0, "2026-01-10", "2026-02-09")
        cls.invoice3 = cls._invoice(cls.customer, 300.0, "2026-01-12", "2026-02-11")
        cls.invoice4 = cls._invoice(cls.customer, 800.0, "2026-01-14", "2026-02-13")
        cls.policy = env["recouvrement.dunning.policy"].create({"name": "Standard ladder"})
        cls.company.sudo().dunning_policy_id = cls.policy
        cls.level = env["recouvrement.dunning.level"].create(
            {"name": "Firm reminder", "policy_id": cls.policy.id, "channel": "none", "days": 15}
        )
        cls.other_policy = env["recouvrement.dunning.policy"].create({"name": "Other ladder"})
        used_level = env["recouvrement.dunning.level"].create(
            {"name": "Used level", "policy_id": cls.other_policy.id, "channel": "none"}
        )
        event_vals = {
            "partner_id": cls.customer.id,
            "company_id": cls.company.id,
            "currency_id": cls.company.currency_id.id,
            "move_ids": [Command.set(cls.invoice.ids)],
            "channel": "letter",
            "date": "2026-02-20",
            "amount_due": 1000.0,
        }
        cls.sent_event = env["recouvrement.dunning.event"].create(
            {**event_vals, "level_id": cls.level.id, "state": "sent"}
        )
        cls.letter = env["ir.attachment"].create(
            {
                "name": "Courrier.pdf",
                "raw": b"%PDF-1.4",
                "mimetype": "application/pdf",
                "res_model": cls.sent_event._name,
                "res_id": cls.sent_event.id,
            }
        )
        cls.sent_event.attachment_id = cls.letter
        cls.cancelled_event = env["recouvrement.dunning.event"].create(
            {**event_vals, "level_id": used_level.id, "state": "sent"}
        )
        cls.cancelled_event.write({"state": "cancelled", "cancel_reason": "Paid the day before"})
        cls.ecb_rate = env["recouvrement.penalty.rate"].search(
            [("kind", "=", "ecb_mro"), ("half_year", "=", "2026-S1")]
        ) or env["recouvrement.penalty.rate"].create(
            {"kind": "ecb_mro", "half_year": "2026-S1", "value": 2.15}
        )
        with freeze_time("2026-03-02"):
            Plan = env["recouvrement.payment.plan"]
            plan_vals = {"partner_id": cls.customer.id, "first_date": "2026-03-31"}
            cls.plan = Plan.create({**plan_vals, "move_ids": [Command.set(cls.invoice.ids)]})
            cls.plan.action_compute_schedule()
            proposed = Plan.create({**plan_vals, "move_ids": [Command.set(cls.invoice2.ids)]})
            proposed.action_compute_schedule()
            proposed.action_propose()
            active = Plan.create(
                {
                    **plan_vals,
                    "move_ids": [Command.set(cls.invoice3.ids)],
                    "signature_date": "2026-03-02",
                }
            )
            active.action_compute_schedule()
            active.action_activate()
        cls.plans = {"proposed": proposed, "active": active}
        stage = env["recouvrement.litigation.stage"].search([("step", "=", "closed")], limit=1)
        cls.closed_case = env["recouvrement.litigation"].create({"partner_id": cls.customer.id})
        cls.closed_case.with_context(recouvrement_closing=True).write(
            {"stage_id": stage.id, "outcome": "abandoned", "close_date": "2026-03-01"}
        )
        # a case on an 800 invoice, 17 days late on 2026-03-02: it claims at most 800, the
        # penalty at ECB 2.15 + 10 points, 800 x 12.15 % x 17 / 365 = 4.53 (L441-10), and the
        # 40 EUR indemnity (D441-5): 844.53 recovered at most
        cls.open_case = env["recouvrement.litigation"].create(
            {"partner_id": cls.customer.id, "move_ids": [Command.set(cls.invoice4.ids)]}
        )
        cls.used_stage = env["recouvrement.litigation.stage"].create({"name": "Mediation"})
        env["recouvrement.litigation"].create(
            {"partner_id": cls.customer.id, "stage_id": cls.used_stage.id}
        )
        cls.assigned_policy = env["recouvrement.dunning.policy"].create({"name": "Assigned ladder"})
        cls.customer.with_company(cls.company).sudo().dunning_policy_id = cls.assigned_policy
        # A second company sharing the customer, with its credit controller and manager.
        company_b = env["res.company"].create({"name": "Filiale Lyon"})
        for login, group in (("controller_b", "user"), ("manager_b", "manager")):
            user = new_test_user(
                cls.env,
                login=f"rb2b_{login}",
                groups=f"base.group_user,recouvrement_b2b.recouvrement_group_{group}",
                company_id=company_b.id,
                company_ids=[Command.set(company_b.ids)],
            )
            setattr(cls, login, user)

    def _target(self, name, user):
        records = {
            "customer": self.customer,
            "company": self.company,
            "rates": self.env["recouvrement.penalty.rate"],
            "ecb_rate": self.ecb_rate,
            "level": self.level,
            "policy": self.policy,
            "other_policy": self.other_policy,
            "plan": self.plan,
            "draft_line": self.plan.line_ids[:1],
            "proposed_line": self.plans["proposed"].line_ids[:1],
            "active_line": self.plans["active"].line_ids[:1],
            "lines": self.env["recouvrement.payment.plan.line"],
            "partners": self.env["res.partner"],
            "sent_event": self.sent_event,
            "cancelled_event": self.cancelled_event,
            "letter": self.letter,
            "closed_case": self.closed_case,
            "used_stage": self.used_stage,
            "assigned_policy": self.assigned_policy,
            "invoice": self.invoice,
            "open_case": self.open_case,
            "close_wizards": self.env["recouvrement.litigation.close"],
            "disputes": self.env["recouvrement.dispute"],
            "calls": self.env["recouvrement.call"],
            "events": self.env["recouvrement.dunning.event"],
            "runs": self.env["recouvrement.dunning.run"],
            "invoice_line": self.invoice.line_ids[:1],
        }
        if name == "plan_wizard":
            records[name] = self.env["recouvrement.payment.plan.wizard"].with_context(
                active_model="account.move", active_ids=self.invoice2.ids
            )
        if user == "settings":  # company settings: an administrator's
            return records[name].sudo()
        return records[name].with_user(getattr(self, user))

    def _run(self, record, action):
        if action[0] == "write":
            return record.write(action[1])
        if action[0] == "unlink":
            return record.unlink()
        if action[0] == "create":
            vals = dict(action[1])
            if isinstance(vals.get("plan_id"), str):
                vals["plan_id"] = self.plans[vals["plan_id"]].id
            for fname, value in vals.items():
                if isinstance(value, str) and value.startswith("@"):  # a record of setUpClass
                    vals[fname] = getattr(self, value[1:]).id
            return record.create(vals)
        if record._name == "recouvrement.payment.plan.wizard":
            wizard = record.create({"first_date": date(2026, 3, 31), **action[2]})
            return getattr(wizard, action[1])()
        return getattr(record, action[1])(*action[2:])

    @freeze_time("2026-03-02")
    def test_bad_input_table(self):
        self.assertGreaterEqual(len(CASES), 80)
        for label, user, target, action, error_class, text in CASES:
            with self.subTest(case=label):
                record = self._target(target, user)
                with self.assertRaises(error_class) as caught, self.env.cr.savepoint():
                    self._run(record, action)
                    record.env.flush_all()
                self.assertIs(type(caught.exception), error_class)
                self.assertIn(text, str(caught.exception))

    @freeze_time("2026-03-02")
    def test_sent_event_cancelled_with_reason(self):
        """A sent reminder is cancelled with its reason, which stays; nothing else changes."""
        event = self.sent_event.with_user(self.controller)
        event.cancel_reason = "Paid by cheque on 19 February"
        event.action_cancel()
        self.assertRecordValues(
            event,
            [
                {
                    "state": "cancelled",
                    "cancel_reason": "Paid by cheque on 19 February",
                    "amount_due": 1000.0,
                    "attachment_id": self.letter.id,
                }
            ],
        )
        # Printing marks stay writable on a sent letter.
        self.cancelled_event.with_user(self.controller).printed = True

    def test_configuration_in_use_is_archived(self):
        """Levels, policies and rates in use are archived instead: their history stays."""
        manager = self.manager
        self.level.with_user(manager).action_archive()
        self.assertFalse(self.level.active)
        self.assertEqual(self.sent_event.level_id, self.level)
        self.other_policy.with_user(manager).action_archive()
        self.assigned_policy.with_user(manager).action_archive()
        self.used_stage.with_user(manager).action_archive()
        self.assertFalse(self.assigned_policy.active or self.used_stage.active)
        self.ecb_rate.with_user(manager).action_archive()
        table = self.env["recouvrement.penalty.rate"]._get_rate_table()
        self.assertIn((2026, 1), table.ecb_mro)

    @freeze_time("2026-03-02")
    def test_unused_configuration_is_deleted(self):
        level = (
            self.env["recouvrement.dunning.level"]
            .sudo()
            .create(
                {
                    "name": "Spare",
                    "policy_id": self.other_policy.id,
                    "channel": "none",
                    "days": 99,
                    "sequence": 99,
                }
            )
        )
        future = (
            self.env["recouvrement.penalty.rate"]
            .sudo()
            .create({"kind": "ecb_mro", "half_year": "2027-S1", "value": 2.0})
        )
        stage = self.env["recouvrement.litigation.stage"].sudo().create({"name": "Spare"})
        policy = self.env["recouvrement.dunning.policy"].sudo().create({"name": "Spare"})
        level.with_user(self.manager).unlink()
        future.with_user(self.manager).unlink()
        stage.with_user(self.manager).unlink()
        policy.with_user(self.manager).unlink()
        self.assertFalse(level.exists() or future.exists() or stage.exists() or policy.exists())

    @freeze_time("2026-03-02")
    def test_bounds_accepted(self):
        """The bounds themselves are accepted."""
        self.customer.with_user(self.controller).penalty_contract_rate = 100.0
        self.company.sudo().write({"penalty_contract_rate": 0.0, "penalty_indemnity_amount": 0.0})
        self.level.with_user(self.manager).write({"payment_deadline_days": 0, "min_amount": 0})
        self.plan.with_user(self.controller).write(
            {"instalment_count": 120, "first_date": "2027-03-03"}
        )
        self.plan.with_user(self.manager).amount_waiver = 400.0
        self.customer.with_user(self.controller).siren = "732 829 320"
        # the upper bounds of issue 19
        self.company.sudo().write(
            {
                "penalty_indemnity_amount": 40.0,
                "recouvrement_hold_overdue_days": 1825,
                "dunning_first_run_date": "2026-03-02",
            }
        )
        self.level.with_user(self.manager).min_amount = 1_000_000.0
        self.customer.with_user(self.controller).dunning_paused_until = "2028-03-01"
        self.customer.with_user(self.manager).credit_limit = 100_000_000.0
        self.open_case.with_user(self.controller).write(
            {"recovered_amount": 844.53, "cost_amount": 1_000_000.0, "filing_date": "2026-03-02"}
        )
        self.assertEqual(self.open_case.recovered_amount, 844.53)
        # a preview a year ahead (it overflowed near 9999-12-31)
        run = self.env["recouvrement.dunning.run"].with_user(self.controller)
        run.create({"date": "2027-03-02"}).action_preview()
        self.assertEqual(self.customer.siren, "732829320")
