"""Stateless helpers of the module that need no Odoo model (e.g. external API clients)."""
