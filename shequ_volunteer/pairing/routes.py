"""Every pairing page: importing this module adds the routes of each view module to the blueprint."""
from __future__ import annotations

from . import board_views, views, visit_fix_views, visit_views
from .blueprint import bp

VIEW_MODULES = (views, board_views, visit_views, visit_fix_views)

__all__ = ["bp", "VIEW_MODULES"]
