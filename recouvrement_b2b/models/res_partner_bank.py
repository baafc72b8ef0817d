from odoo import models

from ..rules import identifiers


class ResPartnerBank(models.Model):
    _inherit = "res.partner.bank"

    def _recouvrement_iban(self):
        """Account number as printed on the letters and agreements (issue 16): an IBAN grouped
        by four whatever its stored form (accounts created before ``base_iban`` keep it
        compact), any other number as stored. :return: str"""
        self.ensure_one()
        return identifiers.format_iban(self.acc_number)
