"""The Datasette plugin (registered through the `datasette` entry point in pyproject.toml):
the ledger's pages (publish/pages.py), links to them from every table and query, the home
page's ledger panel, and export links with labels on table pages (templates/table.html).

A package, not a module, so Datasette finds its templates/ and static/ folders.
"""
from __future__ import annotations

import json

from datasette import hookimpl
from markupsafe import Markup, escape

from ..links import PAGES, cell_target, page_path

# Datasette serves static/ at /-/static-plugins/<name>/, the name being the distribution's.
PLUGIN = "ledger"
# Columns the store keeps as JSON lists of strings; shown as a readable list instead.
JSON_LIST_COLUMNS = {("speakers", "aliases"), ("speakers", "roles")}


# Methods a published ledger answers; anything else would be a write. Datasette 0.65 has no
# write route here, but answers a POST to a table or a read-only canned query with a 500.
READ_METHODS = ("GET", "HEAD", "OPTIONS")


@hookimpl
def asgi_wrapper(datasette):
    """Refuse every other method (405) on a Datasette made by `ledger serve`/make_datasette;
    a Datasette someone else configures (with their own write plugins, say) is left alone."""
    def wrap(app):
        async def read_only(scope, receive, send):
            if (scope["type"] == "http" and scope["method"] not in READ_METHODS
                    and getattr(datasette, "ledger_read_only", False)):
                await send({"type": "http.response.start", "status": 405,
                            "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, HEAD")]})
                await send({"type": "http.response.body", "body": b"This ledger is published read-only."})
                return
            await app(scope, receive, send)
        return read_only
    return wrap


@hookimpl
def register_routes():
    from .. import pages

    db = r"^/(?P<database>[^/]+)/-/"
    return [(db + rf"{page}/(?P<id>[^/]+)$", getattr(pages, f"{page}_page")) for page in PAGES] + [
        (db + r"search$", pages.search_page)]


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.static_plugins(PLUGIN, "ledger.css")]


@hookimpl
def extra_template_vars(template, datasette):
    if template != "index.html":
        return {}

    async def ledger_home():
        from ..pages import home, is_ledger

        return {"ledger_home": [await home(datasette, name) for name in datasette.databases
                                if await is_ledger(datasette, name)]}
    return ledger_home


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if (table, column) in JSON_LIST_COLUMNS and isinstance(value, str):
        return alias_list(value)
    target = cell_target(table, column)
    if target is None or value in (None, ""):
        return None

    async def link():
        from ..pages import is_ledger

        if not await is_ledger(datasette, database):
            return None
        page, id_column = target
        label = value
        if isinstance(value, dict):  # a foreign key Datasette expanded: {"value", "label"}
            id, label = value["value"], value.get("label") or value["value"]
        elif id_column == column:
            id = value
        else:
            try:
                id = row[id_column]
            except (KeyError, IndexError):
                return None  # the id column is not in this view of the table
        if id is None:
            return None
        href = page_path(datasette.urls.database(database), page, id)
        return Markup(f'<a class="ledger-link ledger-{page}" href="{escape(href)}">{escape(label)}</a>')
    return link


def alias_list(value: str):
    try:
        items = json.loads(value)
    except ValueError:
        return None  # not ours after all: let Datasette show it as it is
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        return None
    return Markup(" · ".join(str(escape(i)) for i in items))
