import { registry } from "@web/core/registry";

// A French credit controller records a customer's payment promise from the form
// (recouvrement_b2b issue 16, forms checked in the browser): 900 € in 7 days, by phone.
registry.category("web_tour.tours").add("recouvrement_promise_form", {
    steps: () => [
        {
            content: "New promise",
            trigger: ".o_control_panel .o-kanban-button-new, .o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "The customer",
            trigger: ".o_form_view div[name=partner_id] input",
            run: "edit Promesse Garnier",
        },
        {
            content: "picked from the list",
            trigger: ".o-autocomplete--dropdown-item:contains(Promesse Garnier)",
            run: "click",
        },
        {
            content: "The promised amount",
            trigger: ".o_form_view div[name=amount] input",
            run: "edit 900",
        },
        {
            content: "The promised date, typed in French (day/month/year)",
            trigger: ".o_form_view div[name=date] input",
            run: `edit ${luxon.DateTime.local().plus({ days: 7 }).toFormat("dd/MM/yyyy")}`,
        },
        {
            content: "Save",
            trigger: ".o_form_button_save:enabled",
            run: "click",
        },
        {
            content: "Saved: the promise is running, its status in French",
            trigger: ".o_form_saved .o_statusbar_status .o_arrow_button_current:contains(En cours)",
        },
        {
            content: "its tolerance deadline computed",
            trigger: ".o_form_view div[name=tolerance_date]:not(:empty)",
        },
    ],
});
