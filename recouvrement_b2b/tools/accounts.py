"""Accounts of the chart the module posts to when the company's setting names none."""


def find_chart_account(env, company, templates, prefixes, account_types=()):
    """The active account of ``company`` created from the first of the chart ``templates``
    that has one (xml ids of ``account.chart.template`` data, e.g. ``pcg_6541``, as
    ``account.chart.template.ref`` resolves them for the company or its root), else the
    first active account by code whose code starts with the first of ``prefixes`` that has
    one (and whose type is one of ``account_types``, if given).

    :return: account.account, empty when none
    """
    chart = env["account.chart.template"].with_company(company)
    for template in templates:
        account = chart.ref(template, raise_if_not_found=False)
        if account and not account.deprecated:
            return account
    Account = env["account.account"].with_company(company)
    for prefix in prefixes:
        account = Account.search(
            [
                *Account._check_company_domain(company),
                ("code", "=like", f"{prefix}%"),
                *([("account_type", "in", account_types)] if account_types else []),
                ("deprecated", "=", False),
            ],
            order="code",
            limit=1,
        )
        if account:
            return account
    return Account
