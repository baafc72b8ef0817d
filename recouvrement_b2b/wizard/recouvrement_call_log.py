from markupsafe import Markup

from odoo import api, fields, models

CALL_OUTCOMES = [
    ("reached", "Reached"),
    ("not_reached", "Not reached"),
    ("promise", "Promise to pay"),
    ("dispute", "Dispute"),
    ("refusal", "Refusal to pay"),
    ("wrong_contact", "Wrong contact"),
]


class RecouvrementCallLog(models.TransientModel):
    """Log a call to a customer in two clicks (from the worklist or the customer).

    The call is recorded as a done call activity on the customer (its chatter shows the
    outcome). A call that reached the customer, or got a promise or a dispute, marks its due
    call activities done: a phone level of the ladder counts as done. Not reached: the due call
    activities move to the next day. Promise and dispute open the matching creation form.
    """

    _name = "recouvrement.call.log"
    _description = "Log a Call"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    outcome = fields.Selection(CALL_OUTCOMES, required=True, default="reached")
    note = fields.Text()

    @api.model
    def _get_action(self, partner, company):
        """Window action opening the call log of ``partner`` (res.partner) in ``company``."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": partner.commercial_partner_id.id,
                "default_company_id": company.id,
            },
        }

    def action_log(self):
        """Record the call and apply its outcome (see the class).

        :return: the promise or dispute creation form for those outcomes, else closes
        """
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        # sudo: credit controllers log calls on customers they may not be allowed to write on
        customer = partner.sudo()
        call_type = self.env.ref("mail.mail_activity_data_call", raise_if_not_found=False)
        due = customer.activity_ids.filtered(
            lambda a: (
                a.activity_type_id.category == "phonecall"
                and a.date_deadline <= fields.Date.context_today(self)
            )
        )
        outcome_label = dict(self._fields["outcome"]._description_selection(self.env))[self.outcome]
        feedback = Markup("%s") % self.env._("Call: %(outcome)s", outcome=outcome_label)
        if self.note:
            feedback = Markup("%s<br/>%s") % (feedback, self.note)
        if self.outcome == "not_reached":
            due.write({"date_deadline": fields.Date.add(fields.Date.context_today(self), days=1)})
        if self.outcome in ("reached", "promise", "dispute") and due:
            due.action_feedback(feedback=feedback)
        else:
            activity = customer.activity_schedule(
                activity_type_id=call_type.id if call_type else False,
                summary=self.env._("Call: %(outcome)s", outcome=outcome_label),
                user_id=self.env.user.id,
            )
            activity.action_feedback(feedback=feedback)
        if self.outcome == "promise":
            return self._open_creation("recouvrement.promise", partner)
        if self.outcome == "dispute":
            return self._open_creation("recouvrement.dispute", partner)
        return {"type": "ir.actions.act_window_close"}

    def _open_creation(self, model, partner):
        """Form creating a ``model`` record (promise or dispute) for ``partner``."""
        context = {"default_company_id": self.company_id.id, "default_channel": "phone"}
        if model == "recouvrement.promise":
            context["default_partner_id"] = partner.id
        else:
            context["default_description"] = self.note or False
        return {
            "type": "ir.actions.act_window",
            "res_model": model,
            "view_mode": "form",
            "target": "current",
            "context": context,
        }
