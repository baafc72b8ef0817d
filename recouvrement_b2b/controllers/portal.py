from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.http import request

from odoo.addons.account.controllers.portal import PortalAccount
from odoo.addons.portal.controllers.portal import CustomerPortal


class CollectionPortal(CustomerPortal):
    """The customer's collection page: open invoices, penalties, statement, and the forms to
    promise a payment or report a problem. Reached by a portal user (its own commercial
    entity) or by the signed link of a reminder (``recouvrement.customer``)."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "collection_count" in counters:
            partner = request.env.user.partner_id.commercial_partner_id
            values["collection_count"] = len(
                request.env["recouvrement.customer"]._get_portal_values(partner)["lines"]
            )
        return values

    def _get_collection_partner(self, partner_id=None, access_token=None):
        """The commercial res.partner (superuser) whose page is asked for: the one of the
        signed link when ``access_token`` is its signature, else the logged-in portal user's
        own; an empty res.partner when that page is closed (the customer archived, merged or
        whose portal access was revoked: ``recouvrement.customer._is_collection_closed``).

        :raise Forbidden: a wrong or tampered token, another customer's page, or nobody logged
            in without a token
        """
        service = request.env["recouvrement.customer"]
        Partner = request.env["res.partner"].sudo().with_context(active_test=False)
        if access_token is not None:
            if not service._check_collection_signature(partner_id, access_token):
                raise Forbidden()
            partner = Partner.browse(partner_id).exists()
        else:
            if request.env.user._is_public():
                raise Forbidden()
            partner = Partner.browse(request.env.user.partner_id.commercial_partner_id.id)
            if partner_id and partner_id != partner.id:
                raise Forbidden()
        if service._is_collection_closed(partner):
            return Partner
        return partner.with_context(active_test=True)

    def _render_collection_closed(self, partner_id):
        """The page of a closed collection link: no longer valid, whom to contact (404)."""
        partner = request.env["res.partner"].sudo().with_context(active_test=False)
        partner = partner.browse(partner_id or 0).exists()
        message, companies = request.env["recouvrement.customer"]._get_closed_collection_message(
            partner
        )
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "collection", "message": message, "companies": companies})
        return request.render("recouvrement_b2b.portal_collection_closed", values, status=404)

    @http.route(
        ["/my/collection", "/my/collection/<int:partner_id>"],
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def portal_my_collection(self, partner_id=None, access_token=None, **kwargs):
        if access_token is None and request.env.user._is_public():
            return request.redirect("/web/login?redirect=/my/collection")
        partner = self._get_collection_partner(partner_id, access_token)
        if not partner:
            return self._render_collection_closed(partner_id)
        values = self._prepare_portal_layout_values()
        values.update(request.env["recouvrement.customer"]._get_portal_values(partner))
        values.update(
            {
                "page_name": "collection",
                "access_token": access_token,
                "collection_url": self._get_collection_page_url(partner, access_token),
                "message": kwargs.get("message"),
                "reasons": request.env["recouvrement.customer"]._get_portal_reasons(),
            }
        )
        return request.render("recouvrement_b2b.portal_my_collection", values)

    def _get_collection_page_url(self, partner, access_token):
        """Relative URL of ``partner``'s page, signed when it was reached by a link."""
        if access_token is not None:
            return f"/my/collection/{partner.id}?access_token={access_token}"
        return "/my/collection"

    @http.route(
        ["/my/collection/promise", "/my/collection/dispute"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_collection_request(self, partner_id=None, access_token=None, **post):
        """The customer promises a payment (``date``, ``amount``) or reports a problem on an
        invoice (``invoice_id``, ``reason``, ``amount``, ``comment``, ``attachment``); back to
        the page with a message saying whether it was recorded."""
        partner_id = int(partner_id) if str(partner_id or "").isdigit() else None
        if not access_token:
            access_token = None
        partner = self._get_collection_partner(partner_id, access_token)
        if not partner:
            return self._render_collection_closed(partner_id)
        service = request.env["recouvrement.customer"]
        kind = "promise" if request.httprequest.path.endswith("/promise") else "dispute"
        if kind == "promise":
            ok = service._portal_promise(
                partner, post.get("date"), post.get("amount"), company_id=post.get("company_id")
            )
        else:
            upload = request.httprequest.files.get("attachment")
            ok = service._portal_dispute(
                partner,
                post.get("invoice_id"),
                post.get("reason"),
                post.get("amount"),
                post.get("comment"),
                attachment=(upload.filename, upload.read()) if upload and upload.filename else None,
                company_id=post.get("company_id"),
            )
        url = self._get_collection_page_url(partner, access_token)
        separator = "&" if "?" in url else "?"
        return request.redirect(f"{url}{separator}message={kind if ok else 'error'}")


class CollectionPortalAccount(PortalAccount):
    """The portal's invoices: its overdue invoices paid at once ("Pay now" of
    ``/my/invoices/overdue``) leave out what the customer may not pay us
    (``recouvrement.proceedings._get_not_payable_online``)."""

    def _get_overdue_invoices_domain(self, partner_id=None):
        domain = super()._get_overdue_invoices_domain(partner_id)
        moves = request.env["account.move"].sudo().search(domain)
        excluded = request.env["recouvrement.proceedings"].sudo()._get_not_payable_online(moves)
        if excluded:
            domain = [*domain, ("id", "not in", excluded.ids)]
        return domain
