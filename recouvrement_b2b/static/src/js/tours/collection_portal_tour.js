import { registry } from "@web/core/registry";

/** ISO date ``days`` days from today (the promised payment date). */
function isoDateIn(days) {
    const date = new Date(Date.now() + days * 86400000);
    return date.toISOString().slice(0, 10);
}

// A customer opens the link of a reminder (no login), sees its open items, promises a
// payment and reports a problem on an invoice (recouvrement_b2b issue 14).
registry.category("web_tour.tours").add("recouvrement_collection_portal", {
    steps: () => [
        {
            content: "The open invoices are listed with their Pay now button",
            trigger: "tr.o_collection_line:contains('INV/') a.btn:contains('Pay now')",
        },
        {
            content: "The statement of open items is shown",
            trigger: "tr.o_collection_statement_line",
        },
        {
            content: "Promised payment date: in a week",
            trigger: ".o_collection_promise_form input[name='date']",
            run() {
                this.anchor.value = isoDateIn(7);
            },
        },
        {
            content: "Promised amount",
            trigger: ".o_collection_promise_form input[name='amount']",
            run: "edit 500",
        },
        {
            content: "Send the promise",
            trigger: "button.o_collection_promise_submit",
            run: "click",
        },
        {
            content: "The promise is acknowledged",
            trigger: ".o_collection_promise_done",
        },
        {
            content: "Choose the invoice with the problem",
            trigger: ".o_collection_dispute_form select[name='invoice_id']",
            run: "selectByIndex 0",
        },
        {
            content: "Reason: the delivery",
            trigger: ".o_collection_dispute_form select[name='reason']",
            run: "select delivery",
        },
        {
            content: "Amount in question",
            trigger: ".o_collection_dispute_form input[name='amount']",
            run: "edit 120",
        },
        {
            content: "Comment",
            trigger: ".o_collection_dispute_form textarea[name='comment']",
            run: "edit Livraison incomplète : 2 palettes manquantes",
        },
        {
            content: "Send the report",
            trigger: "button.o_collection_dispute_submit",
            run: "click",
        },
        {
            content: "The report is acknowledged",
            trigger: ".o_collection_dispute_done",
        },
    ],
});
