import { download } from "@web/core/network/download";
import { registry } from "@web/core/registry";

// Issue 16, tour 6: a credit controller opens a recovery case, goes through the claim check
// (certaine once the proof is checked, liquide, exigible), files the injonction de payer and
// prints the injonction de payer file.
registry.category("web_tour.tours").add("recouvrement_litigation_injonction", {
    steps: () => [
        {
            content: "Open the Claim Check tab",
            trigger: ".o_form_view .o_notebook_headers a.nav-link[name=claim_check]",
            run: "click",
        },
        {
            content: "The check says what is missing: the proof",
            trigger: ".tab-pane.active div[name=claim_issues]",
        },
        {
            content: "Tick 'Proof of Claim Checked'",
            trigger: ".tab-pane.active div[name=proof_checked] input",
            run: "click",
        },
        {
            content: "The claim is certaine, liquide and exigible",
            trigger: ".tab-pane.active:not(:has(div[name=claim_issues])) .alert-success",
        },
        {
            content: "File the injonction de payer",
            trigger: ".o_form_view .o_form_statusbar button[name=action_file]",
            run: "click",
        },
        {
            content: "Confirm the filing",
            trigger: ".modal .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The case is filed: the filing button is gone",
            trigger:
                "body:not(:has(.modal)) .o_form_view .o_form_statusbar:not(:has(button[name=action_file]))",
        },
        {
            content: "Open the procedure tab",
            trigger: ".o_form_view .o_notebook_headers a.nav-link[name=deadlines]",
            run: "click",
        },
        {
            content: "The filing date is set",
            trigger: ".tab-pane.active div[name=filing_date] input:not(:value(/^$/))",
        },
        {
            content: "Open the Actions menu",
            trigger: ".o_control_panel .o_cp_action_menus button:has(.fa-cog)",
            run: "click",
        },
        {
            content: "Open its Print submenu (the case has two reports)",
            trigger: ".o-dropdown--menu button:has(.fa-print)",
            run: "click",
        },
        {
            content: "Print the injonction de payer file",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains('Injonction de payer file')",
            run(helpers) {
                // mark the page once the file is really received (a failed download raises
                // an error dialog, which fails the tour; no file: no mark, the tour times out)
                const original = download._download;
                download._download = async (options) => {
                    const result = await original(options);
                    if (options.url === "/report/download") {
                        document.body.classList.add("o_rb2b_file_downloaded");
                    }
                    return result;
                };
                helpers.click();
            },
        },
        {
            content: "The file is downloaded and the page is usable again",
            trigger: "body.o_rb2b_file_downloaded:not(:has(.o_blockUI)) .o_form_view",
        },
    ],
});
