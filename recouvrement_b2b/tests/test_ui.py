from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestUi(HttpCase):
    def test_collection_menus_in_web_client(self):
        """The web client (Chromium) serves the Collection menu and opens its overdue list."""
        code = """
            const want = ['Collection', 'Overdue Invoices'];
            fetch('/web/webclient/load_menus/' + Date.now())
                .then((response) => response.json())
                .then((menus) => {
                    const names = Object.values(menus).map((menu) => menu.name);
                    const missing = want.filter((name) => !names.includes(name));
                    if (missing.length) {
                        console.error('menus missing: ' + missing.join(', '));
                    } else {
                        const check = () => {
                            const crumb = document.querySelector('.o_breadcrumb');
                            if (crumb && crumb.textContent.includes('Overdue Invoices')) {
                                console.log('test successful');
                            } else {
                                setTimeout(check, 100);
                            }
                        };
                        check();
                    }
                });
        """
        self.browser_js(
            "/odoo/action-recouvrement_b2b.account_move_action_overdue",
            code,
            login="admin",
            timeout=120,
        )
