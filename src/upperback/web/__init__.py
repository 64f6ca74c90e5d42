"""Web adapter: the FastAPI application (REST API under /api/v1 and server-rendered pages)."""

from upperback.web.app import create_app

__all__ = ["create_app"]
