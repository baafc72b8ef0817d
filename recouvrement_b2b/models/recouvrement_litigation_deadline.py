from odoo import api, fields, models
from odoo.tools import format_date

from ..rules import deadlines
from ..tools.lang import company_env


class RecouvrementLitigationDeadline(models.Model):
    _name = "recouvrement.litigation.deadline"
    _description = "Litigation Deadline"
    _order = "date, id"

    litigation_id = fields.Many2one(
        "recouvrement.litigation",
        string="Case",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="litigation_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="litigation_id.partner_id", string="Customer")
    user_id = fields.Many2one(related="litigation_id.user_id", string="Responsible")
    kind = fields.Selection(
        [
            ("prescription", "Prescription"),
            ("service", "Service deadline"),
            ("opposition", "Opposition period end"),
        ],
        required=True,
    )
    move_id = fields.Many2one("account.move", string="Invoice", ondelete="cascade", index=True)
    name = fields.Char(compute="_compute_name")
    date = fields.Date(
        compute="_compute_date",
        store=True,
        help="Prescription: last day to act before the invoice is time-barred. Service: last "
        "day to serve the injonction de payer. Opposition: last day for the customer to "
        "oppose it.",
    )
    is_pending = fields.Boolean(compute="_compute_is_pending")
    last_alert_date = fields.Date(
        readonly=True, help="Date of the last alert raised for this deadline."
    )
    next_alert_date = fields.Date(compute="_compute_next_alert_date", store=True, index=True)

    _sql_constraints = [
        (
            "kind_move_unique",
            "UNIQUE(litigation_id, kind, move_id)",
            "A case holds each deadline once.",
        ),
    ]

    @api.depends("kind", "move_id.name", "litigation_id.name")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for line in self:
            if line.move_id:
                line.name = self.env._(
                    "%(kind)s: %(invoice)s", kind=labels.get(line.kind), invoice=line.move_id.name
                )
            else:
                line.name = self.env._(
                    "%(kind)s: %(case)s", kind=labels.get(line.kind), case=line.litigation_id.name
                )

    @api.depends(
        "kind",
        "move_id.prescription_date",
        "litigation_id.order_date",
        "litigation_id.service_date",
    )
    def _compute_date(self):
        for line in self:
            case = line.litigation_id
            if line.kind == "prescription":
                line.date = line.move_id.prescription_date
            elif line.kind == "service" and case.order_date:
                line.date = deadlines.service_deadline(case.order_date)
            elif line.kind == "opposition" and case.service_date:
                line.date = deadlines.opposition_deadline(case.service_date)
            else:
                line.date = False

    @api.depends("kind", "move_id.payment_state")
    def _compute_is_pending(self):
        for line in self:
            line.is_pending = line.kind != "prescription" or line.move_id.payment_state in (
                "not_paid",
                "partial",
            )

    @api.depends("date", "last_alert_date")
    def _compute_next_alert_date(self):
        for line in self:
            line.next_alert_date = (
                deadlines.next_alert_date(line.date, line.last_alert_date) or False
            )

    # ------------------------------------------------------------------------------------------
    # Alerts (run by ``recouvrement.litigation._cron_raise_alerts``)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _get_alert_domain(self, today):
        """Hook: pending deadlines of open cases whose alert is due on ``today``
        (``next_alert_date``: ``rules.deadlines.next_alert_date``)."""
        return [
            ("next_alert_date", "<=", today),
            ("date", ">=", today),
            ("litigation_id.is_closed", "=", False),
            "|",
            ("move_id", "=", False),
            ("move_id.payment_state", "in", ("not_paid", "partial")),
        ]

    def _litigation_raise_alerts(self, today):
        """Create one activity per deadline on its case, then remember the alert (batched)."""
        model_id = self.env["ir.model"]._get_id("recouvrement.litigation")
        vals_list = []
        for line in self:
            case = line.litigation_id
            # an activity of the collection users: the company's language (issue 16)
            note_env = company_env(self.env, case.company_id)
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": case.id,
                    "user_id": (
                        case.user_id.id or case.company_id.recouvrement_user_id.id or self.env.uid
                    ),
                    "date_deadline": line.date,
                    "summary": note_env._(
                        "%(deadline)s on %(date)s",
                        deadline=line.name,
                        date=format_date(note_env, line.date),
                    ),
                    "note": note_env._(
                        "Deadline in %(days)s days: %(deadline)s.",
                        days=(line.date - today).days,
                        deadline=line.name,
                    ),
                }
            )
        self.env["recouvrement.litigation"]._create_alert_activities(vals_list)
        self.last_alert_date = today

    def _litigation_alert_failed(self, today, error):
        """The alert could not be raised: say why in the case's chatter, skip it."""
        self.last_alert_date = today
        for line in self:
            line.litigation_id.message_post(
                body=company_env(self.env, line.litigation_id.company_id)._(
                    "The deadline alert for %(deadline)s could not be raised: %(error)s",
                    deadline=line.name,
                    error=error,
                )
            )
