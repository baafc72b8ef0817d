import { registry } from "@web/core/registry";

// Issue 16, tour 5: on a "last call" reminder, a credit controller proposes a payment plan in
// 3 instalments for the reminder's invoices; the plan opens with its schedule.
registry.category("web_tour.tours").add("recouvrement_payment_plan_from_last_call", {
    steps: () => [
        {
            content: "The last call is open",
            trigger: ".o_form_view div[name=level_id]",
        },
        {
            content: "Propose a payment plan (the only window action of the header)",
            trigger: ".o_form_view .o_statusbar_buttons button[type=action]",
            run: "click",
        },
        {
            content: "The wizard lists the reminder's invoice",
            trigger: ".modal div[name=move_ids] .o_data_row",
        },
        {
            content: "Three instalments",
            trigger: ".modal div[name=instalment_count] input",
            run: "edit 3",
        },
        {
            content: "Create the plan",
            trigger: ".modal footer button[name=action_create_plan]",
            run: "click",
        },
        {
            content: "The plan opens in draft",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=draft]",
        },
        {
            content: "Its schedule has the three instalments",
            trigger: ".o_form_view div[name=line_ids] .o_data_row:eq(2)",
        },
    ],
});
