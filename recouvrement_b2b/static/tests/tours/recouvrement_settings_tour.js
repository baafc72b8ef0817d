import { registry } from "@web/core/registry";

// An administrator changes the collection settings and saves them (recouvrement_b2b issue
// 16, tour 7): promise tolerance 5 days, dispute deadline 21 days.
registry.category("web_tour.tours").add("recouvrement_settings", {
    url: "/odoo/action-account.action_account_config",
    steps: () => [
        {
            content: "The debt collection block is shown",
            trigger: "#recouvrement_promise_setting",
        },
        {
            content: "Promise tolerance: 5 days",
            trigger: "div[name=recouvrement_promise_tolerance_days] input",
            run: "edit 5",
        },
        {
            content: "Dispute deadline: 21 days",
            trigger: "div[name=recouvrement_dispute_days] input",
            run: "edit 21",
        },
        {
            content: "Save the settings (the page reloads: the mark on the body goes)",
            trigger: ".o_form_button_save:enabled",
            run(helpers) {
                document.body.classList.add("o_rb2b_before_save");
                helpers.click();
            },
        },
        {
            content: "The reloaded settings show the saved values",
            trigger:
                "body:not(.o_rb2b_before_save) div[name=recouvrement_dispute_days] input:value(21)",
        },
        {
            content: "The saved promise tolerance too",
            trigger:
                "body:not(.o_rb2b_before_save) div[name=recouvrement_promise_tolerance_days] input:value(5)",
        },
    ],
});
