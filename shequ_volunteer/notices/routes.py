"""Every notices page: importing this module adds the routes of each view module to the blueprint."""
from __future__ import annotations

from . import views, workgroup_views
from .blueprint import bp

VIEW_MODULES = (views, workgroup_views)

__all__ = ["bp", "VIEW_MODULES"]
