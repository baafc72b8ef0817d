"""Packages the addon as odoo-addon-recouvrement_b2b (importable as odoo.addons.recouvrement_b2b).

It requires the Odoo 18.0 distribution, installed from the Odoo source with `pip install -e`.
"""

import ast
from pathlib import Path

from setuptools import setup

HERE = Path(__file__).parent
MANIFEST = ast.literal_eval((HERE / "recouvrement_b2b" / "__manifest__.py").read_text())

setup(
    name="odoo-addon-recouvrement_b2b",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="LGPL-3",
    python_requires=">=3.10",
    install_requires=["odoo>=18.0,<18.1", "python-stdnum>=1.17", "holidays>=0.86"],
    package_dir={"odoo.addons.recouvrement_b2b": "recouvrement_b2b"},
    packages=[
        "odoo.addons.recouvrement_b2b" + p[len("recouvrement_b2b") :].replace("/", ".")
        for p in sorted(
            str(d.relative_to(HERE))
            for d in (HERE / "recouvrement_b2b").rglob("*")
            if d.is_dir() and (d / "__init__.py").exists()
        )
    ]
    + ["odoo.addons.recouvrement_b2b"],
    include_package_data=True,
    package_data={
        "odoo.addons.recouvrement_b2b": [
            "README.rst",
            "**/*.xml",
            "**/*.csv",
            "**/*.po",
            "**/*.pot",
            "static/**/*",
            "**/*.png",
            "**/*.svg",
        ]
    },
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 18.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
    ],
)
