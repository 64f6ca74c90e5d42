"""Helpers of the security tests (a module of its own: `conftest` names clash across folders)."""

from __future__ import annotations

import warnings

from fastapi import FastAPI
from web_helpers import SECRET, World

from upperback.web import create_app
from upperback.web.settings import Settings


def make_app(world: World, **overrides: object) -> FastAPI:
    """The app on the world's database with some settings changed."""
    settings = Settings(db_url=str(world.path), secret_key=SECRET, **overrides)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return create_app(settings=settings)
