import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

// A credit controller opens Customers > Collection > Dunning Run, previews today's run,
// sees the customer due for a reminder and sends (recouvrement_b2b issue 16, tour 3).
registry.category("web_tour.tours").add("recouvrement_dunning_run", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("account.menu_finance", "Open the Invoicing app"),
        {
            content: "Open the Customers menu",
            trigger: ".o_menu_sections [data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            content: "Open the dunning run",
            trigger:
                ".dropdown-item[data-menu-xmlid='recouvrement_b2b.menu_recouvrement_dunning_run']",
            run: "click",
        },
        {
            content: "The run is dated today",
            trigger: ".modal div[name=date] input",
        },
        {
            content: "Preview the run",
            trigger: ".modal footer button[name=action_preview]",
            run: "click",
        },
        {
            content: "The customer due for a reminder is in the preview",
            trigger:
                ".modal div[name=line_ids] .o_data_row td[name=partner_id]:contains('Tour Garnier Menuiserie')",
        },
        {
            content: "Send the reminders",
            trigger: ".modal footer button[name=action_execute]",
            run: "click",
        },
        {
            content: "The reminder sent is listed",
            trigger:
                "body:not(:has(.modal)) .o_list_view .o_data_row td[name=partner_id]:contains('Tour Garnier Menuiserie')",
        },
    ],
});

// Issue 16 (break test): a preview with nothing due showed an empty list and the same Preview
// button, as if nothing had happened; it says there is nothing to send.
registry.category("web_tour.tours").add("recouvrement_dunning_run_nothing_due", {
    steps: () => [
        {
            content: "Preview the run",
            trigger: ".modal footer button[name=action_preview]",
            run: "click",
        },
        {
            content: "The preview says there is nothing to send",
            trigger: ".modal div[name=nothing_due]:contains('Nothing to send on this date')",
        },
        {
            content: "and offers no Send button",
            trigger: ".modal footer:not(:has(button[name=action_execute]))",
        },
    ],
});
