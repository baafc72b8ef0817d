import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A collector opens the Invoicing app, Customers > Collection > My Actions of the Day, opens a
// customer of the day and its Credit tab (recouvrement_b2b issue 16, tour 1). Data: a
// customer with an overdue invoice and a call due today for the collector (test_tours.py).
registry.category("web_tour.tours").add("recouvrement_collector_worklist", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open the Customers menu",
            trigger: ".o_menu_sections [data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            content: "Open the actions of the day",
            trigger: ".dropdown-item[data-menu-xmlid='recouvrement_b2b.menu_recouvrement_worklist']",
            run: "click",
        },
        {
            content: "The customer to call today is listed",
            trigger: ".o_list_view .o_data_row td[name=partner_id]:contains('Tour Garnier Menuiserie')",
        },
        {
            content: "Open the customer",
            trigger:
                ".o_data_row:has(td[name=partner_id]:contains('Tour Garnier Menuiserie')) button[name=action_open_partner]",
            run: "click",
        },
        {
            content: "The customer's form is open",
            trigger: ".o_form_view .o_field_widget[name=name]:contains('Tour Garnier Menuiserie'), .o_form_view .o_field_widget[name=name] input",
        },
        {
            content: "Open the Credit tab",
            trigger: ".o_notebook_headers a.nav-link[name=recouvrement_credit]",
            run: "click",
        },
        {
            content: "The overdue amount is shown",
            trigger: ".tab-pane.active div[name=credit_overdue_amount]:contains('1,200.00')",
        },
        {
            content: "The days late are shown",
            trigger: ".tab-pane.active div[name=credit_overdue_days]",
        },
    ],
});
