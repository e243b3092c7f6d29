"""Every people page: importing this module adds the routes of each view module to the blueprint."""
from __future__ import annotations

from . import code_views, views
from .blueprint import bp

VIEW_MODULES = (views, code_views)

__all__ = ["bp", "VIEW_MODULES"]
