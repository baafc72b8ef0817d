from odoo import models

#: context key holding the ids of the distribution models already searched for a batch
CANDIDATES_KEY = "recouvrement_distribution_candidates"


class AccountAnalyticDistributionModel(models.Model):
    _inherit = "account.analytic.distribution.model"

    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        """Odoo's search, except under the context key ``CANDIDATES_KEY`` (ids of the models
        that one search for a whole batch found, in the model's order): then the candidates
        matching ``domain``, in memory, in the same order. Odoo's ``_get_distribution`` then
        gives the same distribution as its own search would, with no query per line (penalty
        invoices, ``recouvrement.penalty._get_penalty_analytic_distributions``)."""
        candidates = self.env.context.get(CANDIDATES_KEY)
        if candidates is None or offset or limit or order:
            return super().search_fetch(
                domain, field_names, offset=offset, limit=limit, order=order
            )
        return self.browse(candidates).filtered_domain(domain)
