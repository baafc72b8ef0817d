{
    "name": "Recouvrement B2B",
    "summary": "French B2B credit control and debt collection: credit limits, identity checks, "
    "dunning, late-payment penalties (L441-10), payment plans and litigation",
    "version": "18.0.1.0.7",
    "category": "Accounting/Accounting",
    "website": "https://github.com/recouvrement-b2b/recouvrement_b2b",
    "author": "recouvrement_b2b developers",
    "license": "LGPL-3",
    # account: receivables; sale: credit check before order confirmation;
    # mail: chatter, templates and the mail queue; l10n_fr: res.partner.siret;
    # l10n_fr_account: the French chart of accounts (penalty income accounts 7638/7588, the
    # demo company and the tests' French company); account_payment: "Pay now" on the
    # customer's invoices from the reminders; sms: the SMS dunning channel; portal: the
    # customer's collection page.
    "depends": [
        "account",
        "account_payment",
        "account_qr_code_sepa",
        "sale",
        "mail",
        "portal",
        "sms",
        "l10n_fr",
        "l10n_fr_account",
    ],
    "external_dependencies": {"python": ["python-stdnum", "holidays"]},
    "data": [
        "security/recouvrement_groups.xml",
        "security/ir.model.access.csv",
        "security/recouvrement_security.xml",
        "views/recouvrement_menus.xml",
        # --- identity ---
        "data/ir_config_parameter_data.xml",
        "data/ir_cron_data.xml",
        # --- credit ---
        "data/recouvrement_credit_data.xml",
        "views/recouvrement_credit_exposure_views.xml",
        "views/sale_order_views.xml",
        "wizard/recouvrement_credit_override_views.xml",
        # --- penalties ---
        "data/recouvrement_penalty_rate_data.xml",
        "data/recouvrement_penalty_data.xml",
        "views/recouvrement_penalty_rate_views.xml",
        "report/account_invoice_templates.xml",
        # --- dunning ---
        "report/recouvrement_dunning_event_reports.xml",
        "report/recouvrement_dunning_event_templates.xml",
        "data/recouvrement_dunning_mail_template_data.xml",
        "data/recouvrement_dunning_data.xml",
        "views/recouvrement_dunning_event_views.xml",
        "views/recouvrement_dunning_policy_views.xml",
        # --- payment plans ---
        "data/recouvrement_payment_plan_data.xml",
        "report/recouvrement_payment_plan_reports.xml",
        "report/recouvrement_payment_plan_templates.xml",
        "views/recouvrement_payment_plan_views.xml",
        "wizard/recouvrement_payment_plan_wizard_views.xml",
        # --- litigation ---
        "data/recouvrement_litigation_data.xml",
        "views/recouvrement_litigation_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "wizard/recouvrement_litigation_close_views.xml",
        "report/recouvrement_litigation_reports.xml",
        "report/recouvrement_litigation_templates.xml",
        "views/res_config_settings_views.xml",
        # --- statement and dashboards ---
        "report/recouvrement_statement_reports.xml",
        "report/recouvrement_statement_templates.xml",
        "data/recouvrement_statement_mail_template_data.xml",
        "views/recouvrement_statement_views.xml",
        "views/recouvrement_dashboard_views.xml",
        "data/recouvrement_dashboard_data.xml",
        # --- collective proceedings ---
        "data/recouvrement_claim_declaration_data.xml",
        "views/recouvrement_claim_declaration_views.xml",
        "report/recouvrement_claim_declaration_reports.xml",
        "report/recouvrement_claim_declaration_templates.xml",
        # --- hand-over to an agency or a lawyer ---
        "views/recouvrement_litigation_handover_views.xml",
        # --- customer side: pay links, SMS, replies, portal ---
        "data/recouvrement_customer_data.xml",
        "views/recouvrement_customer_views.xml",
        "views/portal_templates.xml",
        # --- collector's cockpit ---
        "data/recouvrement_promise_data.xml",
        "data/recouvrement_call_data.xml",
        "views/recouvrement_promise_views.xml",
        "views/recouvrement_dispute_views.xml",
        "views/recouvrement_worklist_views.xml",
        "views/recouvrement_call_views.xml",
        # --- personal data (RGPD) ---
        "views/recouvrement_personal_data_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "recouvrement_b2b/static/src/views/*.js",
        ],
        "web.assets_tests": [
            "recouvrement_b2b/static/src/js/tours/*.js",
            "recouvrement_b2b/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/account_move_demo.xml",
        "demo/recouvrement_payment_plan_demo.xml",
        "demo/recouvrement_litigation_demo.xml",
        "demo/recouvrement_dunning_demo.xml",
        "demo/recouvrement_cockpit_demo.xml",
        "demo/recouvrement_credit_demo.xml",
        "demo/recouvrement_claim_declaration_demo.xml",
    ],
    "application": False,
    "installable": True,
}
