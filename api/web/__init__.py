"""The agencies' web: Arabic-first, server-rendered pages over the API's own services.

`api.web.mount.install(app)` adds it to the API app; `python -m api.web.assets` prepares its
generated files (compiled catalogs, htmx). Kept import-free so the set-up step stays light.
"""
