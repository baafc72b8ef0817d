from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from ..rules import proceedings as proceedings_rules
from ..tools.lang import company_env
from .recouvrement_litigation_stage import COURT_STEPS

# Litigation steps that are individual actions forbidden on pre-judgment claims (L622-21).
FORBIDDEN_STEPS = ("formal_notice", "agency", *COURT_STEPS)


class RecouvrementProceedings(models.AbstractModel):
    """Collective proceedings of a customer (sauvegarde, redressement, liquidation judiciaire):
    which invoices the opening judgment freezes, and the individual actions refused on them
    (L622-21 Code de commerce). The rules are in :mod:`..rules.proceedings`; the declaration of
    claims is ``recouvrement.claim.declaration``.

    Dunning calls :meth:`_filter_dunning_moves` once on the invoices it found: every reason of
    this file that takes an invoice out of our dunning is applied there.
    """

    _name = "recouvrement.proceedings"
    _description = "Collective Proceedings"

    @api.model
    def _get_judgments(self, partners):
        """Opening judgment that freezes the claims of each commercial entity of ``partners``
        (res.partner): ``{commercial partner id: {"date": date, "proceedings": label}}``,
        entities with no such judgment left out. The one place that decides "born before the
        judgment, frozen" (reminders, penalties, individual actions, plans, promises, statement).

        The customer's collective proceedings and judgment date when it is in them; else the
        judgment of a claim declaration of it sent and not closed (any company, the latest):
        the claims born before that judgment stay frozen while its proceedings run, whatever
        the customer's status now says (README, Product decisions): no payment (L622-7), no
        individual action nor reminder (L622-21), no interest (L622-28); they are paid through
        the plan of the proceedings. No query: read on the partners
        (``declared_judgment_date``, stored).
        """
        commercial = partners.commercial_partner_id
        labels = dict(commercial._fields["collective_proceedings"]._description_selection(self.env))
        judgments = {}
        for partner in commercial:
            if partner.collective_proceedings not in (False, "none") and partner.proceedings_date:
                judgments[partner.id] = {
                    "date": partner.proceedings_date,
                    "proceedings": labels.get(partner.collective_proceedings),
                }
        declared_labels = dict(
            commercial._fields["declared_proceedings"]._description_selection(self.env)
        )
        for partner in commercial:
            if partner.id not in judgments and partner.declared_judgment_date:
                judgments[partner.id] = {
                    "date": partner.declared_judgment_date,
                    "proceedings": declared_labels.get(partner.declared_proceedings),
                }
        return judgments

    @api.model
    def _get_move_judgments(self, moves):
        """:meth:`_get_judgments` of the customers of invoices ``moves`` (account.move) and of
        the invoices their penalty invoices charge."""
        sources = moves.filtered("is_penalty_invoice").line_ids.penalty_source_move_id
        return self._get_judgments(
            moves.commercial_partner_id
            | sources.commercial_partner_id
            | self._get_entry_customers(moves.filtered(lambda move: move.move_type == "entry"))
        )

    @api.model
    def _get_entry_customers(self, entries):
        """The customers (res.partner, commercial entities) of the journal ``entries``
        (account.move of type ``entry``, an opening balance taken over from former software):
        the partners of their receivable lines, an entry having no ``commercial_partner_id``
        of its own. No query beyond the prefetch."""
        return entries.line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).partner_id.commercial_partner_id

    @api.model
    def _get_claim_birth(self, move):
        """``(customer id, invoice date, delivery date)`` of the claim ``move`` (account.move):
        an invoice's own; a journal entry's (an opening balance) customer is its receivable
        lines' and its date its accounting date (issue 17: such a claim born before the
        judgment was never treated as one, L622-7). No query beyond the prefetch."""
        if move.move_type == "entry":
            customer = self._get_entry_customers(move)[:1]
            return customer.id, move.date, None
        return move.commercial_partner_id.id, move.invoice_date, move.delivery_date

    @api.model
    def _get_judgment_date(self, partner):
        """Opening judgment date that freezes the claims of ``partner``'s commercial entity
        (see :meth:`_get_judgments`), else None."""
        judgment = self._get_judgments(partner).get(partner.commercial_partner_id.id)
        return judgment["date"] if judgment else None

    @api.model
    def _is_pre_judgment(self, move, judgments=None):
        """Whether the claim of invoice ``move`` was born before its customer's opening
        judgment (``rules.proceedings.is_pre_judgment``, L622-21, R621-4). A penalty invoice
        charging the penalties or the indemnity of a pre-judgment invoice is part of that
        claim, whatever its own date: those penalties stopped at the judgment (L622-28) and
        are declared with it. ``judgments``: :meth:`_get_judgments` of the customers, when
        the caller read them already."""
        if judgments is None:
            judgments = self._get_move_judgments(move)

        def born_before(invoice):
            customer_id, invoice_date, delivery_date = self._get_claim_birth(invoice)
            return proceedings_rules.is_pre_judgment(
                invoice_date, judgments.get(customer_id, {}).get("date"), delivery_date
            )

        if move.is_penalty_invoice and any(
            born_before(source) for source in move.line_ids.penalty_source_move_id
        ):
            return True
        return born_before(move)

    @api.model
    def _get_pre_judgment_moves(self, moves):
        """The invoices of ``moves`` (account.move) whose claim was born before their customer's
        opening judgment (:meth:`_get_judgments`). Batched: the judgments of all the customers
        are read at once."""
        judgments = self._get_move_judgments(moves)
        return moves.filtered(lambda move: self._is_pre_judgment(move, judgments))

    @api.model
    def _filter_dunning_moves(self, moves, date):
        """The invoices of ``moves`` that our dunning may remind on ``date``: without the
        pre-judgment invoices of customers in collective proceedings (L622-21: their reminders
        stop; later invoices are paid at their due date, L622-17, and follow the ladder), and
        without the invoices assigned to a factor in notified factoring (the customer pays the
        factor, which collects them; confidential factoring keeps our dunning).

        Called once by ``recouvrement.dunning._get_plan``; no query per invoice.
        """
        factored = self._get_notified_factored_moves(moves)
        return moves - factored - self._get_pre_judgment_moves(moves)

    @api.model
    def _get_not_payable_online(self, moves):
        """The invoices of ``moves`` (account.move) the customer may not pay us online (the
        portal's "Pay now" on the invoice and on its overdue invoices): the ones our dunning
        leaves out (:meth:`_filter_dunning_moves`), claims born before the customer's opening
        judgment (their payment is forbidden, L622-7) and invoices assigned to a factor in
        notified factoring (the factor alone is validly paid, art. 1346-5 Code civil). No
        query per invoice."""
        return moves - self._filter_dunning_moves(moves, fields.Date.context_today(self))

    @api.model
    def _end_frozen_agreements(self, agreements, date):
        """End, on ``date``, the running payment plans or promises ``agreements``
        (recouvrement.payment.plan or recouvrement.promise) on claims born before their
        customer's opening judgment, once that judgment has come: from it the customer may no
        longer pay those claims (L622-7 Code de commerce), which are declared to the
        mandataire (L622-24), so the agreement is neither kept nor broken (no "dunning
        resumes", no activity to chase, no broken promise in the score). Cancelled with a note
        naming the judgment, in the company's language; a plan hands its invoices back (they
        stay frozen). Returns the agreements ended. No query when no customer is in
        proceedings."""
        judgments = self._get_judgments(agreements.partner_id)
        if not judgments:
            return agreements.browse()
        frozen = self._get_pre_judgment_moves(agreements.move_ids)

        def judgment_of(agreement):
            judgment = judgments.get(agreement.partner_id.commercial_partner_id.id)
            return judgment if judgment and judgment["date"] <= date else None

        ended = agreements.filtered(lambda a: judgment_of(a) and a.move_ids & frozen)
        for agreement in ended:
            judgment = judgment_of(agreement)
            note_env = company_env(self.env, agreement.company_id)
            agreement._message_log(
                body=note_env._(
                    "Ended by the opening judgment of %(proceedings)s of %(customer)s on "
                    "%(date)s: its invoices, claims born before it, may no longer be paid "
                    "(L622-7 Code de commerce); declare them to the mandataire judiciaire.",
                    proceedings=judgment["proceedings"],
                    customer=agreement.partner_id.commercial_partner_id.display_name,
                    date=format_date(note_env, judgment["date"]),
                )
            )
        # sudo: a state set by this flow only (issue 19)
        if ended and ended._name == "recouvrement.payment.plan":
            ended._release_moves()
            ended.sudo().write({"state": "cancelled"})
        elif ended:
            ended.sudo().write({"state": "cancelled", "closed_date": date})
        return ended

    @api.model
    def _get_statement_left_out(self, lines, date, residuals=None):
        """The open items of ``lines`` (receivable account.move.line) that a customer statement
        must not ask to pay us on ``date``, the ones our dunning leaves out
        (:meth:`_filter_dunning_moves`): claims born before the customer's opening judgment
        (their payment is forbidden, L622-7, and they are declared to the mandataire, L622-21)
        and invoices assigned to a factor in notified factoring (the factor alone is paid).
        Open credits are kept. No query per line.

        :param residuals: ``{line id: (residual, residual in the line's currency)}``, what was
            left of each line on ``date`` (``recouvrement.statement._get_residuals_at``): an
            item is judged as at the statement's date, not by what is left of it today (a
            line missing from it was not open then); default: today's residuals
        """
        if residuals is None:
            items = lines.filtered(lambda line: line.amount_residual > 0)
        else:
            items = lines.filtered(lambda line: residuals.get(line.id, (0.0,))[0] > 0)
        kept = self._filter_dunning_moves(items.move_id, date)
        return items.filtered(lambda line: line.move_id not in kept)

    @api.model
    def _check_individual_action(self, moves, action):
        """Refuse an individual action on ``moves`` when one of them is a pre-judgment claim of
        a customer in collective proceedings (L622-21).

        :param action: the action refused, a litigation step (``"formal_notice"``,
            ``"filed"``, ``"order_issued"``, ``"order_served"``, ``"opposition"``,
            ``"trial"``, ``"enforcement"``), ``"agency"`` (hand-over to an agency or lawyer),
            ``"payment_plan"`` or ``"promise"`` (a payment agreed: forbidden too, L622-7)
        :raise UserError: one complete sentence per action, naming the invoice, the customer
            and the judgment date; or, for an invoice assigned to a factor in notified
            factoring, naming the invoice and the factor
        """
        self._check_factored_action(moves)
        frozen = self._get_pre_judgment_moves(moves)
        if not frozen:
            return
        move = frozen[0]
        partner = move.commercial_partner_id
        judgment = self._get_move_judgments(move)
        judgment = judgment.get(partner.id) or next(iter(judgment.values()))
        params = {
            "invoice": move.name,
            "customer": partner.display_name,
            "proceedings": judgment["proceedings"],
            "date": format_date(self.env, judgment["date"]),
        }
        raise UserError(self._get_individual_action_message(action, params))

    @api.model
    def _check_agency_collection(self, collection, moves):
        """Refuse payment ``collection`` (recouvrement.agency.collection) of invoices ``moves``
        (those it pays) when one of them is a claim born before its customer's opening judgment
        (:meth:`_get_judgments`) and the payment is dated on or after that judgment: from the
        judgment, a claim born before it may no longer be paid (art. L622-7 Code de commerce);
        it is paid through the proceedings. A payment collected before the judgment stands.

        :raise UserError: naming the collection (case, agency, date, amount), the invoice and
            the judgment date
        """
        judgments = self._get_move_judgments(moves)
        for move in moves:
            if not self._is_pre_judgment(move, judgments):
                continue
            judgment = judgments.get(move.commercial_partner_id.id) or next(
                iter(judgments.values())
            )
            if proceedings_rules.is_born_before_judgment(collection.date, judgment["date"]):
                continue
            case = collection.litigation_id
            raise UserError(
                self.env._(
                    "Case %(case)s: the payment of %(amount)s collected by %(agency)s on "
                    "%(date)s cannot pay invoice %(invoice)s: its claim was born before the "
                    "opening judgment of %(judgment)s (%(proceedings)s), and from that judgment "
                    "such a claim may no longer be paid (art. L622-7 Code de commerce); it is "
                    "declared to the mandataire judiciaire and paid through the proceedings.",
                    case=case.name,
                    amount=case._format_amount(collection.amount),
                    agency=collection.agency_id.display_name,
                    date=format_date(self.env, collection.date),
                    invoice=move.name,
                    judgment=format_date(self.env, judgment["date"]),
                    proceedings=judgment["proceedings"],
                )
            )

    @api.model
    def _check_factored_action(self, moves):
        """Refuse an individual action (formal notice, injonction de payer, assignation,
        enforcement, hand-over to an agency or lawyer) on the invoices of ``moves`` assigned to
        a factor in notified factoring: by the subrogation the factor became the creditor and
        alone may pursue the debtor (art. 1346 Code civil), as it alone is paid and dunns them
        (:meth:`_filter_dunning_moves`). Confidential factoring keeps them ours.

        :raise UserError: naming the invoice, the factor and the assignment date
        """
        factored = self._get_notified_factored_moves(moves)
        if not factored:
            return
        move = factored[0]
        raise UserError(
            self.env._(
                "Invoice %(invoice)s was assigned to %(factor)s in notified factoring on "
                "%(date)s: the factor is now its creditor and alone may pursue the customer "
                "(formal notice, injonction de payer, assignation, hand-over to an agency). Take "
                "it out of the case, or untick Assigned to a Factor when the factor handed it "
                "back.",
                invoice=move.name,
                factor=move.factor_id.display_name,
                date=format_date(self.env, move.factoring_date) if move.factoring_date else "-",
            )
        )

    @api.model
    def _get_individual_action_message(self, action, params):
        """The translated refusal of ``action`` (see :meth:`_check_individual_action`) with
        ``params`` (invoice, customer, proceedings, date): a whole sentence per action."""
        if action == "formal_notice":
            return self.env._(
                "No formal notice may be sent for invoice %(invoice)s: %(customer)s is in "
                "collective proceedings (%(proceedings)s) since the judgment of %(date)s. Claims "
                "born before the opening judgment can no longer be pursued individually (art. "
                "L622-21 Code de commerce): declare them to the mandataire judiciaire instead.",
                **params,
            )
        if action == "filed":
            return self.env._(
                "No injonction de payer may be filed for invoice %(invoice)s: %(customer)s is in "
                "collective proceedings (%(proceedings)s) since the judgment of %(date)s. Claims "
                "born before the opening judgment can no longer be pursued individually (art. "
                "L622-21 Code de commerce): declare them to the mandataire judiciaire instead.",
                **params,
            )
        if action in ("order_issued", "order_served", "opposition"):
            return self.env._(
                "The injonction de payer procedure cannot go on for invoice %(invoice)s: "
                "%(customer)s is in collective proceedings (%(proceedings)s) since the judgment "
                "of %(date)s. Claims born before the opening judgment can no longer be pursued "
                "individually (art. L622-21 Code de commerce): declare them to the mandataire "
                "judiciaire instead.",
                **params,
            )
        if action == "trial":
            return self.env._(
                "No assignation may be served for invoice %(invoice)s: %(customer)s is in "
                "collective proceedings (%(proceedings)s) since the judgment of %(date)s. Claims "
                "born before the opening judgment can no longer be pursued individually (art. "
                "L622-21 Code de commerce): declare them to the mandataire judiciaire instead.",
                **params,
            )
        if action == "payment_plan":
            return self.env._(
                "No payment plan may be agreed for invoice %(invoice)s: %(customer)s is in "
                "collective proceedings (%(proceedings)s) since the judgment of %(date)s. Claims "
                "born before the opening judgment may no longer be paid nor pursued "
                "individually (art. L622-7 and L622-21 Code de commerce): declare them to the "
                "mandataire judiciaire instead.",
                **params,
            )
        if action == "promise":
            return self.env._(
                "No promise to pay may be recorded for invoice %(invoice)s: %(customer)s is in "
                "collective proceedings (%(proceedings)s) since the judgment of %(date)s. Claims "
                "born before the opening judgment may no longer be paid nor pursued "
                "individually (art. L622-7 and L622-21 Code de commerce): declare them to the "
                "mandataire judiciaire instead.",
                **params,
            )
        if action == "enforcement":
            return self.env._(
                "No enforcement measure may be taken for invoice %(invoice)s: %(customer)s is in "
                "collective proceedings (%(proceedings)s) since the judgment of %(date)s. Claims "
                "born before the opening judgment can no longer be pursued individually (art. "
                "L622-21 Code de commerce): declare them to the mandataire judiciaire instead.",
                **params,
            )
        return self.env._(
            "Invoice %(invoice)s may not be handed over to an agency or lawyer: %(customer)s is "
            "in collective proceedings (%(proceedings)s) since the judgment of %(date)s. Claims "
            "born before the opening judgment can no longer be pursued individually (art. "
            "L622-21 Code de commerce): declare them to the mandataire judiciaire instead.",
            **params,
        )

    @api.model
    def _check_judgment_date(self, records, fname):
        """Refuse an opening judgment date (field ``fname`` of ``records``: customers or claim
        declarations) later than today: a judgment is recorded once pronounced, and a date in
        the future would freeze every invoice now and make the declaration claim interest not
        yet accrued (L622-28).

        :raise ValidationError: naming the record, the field and the date
        """
        today = fields.Date.context_today(self)
        for record in records:
            if record[fname] and record[fname] > today:
                raise ValidationError(
                    self.env._(
                        "%(record)s: the %(field)s (%(date)s) cannot be in the future.",
                        record=record.display_name,
                        field=record._fields[fname]._description_string(self.env),
                        date=format_date(self.env, record[fname]),
                    )
                )

    @api.model
    def _check_judgment_date_set(self, partners):
        """Require the opening judgment date of ``partners`` (res.partner) in collective
        proceedings: the judgment splits the invoices (L622-21, R621-4), stops interest
        (L622-28) and is the date of the claim declared (L622-24); proceedings without it can
        neither freeze reminders nor be declared.

        :raise ValidationError: naming the customer and the field
        """
        for partner in partners:
            if partner.collective_proceedings not in (False, "none") and not (
                partner.proceedings_date
            ):
                raise ValidationError(
                    self.env._(
                        "%(customer)s is in collective proceedings: fill in the %(field)s.",
                        customer=partner.display_name,
                        field=partner._fields["proceedings_date"]._description_string(self.env),
                    )
                )

    @api.model
    def _check_opening_judgment_kept(self, partners):
        """Refuse to move the opening judgment date of ``partners`` (res.partner) in collective
        proceedings while a claim declaration sent for another judgment date is open: a
        conversion (sauvegarde to redressement, redressement to liquidation: L622-10,
        L631-15, L641-1 Code de commerce) keeps the opening judgment, which stopped the
        interest of the claims born before it for good (L622-28) and split the invoices
        (L622-21); a conversion date there would make interest run again and freeze the
        invoices of the observation period (L622-17).

        :raise ValidationError: naming the customer, the declaration and both dates
        """
        in_proceedings = partners.filtered(
            lambda p: p.collective_proceedings not in (False, "none") and p.proceedings_date
        )
        if not in_proceedings:
            return
        # sudo: a declaration of any company holds the customer's opening judgment date
        declarations = (
            self.env["recouvrement.claim.declaration"]
            .sudo()
            .search([("partner_id", "in", in_proceedings.ids), ("state", "=", "declared")])
        )
        for declaration in declarations:
            partner = declaration.partner_id
            if declaration.judgment_date != partner.proceedings_date:
                raise ValidationError(
                    self.env._(
                        "%(customer)s: the %(field)s cannot become %(date)s while claim "
                        "declaration %(declaration)s, declared for the opening judgment of "
                        "%(judgment)s, is not closed. A conversion of the proceedings keeps the "
                        "opening judgment date (interest stopped there for good, art. L622-28 "
                        "Code de commerce): change only the type of proceedings.",
                        customer=partner.display_name,
                        field=partner._fields["proceedings_date"]._description_string(self.env),
                        date=format_date(self.env, partner.proceedings_date),
                        declaration=declaration.name,
                        judgment=format_date(self.env, declaration.judgment_date),
                    )
                )

    @api.model
    def _check_litigation_cases(self, cases, vals=None):
        """Refuse litigation ``cases`` (recouvrement.litigation) that take an individual action
        on a pre-judgment claim: a formal notice, an injonction de payer or an assignation
        (L622-21). ``vals``: the values just written (None: the cases were just created)."""
        if vals is not None and not {"stage_id", "formal_notice_date", "move_ids"} & set(vals):
            return
        judgments = self._get_judgments(cases.partner_id)
        for case in cases:
            if case.is_closed:
                continue
            judgment = judgments.get(case.partner_id.commercial_partner_id.id, {}).get("date")
            # a formal notice sent before the judgment is a past fact, not an action now
            notice_after = case.formal_notice_date and not (
                judgment and case.formal_notice_date < judgment
            )
            if case.step in FORBIDDEN_STEPS or notice_after:
                action = case.step if case.step in FORBIDDEN_STEPS else "formal_notice"
                self._check_individual_action(case.move_ids, action)

    # ------------------------------------------------------------------------------------------
    # Bad-debt VAT (art. 272 CGI)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _prepare_bad_debt_line_vals(self, case, receivables, account, loss=None, date=None):
        """Debit lines of the write-off entry of litigation ``case`` for the unpaid
        ``receivables`` (account.move.line of its invoices), in the company currency.

        A debt definitively lost (``loss``: ``"insufficient_assets"``, a liquidation closed for
        insufficient assets, or ``"court_decision"``) gives back the output VAT paid on it
        (art. 272 CGI): each invoice's written-off part is split pro rata of its total into
        the VAT and the amount excluding tax (on ``account``, 654). The VAT is reversed as a
        credit note would: on the account of the tax's refund repartition line, with that
        line's tax tags and the base's refund tags on the 654 lines (``tax_ids``), so that the
        VAT return (CA3) shows the recovery. VAT on payment (cash basis, services) never became
        due on the unpaid part: it is only cleared from the cash-basis transition account,
        with no tags (see :meth:`_reconcile_bad_debt_vat`). Any other write-off keeps the whole
        amount on ``account``. ``date``: the write-off's date (see
        :meth:`_check_bad_debt_loss`).

        :return: list of ``account.move.line`` values
        """
        self._check_bad_debt_loss(case, loss, date)
        currency = case.company_id.currency_id
        partner = case.commercial_partner_id
        total = sum(receivables.mapped("amount_residual"))
        vat_lines, base_lines = {}, {}
        recover = bool(loss and loss != "none")
        for move, lines in receivables.grouped("move_id").items():
            written_off = sum(lines.mapped("amount_residual"))
            self._add_bad_debt_vat(move, written_off, vat_lines, base_lines, recover=recover)
        vals_list = []
        for (refund_rep, vat_account), (vat, base) in vat_lines.items():
            if currency.is_zero(vat):
                continue
            vals = {
                "name": self.env._("VAT on bad debt: case %(case)s", case=case.name),
                "account_id": vat_account.id,
                "partner_id": partner.id,
                "balance": vat,
                "amount_currency": vat,
                "currency_id": currency.id,
            }
            if refund_rep:
                vals.update(
                    tax_repartition_line_id=refund_rep.id,
                    tax_tag_ids=[Command.set(refund_rep.tag_ids.ids)],
                    tax_base_amount=base,
                )
            vals_list.append(vals)
        untaxed = currency.round(total - sum(v["balance"] for v in vals_list))
        label = self.env._("Bad debt: case %(case)s", case=case.name)
        for taxes, base in base_lines.items():
            base = min(currency.round(base), untaxed)
            if currency.is_zero(base):
                continue
            untaxed = currency.round(untaxed - base)
            refund_bases = taxes.refund_repartition_line_ids.filtered(
                lambda rep: rep.repartition_type == "base"
            )
            vals_list.append(
                {
                    "name": label,
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "balance": base,
                    "amount_currency": base,
                    "currency_id": currency.id,
                    "tax_ids": [Command.set(taxes.ids)],
                    "tax_tag_ids": [Command.set(refund_bases.tag_ids.ids)],
                }
            )
        if not currency.is_zero(untaxed) or not base_lines:
            vals_list.append(
                {
                    "name": label,
                    "account_id": account.id,
                    "partner_id": partner.id,
                    "balance": untaxed,
                    "amount_currency": untaxed,
                    "currency_id": currency.id,
                }
            )
        # the amount excluding tax first, then the VAT
        return sorted(vals_list, key=lambda vals: vals["account_id"] != account.id)

    @api.model
    def _add_bad_debt_vat(self, move, written_off, vat_lines, base_lines, recover=True):
        """Add the VAT and the base of invoice ``move``'s written-off part (``written_off``,
        company currency, taxes included) to ``vat_lines`` ({(refund repartition line or
        empty, account): [VAT, base]}) and ``base_lines`` ({taxes: base}), pro rata of what
        the invoice still claims (art. 272 CGI; ``recover``: the debt is definitively lost):
        its total, taxes and bases net of the credit notes reconciled with it
        (:meth:`_get_bad_debt_documents`), since a credit note already gave back the VAT of
        what it credits (a credit note of the 5.5 % lines leaves only 20 % VAT to recover).
        A tax on payment (cash basis) whose VAT is still on its transition account is cleared
        from there, untagged, whether the debt is definitively lost or not: never received,
        that VAT never became due, there is nothing to recover and nothing to write off."""
        documents = self._get_bad_debt_documents(move)
        invoice_total = sum(doc.amount_total_signed * share for doc, share in documents)
        # key: [VAT of the invoice net of its credit notes, its base, VAT cleared as is]
        taxes_by_key = {}
        for doc, share in documents:
            for tax_line in doc.line_ids.filtered("tax_repartition_line_id"):
                rep = tax_line.tax_repartition_line_id
                tax = rep.tax_id
                transition = tax.tax_exigibility == "on_payment" and (
                    tax_line.account_id == tax.cash_basis_transition_account_id
                )
                if not (transition or recover) or (transition and doc != move):
                    continue
                if transition:
                    key = (self.env["account.tax.repartition.line"], tax_line.account_id)
                else:
                    # a credit note's tax line: the refund repartition line at the same place
                    if rep not in tax.refund_repartition_line_ids:
                        index = list(tax.invoice_repartition_line_ids).index(rep)
                        rep = tax.refund_repartition_line_ids[index]
                    key = (rep, rep.account_id or tax_line.account_id)
                amounts = taxes_by_key.setdefault(key, [0.0, 0.0, None])
                # output VAT is a credit on the invoice: -balance is its positive amount
                amounts[0] += -tax_line.balance * share
                if transition and tax_line.account_id.reconcile:
                    # exactly what the cash-basis entries of the payments left on it
                    amounts[2] = (amounts[2] or 0.0) - tax_line.amount_residual
                elif not transition:
                    amounts[1] += share * -sum(
                        doc.invoice_line_ids.filtered(lambda ln, tax=tax: tax in ln.tax_ids).mapped(
                            "balance"
                        )
                    )
        for key, (vat, base, cleared) in taxes_by_key.items():
            amounts = vat_lines.setdefault(key, [0.0, 0.0])
            if cleared is not None:
                amounts[0] += cleared
                continue
            amounts[0] += proceedings_rules.split_bad_debt(written_off, invoice_total, vat)[1]
            amounts[1] += proceedings_rules.split_bad_debt(written_off, invoice_total, base)[1]
        if not recover:
            return
        for doc, share in documents:
            for line in doc.invoice_line_ids:
                taxes = line.tax_ids.filtered(lambda t: t.tax_exigibility != "on_payment")
                if taxes:
                    base = proceedings_rules.split_bad_debt(
                        written_off, invoice_total, -line.balance * share
                    )
                    base_lines[taxes] = base_lines.get(taxes, 0.0) + base[1]

    @api.model
    def _get_bad_debt_documents(self, move):
        """Invoice ``move`` and the credit notes reconciled with it, each with the share of
        it that counts against the invoice: ``[(account.move, float)]``, the invoice at 1.0,
        each credit note at the part of its total reconciled with the invoice (company
        currency). Their totals, taxes and bases summed with those shares are what the
        invoice still claims, the VAT on it included."""
        documents = [(move, 1.0)]
        receivables = move.line_ids.filtered(lambda ln: ln.account_type == "asset_receivable")
        shares = {}
        for partial in receivables.matched_credit_ids:
            refund = partial.credit_move_id.move_id
            if refund.move_type == "out_refund" and refund.amount_total_signed:
                shares[refund] = shares.get(refund, 0.0) + partial.amount / abs(
                    refund.amount_total_signed
                )
        documents += list(shares.items())
        return documents

    @api.model
    def _get_bad_debt_reconcile_context(self, loss):
        """Context of the reconciliation of a write-off with its invoices (``loss``: see
        :meth:`_prepare_bad_debt_line_vals`): a written-off debt was not paid, so no cash-basis
        entry makes its VAT on payment due, nor moves the VAT left on the transition account
        to the VAT due when the invoice ends fully reconciled (the write-off clears it itself,
        as a reversal does: ``move_reverse_cancel``, Odoo's context of a cancelling reversal).
        """
        return {"move_reverse_cancel": True}

    @api.model
    def _reconcile_bad_debt_vat(self, entry, moves):
        """Reconcile the VAT cleared by write-off ``entry`` with the tax lines of invoices
        ``moves`` on a reconcilable cash-basis transition account (its VAT on payment)."""
        for line in entry.line_ids.filtered(
            lambda ln: ln.account_id.reconcile and not ln.reconciled and ln.balance > 0
        ):
            tax_lines = moves.line_ids.filtered(
                lambda ln, line=line: (
                    ln.tax_repartition_line_id
                    and ln.account_id == line.account_id
                    and not ln.reconciled
                )
            )
            if tax_lines:
                (tax_lines + line).with_context(move_reverse_cancel=True).reconcile()

    @api.model
    def _check_bad_debt_loss(self, case, loss, date=None):
        """Refuse to recover the VAT of litigation ``case`` for a liquidation closed for
        insufficient assets (``loss``) when no claim declaration of its customer, in its
        company, records that closing on or before ``date`` (the write-off's date; None: any
        closing): the VAT comes back only on a debt shown to be definitively lost (art. 272
        CGI), from the day the closing made it so, not before.

        :raise UserError: naming the case and the customer (and the closing date when the
            write-off is dated before it)
        """
        if loss != "insufficient_assets":
            return
        closed = self.env["recouvrement.claim.declaration"].search(
            [
                ("company_id", "=", case.company_id.id),
                ("partner_id", "=", case.commercial_partner_id.id),
                ("proceedings", "=", "liquidation"),
                ("state", "=", "closed"),
                ("closure_reason", "=", "insufficient_assets"),
            ],
            order="close_date",
            limit=1,
        )
        if closed and date and closed.close_date and date < closed.close_date:
            raise UserError(
                self.env._(
                    "Case %(case)s: the write-off of %(date)s is dated before the closing of "
                    "the liquidation of %(customer)s for insufficient assets on %(closed)s; the "
                    "VAT is recovered only once the debt is definitively lost (art. 272 CGI): "
                    "date the write-off on or after the closing.",
                    case=case.name,
                    date=format_date(self.env, date),
                    customer=case.commercial_partner_id.display_name,
                    closed=format_date(self.env, closed.close_date),
                )
            )
        if not closed:
            raise UserError(
                self.env._(
                    "Case %(case)s: no claim declaration of %(customer)s records a liquidation "
                    "closed for insufficient assets. Record the closing on the declaration, or "
                    "choose another reason: the VAT is recovered only on a debt definitively "
                    "lost (art. 272 CGI).",
                    case=case.name,
                    customer=case.commercial_partner_id.display_name,
                )
            )

    # ------------------------------------------------------------------------------------------
    # Factoring (affacturage)
    # ------------------------------------------------------------------------------------------

    @api.model
    def _check_factoring(self, moves):
        """An invoice assigned to a factor names the factor and the mode (notified or
        confidential). :raise ValidationError: naming the invoice and the missing field."""
        for move in moves.filtered("is_factored"):
            for fname in ("factor_id", "factoring_mode"):
                if not move[fname]:
                    raise ValidationError(
                        self.env._(
                            "Invoice %(invoice)s is assigned to a factor: fill in %(field)s.",
                            invoice=move.display_name,
                            field=move._fields[fname]._description_string(self.env),
                        )
                    )

    @api.model
    def _get_notified_factored_moves(self, moves):
        """The invoices of ``moves`` assigned to a factor in notified factoring: by the
        subrogation the customer may validly pay the factor only (art. 1346-5 Code civil), so
        their invoice shows no means of paying us (no EPC QR code, no bank account of ours:
        the factor's IBAN instead, ``report_invoice_document_factoring``)."""
        return moves.filtered(lambda m: m.is_factored and m.factoring_mode == "notified")

    @api.model
    def _get_factor_bank_account(self, move):
        """Bank account of the factor that alone receives the payment of ``move`` in notified
        factoring (res.partner.bank, empty otherwise): printed on the invoice instead of ours."""
        if not (move.is_factored and move.factoring_mode == "notified"):
            return self.env["res.partner.bank"]
        return move.factor_id.commercial_partner_id.bank_ids[:1]
