import base64
import csv
import io
import zipfile

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..tools.bounds import check_bounds
from ..tools.lang import company_env, format_number
from ..tools.locks import lock_rows


class RecouvrementLitigationStage(models.Model):
    _inherit = "recouvrement.litigation.stage"

    step = fields.Selection(
        selection_add=[("agency", "Handed over to an agency or lawyer")],
        ondelete={"agency": "set default"},
    )


class RecouvrementLitigation(models.Model):
    """Hand-over of a case to a collection agency or a lawyer: the file is exported to it,
    the payments it collects are recorded with its commission, and the file comes back."""

    _inherit = "recouvrement.litigation"

    agency_id = fields.Many2one(
        "res.partner",
        string="Agency or Lawyer",
        tracking=True,
        help="Collection agency or lawyer the file is handed over to.",
    )
    agency_fee_rate = fields.Float(
        string="Agreed Fee Rate (%)",
        digits=(16, 2),
        tracking=True,
        help="Commission of the agency, in percent of what it collects.",
        aggregator=None,
    )
    handover_date = fields.Date(string="Handed Over On", tracking=True, copy=False)
    handover_user_id = fields.Many2one(
        "res.users", string="Handed Over By", copy=False, readonly=True
    )
    handover_return_date = fields.Date(string="File Returned On", tracking=True, copy=False)
    is_handed_over = fields.Boolean(compute="_compute_is_handed_over", store=True)
    agency_collection_ids = fields.One2many(
        "recouvrement.agency.collection", "litigation_id", string="Agency Payments"
    )
    agency_collected_amount = fields.Monetary(
        string="Collected by the Agency", compute="_compute_agency_amounts"
    )
    agency_commission_amount = fields.Monetary(
        string="Agency Commission", compute="_compute_agency_amounts"
    )

    @api.constrains("agency_fee_rate")
    def _check_agency_fee_rate(self):
        """The agreed fee rate is a percentage of what the agency collects, from 0 to 100.

        :raise ValidationError: naming the case, the field, the bounds and the rate
        """
        check_bounds(self, "agency_fee_rate", 0.0, 100.0)

    @api.depends("handover_date", "handover_return_date")
    def _compute_is_handed_over(self):
        for case in self:
            case.is_handed_over = bool(case.handover_date and not case.handover_return_date)

    @api.depends("agency_collection_ids.amount", "agency_collection_ids.commission_amount")
    def _compute_agency_amounts(self):
        for case in self:
            case.agency_collected_amount = sum(case.agency_collection_ids.mapped("amount"))
            case.agency_commission_amount = sum(
                case.agency_collection_ids.mapped("commission_amount")
            )

    def action_hand_over(self):
        """Hand the file over to the agency or lawyer: the case moves to the hand-over stage,
        its invoices stay out of our dunning (they are in an open case) and the file (dossier
        PDF, invoice list, evidence) is attached to the case as a zip."""
        self.ensure_one()
        if not self.agency_id:
            raise UserError(
                self.env._("Case %(case)s: choose the agency or lawyer first.", case=self.name)
            )
        self._lock_cases()
        if self.is_closed:
            raise UserError(self.env._("Case %(case)s is closed: reopen it first.", case=self.name))
        if self.is_handed_over and self.handover_user_id:
            # e.g. two users handing the file over at once: the later one is told who did
            raise UserError(
                self.env._(
                    "Case %(case)s was already handed over to %(agency)s by %(user)s on "
                    "%(date)s: record the return of the file first.",
                    case=self.name,
                    agency=self.agency_id.display_name,
                    user=self.handover_user_id.name,
                    date=format_date(self.env, self.handover_date),
                )
            )
        if self.is_handed_over:
            # the hand-over date and its export are evidence: a second hand-over would rewrite
            # the date the agency's collections are checked against
            raise UserError(
                self.env._(
                    "Case %(case)s was already handed over to %(agency)s on %(date)s: record "
                    "the return of the file first.",
                    case=self.name,
                    agency=self.agency_id.display_name,
                    date=format_date(self.env, self.handover_date),
                )
            )
        # L622-21: an agency pursuing a pre-judgment claim is an individual action too.
        self.env["recouvrement.proceedings"]._check_individual_action(self.move_ids, "agency")
        stage = self.env["recouvrement.litigation.stage"].search([("step", "=", "agency")], limit=1)
        vals = {
            "handover_date": fields.Date.context_today(self),
            "handover_return_date": False,
            "handover_user_id": self.env.uid,
        }
        if stage:
            vals["stage_id"] = stage.id
        self.write(vals)
        attachment = self._create_handover_export()
        # an internal note: the company's language, its number format (issue 16)
        note_env = company_env(self.env, self.company_id)
        self.message_post(
            body=note_env._(
                "File handed over to %(agency)s (fee rate %(rate)s %%).",
                agency=self.agency_id.display_name,
                rate=format_number(note_env, self.agency_fee_rate, digits=2),
            ),
            attachment_ids=attachment.ids,
        )
        return True

    def _lock_cases(self):
        """Lock the cases' rows before an action that must happen once (write-off, closing,
        hand-over): they are updated to the same values, so under Odoo's REPEATABLE READ
        isolation the second of two transactions started together waits for the first, then
        fails with a serialization error, not logged as an error (``log_exceptions=False``: no
        business failure); Odoo's request handling (``odoo.service.model.retrying``) runs it
        again, and its new snapshot sees the first one's result (who did it, and when)."""
        lock_rows(self, log_exceptions=False)

    def action_return_file(self):
        """The agency or lawyer returns the file: the case goes back to its first stage."""
        self.ensure_one()
        if not self.is_handed_over:
            raise UserError(
                self.env._("Case %(case)s is not handed over to an agency.", case=self.name)
            )
        self.write(
            {
                "handover_return_date": fields.Date.context_today(self),
                "stage_id": self._default_stage_id().id,
            }
        )
        case = self.with_env(company_env(self.env, self.company_id))
        self.message_post(
            body=case.env._(
                "File returned by %(agency)s: %(collected)s collected, %(commission)s of "
                "commission.",
                agency=self.agency_id.display_name,
                collected=case._format_amount(self.agency_collected_amount),
                commission=case._format_amount(self.agency_commission_amount),
            )
        )
        return True

    def _get_handover_invoice_rows(self):
        """Rows of the invoice list of the exported file: header, then one row per invoice
        (number, dates, total and its currency, the invoice's; amount due, penalties and
        indemnity to date in the company currency at the day's rate, as the reminders and the
        injonction de payer file claim them, and that currency: ISO 4217 codes)."""
        self.ensure_one()
        header = [
            self.env._("Invoice"),
            self.env._("Date"),
            self.env._("Due date"),
            self.env._("Total"),
            self.env._("Invoice currency"),
            self.env._("Amount due"),
            self.env._("Penalties"),
            self.env._("Indemnity"),
            self.env._("Currency"),
        ]
        rows = [header]
        lines = self._get_dossier_lines()
        for line in lines:
            move = line["move"]
            rows.append(
                [
                    move.name,
                    format_date(self.env, move.invoice_date),
                    line["due_dates"],
                    f"{move.amount_total:.2f}",
                    move.currency_id.name,
                    f"{line['principal']:.2f}",
                    f"{line['penalty']:.2f}",
                    f"{line['indemnity']:.2f}",
                    self.company_id.currency_id.name,
                ]
            )
        if self.open_credit_amount:
            # what the agency collects is net of the customer's open credits, each column of
            # what the credits take of it, as the printed file (issue 17)
            principal, penalty, indemnity = self._get_dossier_credit_columns(lines)
            rows.append(
                [
                    self.env._("Open credits deducted"),
                    "",
                    "",
                    "",
                    "",
                    f"{-principal:.2f}",
                    f"{-penalty:.2f}" if penalty else "",
                    f"{-indemnity:.2f}" if indemnity else "",
                    self.currency_id.name,
                ]
            )
        return rows

    def _create_handover_export(self):
        """Zip of the file for the agency, attached to the case: the dossier PDF, the invoice
        list (CSV) and the evidence (the invoices' PDFs, the reminders' letters, the files
        attached to the case). :return: the ir.attachment."""
        self.ensure_one()
        Report = self.env["ir.actions.report"]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            dossier, _type = Report._render_qweb_pdf(
                "recouvrement_b2b.action_report_litigation_dossier", self.ids
            )
            archive.writestr(f"{self.name.replace('/', '_')}.pdf", dossier)
            text = io.StringIO()
            csv.writer(text, delimiter=";").writerows(self._get_handover_invoice_rows())
            archive.writestr("invoices.csv", text.getvalue())
            for move in self.move_ids:
                content, _type = Report._render_qweb_pdf("account.account_invoices", move.ids)
                archive.writestr(f"evidence/{move.name.replace('/', '_')}.pdf", content)
            evidence = self.env["ir.attachment"].search(
                [
                    "|",
                    "&",
                    ("res_model", "=", "recouvrement.dunning.event"),
                    ("res_id", "in", self._get_dossier_events().ids),
                    "&",
                    "&",
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("mimetype", "!=", "application/zip"),
                ],
                order="id",
            )
            for attachment in evidence:
                archive.writestr(f"evidence/{attachment.id}-{attachment.name}", attachment.raw)
        return self.env["ir.attachment"].create(
            {
                "name": self.env._("File %(case)s.zip", case=self.name),
                "res_model": self._name,
                "res_id": self.id,
                "datas": base64.b64encode(buffer.getvalue()),
                "mimetype": "application/zip",
            }
        )
