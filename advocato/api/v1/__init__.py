"""Version 1 of the REST API, at /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at
/api/v1/docs)."""

from __future__ import annotations

from .base import api
from .content import router as content_router
from .people import router as people_router
from .results import router as results_router

api.add_router("", people_router)
api.add_router("", content_router)
api.add_router("", results_router)

__all__ = ["api"]
