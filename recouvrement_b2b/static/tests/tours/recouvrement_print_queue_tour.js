import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** Steps ticking the row of customer ``name`` in the list. */
function selectRow(name) {
    return {
        content: `Select the letter of ${name}`,
        trigger: `.o_data_row:has(td[name=partner_id]:contains('${name}')) .o_list_record_selector input`,
        run: "click",
    };
}

/** Steps running the list's bound server action ``label`` (Actions menu). */
function runAction(label) {
    return [
        {
            content: "Open the Actions menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: `Run ${label}`,
            trigger: `.o-dropdown--menu .o-dropdown-item:contains('${label}')`,
            run: "click",
        },
    ];
}

// Issue 16, tour 4: a credit controller opens Customers > Collection > Letters to Print and
// Post, prints two of the three letters as one PDF, then marks them posted: they leave the
// queue, the third stays.
registry.category("web_tour.tours").add("recouvrement_print_queue", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open the Customers menu",
            trigger: ".o_menu_sections [data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            content: "Open the letters to print and post",
            trigger:
                ".dropdown-item[data-menu-xmlid='recouvrement_b2b.menu_recouvrement_print_queue']",
            run: "click",
        },
        {
            content: "The three letters wait in the queue",
            trigger: ".o_list_view .o_data_row:eq(2) td[name=partner_id]:contains('Tour Print')",
        },
        selectRow("Tour Print Alpha"),
        selectRow("Tour Print Bravo"),
        ...runAction("Print and mark as printed"),
        {
            content: "The two letters are printed (the list is shown again)",
            trigger: ".o_list_view .o_data_row:has(td[name=partner_id]:contains('Tour Print Alpha'))",
        },
        {
            content: "The selection is kept",
            trigger: ".o_list_view .o_list_selection_box",
        },
        ...runAction("Mark as posted"),
        {
            content: "The posted letters leave the queue, the third stays",
            trigger:
                ".o_list_view:not(:has(td[name=partner_id]:contains('Tour Print Alpha'))):not(:has(td[name=partner_id]:contains('Tour Print Bravo'))) .o_data_row td[name=partner_id]:contains('Tour Print Charlie')",
        },
    ],
});
