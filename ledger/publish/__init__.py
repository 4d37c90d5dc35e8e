"""publish: the ledger on Datasette — metadata and canned queries (config.py) and the plugin
(plugin.py).

Nothing is imported here: Datasette imports `ledger.publish.plugin` while it is itself being
imported, and pulling in config.py (which needs datasette.app) at that moment would be circular.
"""
