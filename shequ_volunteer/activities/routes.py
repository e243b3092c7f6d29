"""Every activities page: importing this module adds the routes of each view module to the blueprint."""
from __future__ import annotations

from . import attendance_views, call_list_views, cancel_views, mine_views, on_behalf_views, views
from .blueprint import bp

VIEW_MODULES = (views, cancel_views, mine_views, attendance_views, on_behalf_views, call_list_views)

__all__ = ["bp", "VIEW_MODULES"]
