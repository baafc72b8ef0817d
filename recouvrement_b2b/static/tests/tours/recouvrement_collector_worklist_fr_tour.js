import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// Tour 1 (recouvrement_b2b issue 16) as a French collector: the menus, the list, the Credit tab
// and its amounts read in French ("Mes actions du jour", "Crédit", "Montant échu", "1 200,00").
// Data: a customer with an overdue invoice and a call due today (test_tours.py).
registry.category("web_tour.tours").add("recouvrement_collector_worklist_fr", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Ouvrir l'application Facturation"),
        {
            content: "The Customers menu reads in French",
            trigger:
                ".o_menu_sections [data-menu-xmlid='account.menu_finance_receivables']:contains('Clients')",
            run: "click",
        },
        {
            content: "The actions of the day read in French",
            trigger:
                ".dropdown-item[data-menu-xmlid='recouvrement_b2b.menu_recouvrement_worklist']:contains('Mes actions du jour')",
            run: "click",
        },
        {
            content: "The list's title is French",
            trigger: ".o_breadcrumb:contains('Mes actions du jour')",
        },
        {
            content: "Open the customer",
            trigger:
                ".o_data_row:has(td[name=partner_id]:contains('Tour Garnier Menuiserie')) button[name=action_open_partner]",
            run: "click",
        },
        {
            content: "The Credit tab reads in French",
            trigger: ".o_notebook_headers a.nav-link[name=recouvrement_credit]:contains('Crédit')",
            run: "click",
        },
        {
            content: "The overdue amount's label is French",
            trigger: ".tab-pane.active label:contains('Montant échu')",
        },
        {
            content: "The overdue amount is written the French way, in euros",
            trigger: ".tab-pane.active div[name=credit_overdue_amount]:contains('200,00'):contains('€')",
        },
        {
            content: "The payment score's group is French",
            trigger: ".tab-pane.active .o_horizontal_separator:contains('Score de paiement')",
        },
    ],
});
