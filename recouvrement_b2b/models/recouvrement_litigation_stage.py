from odoo import api, fields, models
from odoo.exceptions import UserError

# Court steps: reaching one of them files the claim with a court (art. 2241 Code civil).
COURT_STEPS = ("filed", "order_issued", "order_served", "opposition", "trial", "enforcement")


class RecouvrementLitigationStage(models.Model):
    _name = "recouvrement.litigation.stage"
    _description = "Litigation Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    step = fields.Selection(
        [
            ("open", "Open"),
            ("negotiation", "Negotiation / mediation"),
            ("formal_notice", "Formal notice sent"),
            ("filed", "Injonction de payer filed"),
            ("order_issued", "Order issued"),
            ("order_served", "Order served"),
            ("opposition", "Opposition"),
            ("trial", "Trial (assignation)"),
            ("enforcement", "Enforcement"),
            ("closed", "Closed"),
        ],
        default="open",
        required=True,
        help="Procedural step of the stage. Court steps (from 'Injonction de payer filed' on) "
        "require a claim that is certaine, liquide and exigible; 'Closed' closes the case.",
    )
    is_closed = fields.Boolean(compute="_compute_is_closed", store=True)
    fold = fields.Boolean(string="Folded in Kanban")
    description = fields.Text(translate=True)

    @api.depends("step")
    def _compute_is_closed(self):
        for stage in self:
            stage.is_closed = stage.step == "closed"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        """A stage that cases (of any company) are or were in is part of their file: archive
        it instead of deleting it."""
        # sudo: the cases of every company count, whoever deletes the stage
        case = (
            self.env["recouvrement.litigation"]
            .sudo()
            .with_context(active_test=False)
            .search([("stage_id", "in", self.ids)], limit=1)
        )
        if case:
            raise UserError(
                self.env._(
                    "Stage %(stage)s is used by litigation cases (%(case)s): archive it instead "
                    "of deleting it.",
                    stage=case.stage_id.with_env(self.env).display_name,
                    case=case.name,
                )
            )
