import { registry } from "@web/core/registry";

// Issue 16, tour 2: a salesperson confirms an order over the customer's credit limit and is
// blocked; a credit manager confirms it, approves it with a reason from the dialog.

registry.category("web_tour.tours").add("recouvrement_credit_blocked_salesperson", {
    steps: () => [
        {
            content: "The credit banner warns on the quotation",
            trigger: ".o_form_view div[name=partner_credit_warning]",
        },
        {
            content: "Confirm the quotation",
            trigger: ".o_form_view .o_form_statusbar button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The confirmation is blocked: close the message",
            trigger: ".modal .o_error_dialog .modal-footer .o-default-button",
            run: "click",
        },
        {
            content: "The order is still a quotation",
            trigger:
                "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current[data-value=draft]",
        },
    ],
});

registry.category("web_tour.tours").add("recouvrement_credit_override_manager", {
    steps: () => [
        {
            content: "Confirm the quotation over credit",
            trigger: ".o_form_view .o_form_statusbar button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The block offers the approval: approve with a reason",
            trigger: ".modal .o_error_dialog .modal-footer .btn-primary:not(.o-default-button)",
            run: "click",
        },
        {
            content: "The approval dialog shows the credit warning",
            trigger: ".modal div[name=credit_warning]",
        },
        {
            content: "The reason",
            trigger: ".modal div[name=reason] textarea",
            run: "edit Payment promised by the customer's CFO for Friday",
        },
        {
            content: "Approve and confirm",
            trigger: ".modal footer button[name=action_approve]",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger:
                "body:not(:has(.modal)) .o_statusbar_status button.o_arrow_button_current[data-value=sale]",
        },
        {
            content: "The approval is shown on the order",
            trigger: ".o_form_view div[name=credit_override_reason]:contains('CFO')",
        },
    ],
});
