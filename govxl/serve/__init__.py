"""`govxl serve`: the compiler's collection desk in a browser, over the archive (Starlette, Jinja2, uvicorn)."""

from govxl.serve.app import MAX_UPLOAD, create_app

__all__ = ["MAX_UPLOAD", "create_app"]
