from odoo import api, models


class ResCurrencyRate(models.Model):
    _inherit = "res.currency.rate"

    @api.model_create_multi
    def create(self, vals_list):
        rates = super().create(vals_list)
        self.env["recouvrement.dunning"]._recompute_next_dates_for_rates(rates.currency_id)
        return rates

    def write(self, vals):
        currencies = self.currency_id
        res = super().write(vals)
        self.env["recouvrement.dunning"]._recompute_next_dates_for_rates(
            currencies | self.currency_id
        )
        return res

    def unlink(self):
        currencies = self.currency_id
        res = super().unlink()
        self.env["recouvrement.dunning"]._recompute_next_dates_for_rates(currencies)
        return res
