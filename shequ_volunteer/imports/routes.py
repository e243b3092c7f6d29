"""Every 导入 page: importing this module adds the routes of each view module to the blueprint."""
from __future__ import annotations

from . import preview_views, views
from .blueprint import bp

VIEW_MODULES = (views, preview_views)

__all__ = ["bp", "VIEW_MODULES"]
