"""The package list is found from the tree: every subpackage of govxl/, plus the edition data folder, which
lives at the top level (workbook_templates/) and ships inside the package as govxl.workbook_templates, and the
desk's pages and their CSS and script (govxl/serve/templates, static)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["govxl", "govxl.*"]), "govxl.workbook_templates"],
    package_dir={"govxl.workbook_templates": "workbook_templates"},
    package_data={"govxl.workbook_templates": ["*.json"], "govxl.serve": ["templates/*.html", "static/*"]},
)
