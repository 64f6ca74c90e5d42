"""Enumerate the routes an app defines (works with FastAPI's included-router contexts)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIWebSocketRoute

try:  # FastAPI >= 0.13x keeps included routers as contexts
    from fastapi.routing import iter_route_contexts
except ImportError:  # pragma: no cover - older FastAPI: app.routes is flat
    iter_route_contexts = None


def route_table(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) for every HTTP route and ("WS", path) for every WebSocket route."""
    routes = list(iter_route_contexts(app.routes)) if iter_route_contexts else list(app.routes)
    out: list[tuple[str, str]] = []
    for r in routes:
        original = getattr(r, "original_route", r)
        path = getattr(r, "path", None)
        if path is None:
            continue
        if isinstance(original, APIWebSocketRoute):
            out.append(("WS", path))
            continue
        for m in sorted(getattr(r, "methods", None) or []):
            if m != "HEAD":
                out.append((m, path))
    return out
