import functools

from lxml import html
from markupsafe import Markup

from odoo import api, models, tools
from odoo.tools import safe_eval


class MailTemplate(models.Model):
    _inherit = "mail.template"

    @api.model
    def _render_template_qweb(self, template_src, model, res_ids, add_context=None, options=None):
        """EXTENDS mail: for this addon's models (``recouvrement.*``: dunning reminders,
        statements), compile an inline QWeb body once per call (per language, as
        ``send_mail_batch`` calls it) and run it for each record, where mail parses and
        compiles it again for every record (about 50 ms each). Same values, same options,
        same output; any error falls back on mail's own rendering, which reports it.

        :return: ``{res_id: rendered body}`` (see ``mail.render.mixin``)
        """
        if (
            len(res_ids) < 2
            or not (model or "").startswith("recouvrement.")
            or not template_src
            or not self._has_unsafe_expression_template_qweb(template_src, model)
        ):
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        try:
            return self._render_template_qweb_compiled_once(
                template_src, model, res_ids, add_context=add_context, options=options
            )
        except Exception:  # mail renders again and raises its own error
            return super()._render_template_qweb(
                template_src, model, res_ids, add_context=add_context, options=options
            )

    @api.model
    def _render_template_qweb_compiled_once(
        self, template_src, model, res_ids, add_context=None, options=None
    ):
        """The loop of ``mail.render.mixin._render_template_qweb`` and ``ir.qweb._render``
        with the compilation taken out of it: same evaluation context, same restriction for
        users outside the template editors, same wrapping ``<div>`` removed. The context's
        ``format_date`` and ``format_amount`` (mail's, for this environment) keep each result
        for the call (:func:`_memoized`): the same due dates and amounts recur from one email
        to the next, and each call of Odoo's formatter looks the language up again."""
        variables = self._render_eval_context()
        for name in ("format_date", "format_amount"):
            variables[name] = _memoized(variables[name])
        if add_context:
            variables.update(**add_context)
        options = dict(options or {})
        if (
            not self._unrestricted_rendering
            and not self.env.is_admin()
            and not self.env.user.has_group("mail.group_mail_template_editor")
        ):
            options["raise_on_forbidden_code_for_model"] = model
        qweb = self.env["ir.qweb"].with_context(**options)
        functions = def_name = None
        results = {}
        for record in self.env[model].browse(res_ids):
            values = dict(variables, object=record)
            record_qweb = qweb._prepare_environment(values)
            safe_eval.check_values(values)
            if functions is None:
                functions, def_name = self._get_compiled_template_qweb(record_qweb, template_src)
            rendered = Markup("".join(functions[def_name](record_qweb, values)))
            results[record.id] = rendered[5:-6]
        return results

    @api.model
    def _get_compiled_template_qweb(self, qweb, template_src):
        """``(functions, name of the root function)`` of the inline QWeb ``template_src``
        compiled by ``qweb`` (an ``ir.qweb`` whose context holds the rendering options), kept
        in the registry's template cache for that source and context
        (:meth:`_compile_template_qweb`): a batch of reminders compiles its body once, not
        once per rendering call. The compiled code depends only on the source and the
        context (as for Odoo's own views, cached per view and context keys); the record,
        user and values come at rendering time."""
        key = tuple(sorted((name, repr(value)) for name, value in qweb.env.context.items()))
        return self._compile_template_qweb(template_src, key, qweb)

    @tools.ormcache("template_src", "context_key", cache="templates")
    def _compile_template_qweb(self, template_src, context_key, qweb):
        """:meth:`_get_compiled_template_qweb` without its cache (``context_key``: the
        cache key of ``qweb``'s context)."""
        template = html.fragment_fromstring(template_src, create_parent="div")
        return qweb._compile(template)


def _memoized(function):
    """``function`` keeping its result for each arguments (hashable ones; others are passed
    through): for a formatter of one environment (language, time zone) during one rendering
    call, whose result depends on its arguments only."""
    results = {}

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            # the types too: 1 and 1.0, a date and a string are different arguments
            key = tuple((type(value), value) for value in (*args, *sorted(kwargs.items())))
            return results[key]
        except KeyError:
            result = results[key] = function(*args, **kwargs)
            return result
        except TypeError:  # unhashable arguments
            return function(*args, **kwargs)

    return wrapper
