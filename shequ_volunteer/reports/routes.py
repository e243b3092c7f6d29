"""Every reports page: importing this module adds the routes of each view module to the blueprints."""
from __future__ import annotations

from . import certificate_views, views
from .blueprint import bp, verify_bp

VIEW_MODULES = (views, certificate_views)

__all__ = ["bp", "verify_bp", "VIEW_MODULES"]
