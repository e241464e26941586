"""Each service's Swagger UI, served from the swagger-ui-bundle package: no CDN, and no inline
script, so the pages stay under the same strict Content-Security-Policy as everything else."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

_PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{title} · API</title>
<link rel="stylesheet" href="docs-static/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="docs-static/swagger-ui-bundle.js"></script>
<script src="docs-init.js"></script></body>
</html>
"""
_INIT = "window.ui = SwaggerUIBundle({url: 'openapi.json', dom_id: '#swagger-ui'});\n"


def install_docs(app: FastAPI, title: str) -> None:
    """``/docs`` (relative links, so it works under any mount path) and its assets."""
    app.mount("/docs-static", StaticFiles(directory=swagger_ui_path), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(_PAGE.format(title=title))

    @app.get("/docs-init.js", include_in_schema=False)
    async def docs_init() -> Response:
        return Response(_INIT, media_type="text/javascript")
