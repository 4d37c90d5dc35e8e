"""The Datasette plugin (registered through the `datasette` entry point in pyproject.toml)."""
from __future__ import annotations

import json

from datasette import hookimpl
from markupsafe import Markup, escape

# Columns the store keeps as JSON lists of strings; shown as a readable list instead.
JSON_LIST_COLUMNS = {("speakers", "aliases"), ("speakers", "roles")}


@hookimpl
def render_cell(value, column, table):
    if (table, column) not in JSON_LIST_COLUMNS or not isinstance(value, str):
        return None
    try:
        items = json.loads(value)
    except ValueError:
        return None  # not ours after all: let Datasette show it as it is
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return None
    return Markup(" · ".join(str(escape(i)) for i in items))
